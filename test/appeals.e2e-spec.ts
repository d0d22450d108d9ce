import { aCase, anAppealTemplate, anOfficial, aSupporter } from './helpers/factories';
import { countRows, messagesOf } from './helpers/responses';
import { SmtpSink } from './helpers/smtp-sink';
import { startTestApp, TestApp } from './helpers/test-app';
import { waitFor } from './helpers/wait';

const UNKNOWN_ID = '5b0c3f1e-8a7d-4c2b-9e6f-0a1b2c3d4e5f';
const NO_LETTERS = { total: 0, queued: 0, held: 0, sending: 0, sent: 0, failed: 0, unknown: 0, cancelled: 0, bounced: 0, printed: 0, posted: 0 };

const FIRST_IMPORT = [
  'email,name,country,city,language,autoSign,signatureStyle', // line 1
  'ada@import.example,Ada Lovelace,GB,London,en,yes,full', // 2
  'not-an-email,Bad Email,CA,Toronto,en,no,full', // 3: bad email
  'Bo@Import.Example,Bo Yang,ca,Toronto,fr,true,initials', // 4
  'cy@import.example,Cy Twombly,XX,Paris,en,no,full', // 5: bad country
  '', // 6: blank, still a line
  'dee@import.example,Dee Dee,US,,en,false,anonymous', // 7
  'eve@import.example,Eve Moneypenny,US,,en,maybe,full', // 8: bad autoSign
  'ada@import.example,Ada Again,GB,London,en,no,full', // 9: repeats line 2
  'fay@import.example,Fay Wray,CA,,,,', // 10: defaults
  'gus@import.example,Gus Grissom,US,Houston,en,1,cursive', // 11: bad signatureStyle
].join('\n');

const SECOND_IMPORT = [
  'email,name,country,city,language,autoSign,signatureStyle',
  'dee@import.example,Dee Dee,US,,en,yes,anonymous', // now auto-signs
  'fay@import.example,Fay Wray-Walsh,CA,Ottawa,en,no,full', // renamed
  'bo@import.example,Bo Yang,CA,Toronto,fr,true,initials', // unchanged
  'hal@import.example,Hal Incandenza,US,Boston,en,1,full', // new
].join('\r\n');

const AUTO_SIGNERS = ['ada@import.example', 'bo@import.example', 'dee@import.example', 'hal@import.example'];

interface LetterRow {
  id: string;
  supporter_id: string;
  official_id: string;
  status: string;
}

describe('appeals: import members, launch, deliver, pause, resume, cancel', () => {
  let sink: SmtpSink;
  let app: TestApp;
  let coordinator: string;
  let caseId: string;
  let officials: { id: string; email: string }[];
  let templateId: string;
  let thankYouId: string;
  let postalOfficialId: string;

  const importCsv = (csv: string) => app.api.request('POST', '/api/supporters/import', { token: coordinator, raw: csv, contentType: 'text/csv' });
  const lettersOf = async (appealId: string) =>
    (await app.db.query<LetterRow>('SELECT id, supporter_id, official_id, status FROM letters WHERE appeal_id = $1 ORDER BY id', [appealId])).rows;
  const idsByEmail = async (emails: string[]) =>
    (await app.db.query<{ id: string }>('SELECT id FROM supporters WHERE email = ANY($1) ORDER BY id', [emails])).rows.map((row) => row.id);
  const appealRows = async () => ({
    appeals: await countRows(app.db, 'appeals'),
    templates: await countRows(app.db, 'appeal_templates'),
    officials: await countRows(app.db, 'appeal_officials'),
  });

  /** Waits until the appeal shows `sent` letters sent, failing with its counts and what the sink holds. */
  async function waitForSent(appealId: string, sent: number): Promise<void> {
    await waitFor(
      async () => {
        const { rows } = await app.db.query<{ count: number }>(`SELECT count(*)::int AS count FROM letters WHERE appeal_id = $1 AND status = 'sent'`, [appealId]);
        return rows[0].count === sent ? true : undefined;
      },
      async () => `appeal ${appealId} letters: ${JSON.stringify((await app.api.get(`/api/appeals/${appealId}`, coordinator)).body.letters)}, sink has ${sink.messages.length}`,
      15_000,
    );
  }

  async function aMember(name: string): Promise<{ id: string; token: string }> {
    const body = aSupporter({ name });
    const created = await app.api.post('/api/supporters', body, coordinator);
    expect(created.status).toBe(201);
    expect(created.body.autoSign).toBe(false);
    return { id: created.body.id, token: await app.api.login(body.email, body.password) };
  }

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    app = await startTestApp('appeals', { SMTP_URL: sink.url, MAIL_FROM: 'letters@qalam.example', ORG_NAME: 'Pen Friends' });
    const coordinatorBody = aSupporter({ role: 'coordinator' });
    expect((await app.api.post('/api/supporters', coordinatorBody, app.adminToken)).status).toBe(201);
    coordinator = await app.api.login(coordinatorBody.email, coordinatorBody.password);

    const created = await app.api.post('/api/cases', aCase(), coordinator);
    expect(created.status).toBe(201);
    caseId = created.body.id;
    officials = [];
    for (const email of ['prosecutor@tj-gov.example', 'president@tj-gov.example']) {
      const official = await app.api.post('/api/officials', anOfficial({ email }), coordinator);
      expect(official.status).toBe(201);
      officials.push({ id: official.body.id, email });
    }
    const postal = await app.api.post('/api/officials', anOfficial({ email: undefined, postalAddress: '1 Rudaki Avenue, Dushanbe' }), coordinator);
    expect(postal.status).toBe(201);
    expect(postal.body.email).toBeNull();
    postalOfficialId = postal.body.id;

    const template = await app.api.post('/api/templates', anAppealTemplate(), coordinator);
    expect(template.status).toBe(201);
    templateId = template.body.id;
    const thankYou = await app.api.post('/api/templates', anAppealTemplate({ kind: 'thank-you', name: 'Thanks', body: 'You sent {{lettersSent}} letters.' }), coordinator);
    expect(thankYou.status).toBe(201);
    thankYouId = thankYou.body.id;
  });

  afterAll(async () => {
    await app?.close();
    await sink?.stop();
  });

  describe('CSV import', () => {
    it('does not change a coordinator or admin account whose email appears in the file', async () => {
      const before = await app.db.query(`SELECT name, country, role, auto_sign FROM supporters WHERE email = 'admin@qalam.example'`);
      const response = await importCsv('email,name,country,autoSign\nadmin@qalam.example,Renamed,FR,true\n');
      expect(response.status).toBe(201);
      expect(response.body).toEqual({ created: 0, updated: 0, skipped: 1, errors: [{ line: 2, message: expect.stringMatching(/coordinator or admin/) }] });
      const after = await app.db.query(`SELECT name, country, role, auto_sign FROM supporters WHERE email = 'admin@qalam.example'`);
      expect(after.rows).toEqual(before.rows);
      expect(after.rows[0].role).toBe('admin');
    });

    it('creates the good rows as members and reports each bad row by its line', async () => {
      const before = await countRows(app.db, 'supporters');
      const response = await importCsv(FIRST_IMPORT);
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        created: 4,
        updated: 0,
        skipped: 1,
        errors: [
          { line: 3, message: expect.stringMatching(/email/) },
          { line: 5, message: expect.stringMatching(/country/) },
          { line: 8, message: expect.stringMatching(/autoSign/) },
          { line: 9, message: expect.stringMatching(/repeats/) },
          { line: 11, message: expect.stringMatching(/signatureStyle/) },
        ],
      });
      await expect(countRows(app.db, 'supporters')).resolves.toBe(before + 4);

      const { rows } = await app.db.query(
        `SELECT email, name, country, city, language, role, auto_sign, signature_style, password_hash
           FROM supporters WHERE email LIKE '%@import.example' ORDER BY email`,
      );
      const member = { role: 'member', password_hash: null };
      expect(rows).toEqual([
        { ...member, email: 'ada@import.example', name: 'Ada Lovelace', country: 'GB', city: 'London', language: 'en', auto_sign: true, signature_style: 'full' },
        { ...member, email: 'bo@import.example', name: 'Bo Yang', country: 'CA', city: 'Toronto', language: 'fr', auto_sign: true, signature_style: 'initials' },
        { ...member, email: 'dee@import.example', name: 'Dee Dee', country: 'US', city: null, language: 'en', auto_sign: false, signature_style: 'anonymous' },
        { ...member, email: 'fay@import.example', name: 'Fay Wray', country: 'CA', city: null, language: 'en', auto_sign: false, signature_style: 'full' },
      ]);
    });

    it('updates the members it already has when imported again', async () => {
      const before = await countRows(app.db, 'supporters');
      const response = await importCsv(SECOND_IMPORT);
      expect(response.status).toBe(201);
      expect(response.body).toEqual({ created: 1, updated: 3, skipped: 0, errors: [] });
      await expect(countRows(app.db, 'supporters')).resolves.toBe(before + 1);

      const { rows } = await app.db.query(`SELECT email, name, city, auto_sign, role FROM supporters WHERE email LIKE '%@import.example' ORDER BY email`);
      expect(rows).toEqual([
        { email: 'ada@import.example', name: 'Ada Lovelace', city: 'London', auto_sign: true, role: 'member' },
        { email: 'bo@import.example', name: 'Bo Yang', city: 'Toronto', auto_sign: true, role: 'member' },
        { email: 'dee@import.example', name: 'Dee Dee', city: null, auto_sign: true, role: 'member' },
        { email: 'fay@import.example', name: 'Fay Wray-Walsh', city: 'Ottawa', auto_sign: false, role: 'member' },
        { email: 'hal@import.example', name: 'Hal Incandenza', city: 'Boston', auto_sign: true, role: 'member' },
      ]);
    });

    it('refuses a file with an unknown column, or not sent as text/csv, and imports nothing', async () => {
      const before = await countRows(app.db, 'supporters');
      const unknownColumn = await importCsv('email,name,country,role\nivy@import.example,Ivy,CA,admin\n');
      expect(unknownColumn.status).toBe(400);
      expect(messagesOf(unknownColumn.body)).toEqual([expect.stringMatching(/unknown columns: role/)]);
      const asJson = await app.api.post('/api/supporters/import', { email: 'ivy@import.example', name: 'Ivy', country: 'CA' }, coordinator);
      expect(asJson.status).toBe(400);
      await expect(countRows(app.db, 'supporters')).resolves.toBe(before);
    });
  });

  describe('launching', () => {
    it('creates one letter per official for exactly the auto-sign members, and delivers them', async () => {
      const autoSigners = await idsByEmail(AUTO_SIGNERS);
      expect(autoSigners).toHaveLength(4);
      const created = await app.api.post('/api/appeals', { caseId, title: 'Free Rukhshona', templateIds: [templateId], officialIds: officials.map((o) => o.id) }, coordinator);
      expect(created.status).toBe(201);
      expect(created.body).toEqual(expect.objectContaining({ status: 'draft', launchedAt: null, letters: NO_LETTERS }));
      const appealId: string = created.body.id;
      await expect(lettersOf(appealId)).resolves.toEqual([]);

      const launched = await app.api.post(`/api/appeals/${appealId}/launch`, undefined, coordinator);
      expect(launched.status).toBe(200);
      expect(launched.body.status).toBe('open');
      expect(launched.body.launchedAt).toEqual(expect.any(String));

      const expected = autoSigners.length * officials.length;
      await waitForSent(appealId, expected);

      const letters = await lettersOf(appealId);
      expect(letters).toHaveLength(expected);
      expect([...new Set(letters.map((l) => l.supporter_id))].sort()).toEqual(autoSigners);
      expect(new Set(letters.map((l) => `${l.supporter_id}/${l.official_id}`)).size).toBe(expected);
      const { rows: signatures } = await app.db.query('SELECT supporter_id, auto_signed FROM signatures WHERE appeal_id = $1 ORDER BY supporter_id', [appealId]);
      expect(signatures).toEqual(autoSigners.map((id) => ({ supporter_id: id, auto_signed: true })));

      // What the SMTP server received: these letters and nothing else.
      expect(sink.messages).toHaveLength(expected);
      const byLetter = new Map(letters.map((letter) => [letter.id, letter]));
      expect(sink.messages.map((m) => m.letterId).sort()).toEqual([...byLetter.keys()].sort());
      for (const message of sink.messages) {
        const letter = byLetter.get(message.letterId!)!;
        expect(message.to).toEqual([officials.find((o) => o.id === letter.official_id)!.email]);
        expect(message.subject).toBe('Release Rukhshona Khakimova');
      }
      const [bo] = await idsByEmail(['bo@import.example']);
      const [dee] = await idsByEmail(['dee@import.example']);
      for (const message of sink.messages.filter((m) => byLetter.get(m.letterId!)!.supporter_id === bo)) {
        expect(message.text).toContain('B. Y.');
        expect(message.raw).not.toContain('Bo Yang');
      }
      for (const message of sink.messages.filter((m) => byLetter.get(m.letterId!)!.supporter_id === dee)) {
        expect(message.text).toContain('a supporter from United States, United States');
        expect(message.fromHeader).toContain('a supporter from United States via Pen Friends');
        expect(message.raw).not.toContain('Dee');
      }

      const appeal = await app.api.get(`/api/appeals/${appealId}`, coordinator);
      expect(appeal.status).toBe(200);
      expect(appeal.body.letters).toEqual({ ...NO_LETTERS, total: expected, sent: expected });
    });

    it('writes nothing for members who do not auto-sign, nor for the coordinator and admin', async () => {
      const notAutoSigning = (await app.db.query<{ id: string }>('SELECT id FROM supporters WHERE NOT auto_sign')).rows.map((row) => row.id);
      expect(notAutoSigning.length).toBeGreaterThanOrEqual(3);
      await expect(countRows(app.db, 'letters', 'supporter_id = ANY($1)', [notAutoSigning])).resolves.toBe(0);
      await expect(countRows(app.db, 'signatures', 'supporter_id = ANY($1)', [notAutoSigning])).resolves.toBe(0);
    });
  });

  describe('pause, resume, cancel', () => {
    let appealId: string;
    let members: { id: string; token: string }[];
    const act = (action: string, id = appealId) => app.api.post(`/api/appeals/${id}/${action}`, undefined, coordinator);
    const statusInDb = async (id = appealId) => (await app.db.query('SELECT status FROM appeals WHERE id = $1', [id])).rows[0].status as string;

    beforeAll(async () => {
      members = [await aMember('Ines Member'), await aMember('Jon Member'), await aMember('Kim Member')];
      const created = await app.api.post('/api/appeals', { caseId, title: 'Write to the prosecutor', templateIds: [templateId], officialIds: [officials[0].id] }, coordinator);
      expect(created.status).toBe(201);
      appealId = created.body.id;
    });

    it('a draft cannot be paused, resumed or signed', async () => {
      for (const action of ['pause', 'resume']) {
        const response = await act(action);
        expect({ action, status: response.status }).toEqual({ action, status: 409 });
        expect(messagesOf(response.body)).toEqual([`Cannot ${action} an appeal that is draft`]);
      }
      const signed = await app.api.post(`/api/appeals/${appealId}/signatures`, { note: 'too early' }, members[0].token);
      expect(signed.status).toBe(409);
      await expect(countRows(app.db, 'signatures', 'appeal_id = $1', [appealId])).resolves.toBe(0);
      await expect(countRows(app.db, 'letters', 'appeal_id = $1', [appealId])).resolves.toBe(0);
      await expect(statusInDb()).resolves.toBe('draft');
    });

    it('an open appeal cannot be launched or resumed again', async () => {
      expect((await act('launch')).status).toBe(200);
      await waitForSent(appealId, AUTO_SIGNERS.length);
      for (const action of ['launch', 'resume']) {
        const response = await act(action);
        expect({ action, status: response.status }).toEqual({ action, status: 409 });
        expect(messagesOf(response.body)).toEqual([`Cannot ${action} an appeal that is open`]);
      }
      await expect(statusInDb()).resolves.toBe('open');
      await expect(countRows(app.db, 'letters', 'appeal_id = $1', [appealId])).resolves.toBe(AUTO_SIGNERS.length);
    });

    it('a paused appeal takes signatures but holds their letters until resumed', async () => {
      const paused = await act('pause');
      expect(paused.status).toBe(200);
      expect(paused.body.status).toBe('paused');
      expect((await act('pause')).status).toBe(409);

      const signed = await app.api.post(`/api/appeals/${appealId}/signatures`, { note: 'Written while paused' }, members[0].token);
      expect(signed.status).toBe(201);
      expect(signed.body.letters).toEqual([{ id: expect.any(String), officialId: officials[0].id, status: 'queued' }]);
      const held = signed.body.letters[0].id as string;
      const duringPause = await app.api.get(`/api/appeals/${appealId}`, coordinator);
      expect(duringPause.body.letters).toEqual({ ...NO_LETTERS, total: 5, sent: 4, queued: 1 });
      expect(sink.messages.some((m) => m.letterId === held)).toBe(false);

      const resumed = await act('resume');
      expect(resumed.status).toBe(200);
      expect(resumed.body.status).toBe('open');
      await waitForSent(appealId, 5);
      const delivered = sink.messages.filter((m) => m.letterId === held);
      expect(delivered).toHaveLength(1);
      expect(delivered[0].text).toContain('Written while paused');
      expect(delivered[0].to).toEqual([officials[0].email]);
    });

    it('cancel marks the letters still queued as cancelled and never sends them', async () => {
      expect((await act('pause')).status).toBe(200);
      const signed = await app.api.post(`/api/appeals/${appealId}/signatures`, {}, members[1].token);
      expect(signed.status).toBe(201);
      const held = signed.body.letters[0].id as string;

      const cancelled = await act('cancel');
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.status).toBe('cancelled');
      expect(cancelled.body.letters).toEqual({ ...NO_LETTERS, total: 6, sent: 5, cancelled: 1 });
      const { rows } = await app.db.query('SELECT status FROM letters WHERE id = $1', [held]);
      expect(rows).toEqual([{ status: 'cancelled' }]);

      const appeal = await app.api.get(`/api/appeals/${appealId}`, members[1].token);
      expect(appeal.status).toBe(200);
      expect(appeal.body).toEqual(expect.objectContaining({ id: appealId, status: 'cancelled', letters: { ...NO_LETTERS, total: 6, sent: 5, cancelled: 1 } }));
      expect(sink.messages.some((m) => m.letterId === held)).toBe(false);
    });

    it('a cancelled appeal cannot be signed or moved again', async () => {
      const signed = await app.api.post(`/api/appeals/${appealId}/signatures`, { note: 'too late' }, members[2].token);
      expect(signed.status).toBe(409);
      await expect(countRows(app.db, 'signatures', 'appeal_id = $1 AND supporter_id = $2', [appealId, members[2].id])).resolves.toBe(0);
      for (const action of ['launch', 'pause', 'resume', 'cancel']) {
        const response = await act(action);
        expect({ action, status: response.status }).toEqual({ action, status: 409 });
        expect(messagesOf(response.body)).toEqual([`Cannot ${action} an appeal that is cancelled`]);
      }
      await expect(statusInDb()).resolves.toBe('cancelled');
      await expect(countRows(app.db, 'letters', 'appeal_id = $1', [appealId])).resolves.toBe(6);
    });

    it('a draft can be cancelled, and is then closed to signatures and launch', async () => {
      const created = await app.api.post('/api/appeals', { caseId, title: 'Never launched', templateIds: [templateId], officialIds: [officials[1].id] }, coordinator);
      expect(created.status).toBe(201);
      const draftId: string = created.body.id;
      const cancelled = await act('cancel', draftId);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toEqual(expect.objectContaining({ status: 'cancelled', launchedAt: null, letters: NO_LETTERS }));
      expect((await app.api.post(`/api/appeals/${draftId}/signatures`, {}, members[2].token)).status).toBe(409);
      expect((await act('launch', draftId)).status).toBe(409);
      await expect(countRows(app.db, 'signatures', 'appeal_id = $1', [draftId])).resolves.toBe(0);
      await expect(countRows(app.db, 'letters', 'appeal_id = $1', [draftId])).resolves.toBe(0);
    });
  });

  it('refuses an official with neither an email nor a postal address, naming the email', async () => {
    const before = await countRows(app.db, 'officials');
    const response = await app.api.post('/api/officials', anOfficial({ email: undefined, postalAddress: null }), coordinator);
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body.message)).toContain('email');
    await expect(countRows(app.db, 'officials')).resolves.toBe(before);
  });

  describe('POST /api/appeals refuses, naming the field, and creates nothing', () => {
    const valid = () => ({ caseId, title: 'A valid appeal', templateIds: [templateId], officialIds: [officials[0].id] });

    it.each<[string, () => Record<string, unknown>, () => RegExp[]]>([
      ['an unknown template id', () => ({ ...valid(), templateIds: [UNKNOWN_ID] }), () => [new RegExp(`^templateIds\\b.*${UNKNOWN_ID}`)]],
      ['a template of the wrong kind', () => ({ ...valid(), templateIds: [thankYouId] }), () => [new RegExp(`^templateIds\\b.*${thankYouId}.*kind appeal`)]],
      ['an official without an email', () => ({ ...valid(), officialIds: [officials[0].id, postalOfficialId] }), () => [new RegExp(`^officialIds\\b.*${postalOfficialId}.*email`)]],
      ['an unknown official id', () => ({ ...valid(), officialIds: [UNKNOWN_ID] }), () => [new RegExp(`^officialIds\\b.*${UNKNOWN_ID}`)]],
      ['an unknown case id', () => ({ ...valid(), caseId: UNKNOWN_ID }), () => [/^caseId\b/]],
      ['a malformed case id', () => ({ ...valid(), caseId: 'not-a-uuid' }), () => [/^caseId\b/]],
      ['malformed template and official ids', () => ({ ...valid(), templateIds: ['x'], officialIds: ['y'] }), () => [/^templateIds\b/, /^officialIds\b/]],
      ['no officials', () => ({ ...valid(), officialIds: [] }), () => [/^officialIds\b/]],
      ['no title', () => ({ ...valid(), title: undefined }), () => [/^title\b/]],
      ['a channel other than email', () => ({ ...valid(), channel: 'fax' }), () => [/^channel\b/]],
      [
        'a wrong template and a wrong official together',
        () => ({ ...valid(), templateIds: [thankYouId], officialIds: [postalOfficialId] }),
        () => [/^templateIds\b.*kind appeal/, /^officialIds\b.*email/],
      ],
    ])('%s', async (_name, body, expected) => {
      const before = await appealRows();
      const response = await app.api.post('/api/appeals', body(), coordinator);
      expect(response.status).toBe(400);
      const messages = messagesOf(response.body);
      for (const pattern of expected()) expect(messages).toContainEqual(expect.stringMatching(pattern));
      await expect(appealRows()).resolves.toEqual(before);
    });

    it('accepts the same body once it is valid', async () => {
      const before = await appealRows();
      const response = await app.api.post('/api/appeals', valid(), coordinator);
      expect(response.status).toBe(201);
      expect(response.body).toEqual(expect.objectContaining({ status: 'draft', templateIds: [templateId], officialIds: [officials[0].id], letters: NO_LETTERS }));
      await expect(appealRows()).resolves.toEqual({ appeals: before.appeals + 1, templates: before.templates + 1, officials: before.officials + 1 });
    });
  });
});
