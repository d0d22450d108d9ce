import { simpleParser } from 'mailparser';
import { aCase, anAppealTemplate, anOfficial, aSupporter } from './helpers/factories';
import { countRows, messagesOf } from './helpers/responses';
import { SmtpSink } from './helpers/smtp-sink';
import { startTestApp, TestApp } from './helpers/test-app';
import { waitFor } from './helpers/wait';

/** Header text a hostile value carries: a recipient, a header of its own, and an early end of the headers. */
const INJECTION = '\r\nBcc: spy@evil.example\r\nX-Injected: yes\r\n\r\nA body of its own';
const EVIL = 'evil.example';
/** Exactly the headers a letter has: nothing a value could add. */
const LETTER_HEADERS = ['content-transfer-encoding', 'content-type', 'date', 'from', 'message-id', 'mime-version', 'subject', 'to', 'x-qalam-letter'];

describe('mail headers: hostile names, notes, titles and subjects add no header and no recipient', () => {
  let sink: SmtpSink;
  let app: TestApp;
  let coordinator: string;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    app = await startTestApp('mail_headers', { SMTP_URL: sink.url, MAIL_FROM: 'letters@qalam.example', ORG_NAME: 'Global Importune' });
    const coordinatorBody = aSupporter({ role: 'coordinator' });
    expect((await app.api.post('/api/supporters', coordinatorBody, app.adminToken)).status).toBe(201);
    coordinator = await app.api.login(coordinatorBody.email, coordinatorBody.password);
  });

  afterAll(async () => {
    await app?.close();
    await sink?.stop();
  });

  describe('refused at the door', () => {
    it.each([
      ['a supporter name', '/api/supporters', () => aSupporter({ name: `Alice${INJECTION}` }), 'name', 'admin'],
      ['a case name', '/api/cases', () => aCase({ name: `Rukhshona${INJECTION}` }), 'name', 'coordinator'],
      ['an official name', '/api/officials', () => anOfficial({ name: `Official${INJECTION}` }), 'name', 'coordinator'],
      ['an official title', '/api/officials', () => anOfficial({ title: `Prosecutor${INJECTION}` }), 'title', 'coordinator'],
      ['an official salutation', '/api/officials', () => anOfficial({ salutation: `Dear Sir${INJECTION}` }), 'salutation', 'coordinator'],
    ])('%s with CR/LF and a Bcc header is 400 naming the field', async (_what, path, body, field, as) => {
      const before = await countRows(app.db, path === '/api/cases' ? 'cases' : path === '/api/officials' ? 'officials' : 'supporters');
      const response = await app.api.post(path, body(), as === 'admin' ? app.adminToken : coordinator);
      expect(response.status).toBe(400);
      expect(messagesOf(response.body)).toContainEqual(expect.stringMatching(new RegExp(`^${field}\\b`)));
      await expect(countRows(app.db, path === '/api/cases' ? 'cases' : path === '/api/officials' ? 'officials' : 'supporters')).resolves.toBe(before);
    });

    it.each([
      'prosecutor@gov.example\r\nBcc: spy@evil.example',
      'prosecutor@gov.example, spy@evil.example',
      'prosecutor@gov.example;spy@evil.example',
      'Prosecutor <prosecutor@gov.example>',
      '"spy@evil.example" <prosecutor@gov.example>',
      'prosecutor@gov.example\nspy@evil.example',
      'prosecutor@[127.0.0.1]',
      'prosecutor',
      '@gov.example',
      'prosecutor@gov..example',
      `${'p'.repeat(250)}@gov.example`,
    ])('an official address %j is refused, naming email', async (email) => {
      const before = await countRows(app.db, 'officials');
      const response = await app.api.post('/api/officials', anOfficial({ email }), coordinator);
      expect(response.status).toBe(400);
      expect(messagesOf(response.body)).toContainEqual(expect.stringMatching(/^email\b/));
      await expect(countRows(app.db, 'officials')).resolves.toBe(before);
    });

    it('an appeal title with CR/LF is 400 naming title', async () => {
      const record = await app.api.post('/api/cases', aCase(), coordinator);
      const official = await app.api.post('/api/officials', anOfficial(), coordinator);
      const template = await app.api.post('/api/templates', anAppealTemplate(), coordinator);
      const response = await app.api.post('/api/appeals', { caseId: record.body.id, title: `Free her${INJECTION}`, templateIds: [template.body.id], officialIds: [official.body.id] }, coordinator);
      expect(response.status).toBe(400);
      expect(messagesOf(response.body)).toContainEqual(expect.stringMatching(/^title\b/));
    });
  });

  it('values that got into the database anyway reach the SMTP server inside their own headers only', async () => {
    const { api, db } = app;
    const officialEmail = 'prosecutor@tj-gov.example';
    const record = await api.post('/api/cases', aCase({ name: 'Rukhshona Khakimova' }), coordinator);
    const official = await api.post('/api/officials', anOfficial({ email: officialEmail }), coordinator);
    // The subject carries the case name and the appeal title; the body carries the rest.
    const template = await api.post('/api/templates', anAppealTemplate({ subject: 'Release {{case.name}}: {{appeal.title}}' }), coordinator);
    expect([record.status, official.status, template.status]).toEqual([201, 201, 201]);
    const appeal = await api.post('/api/appeals', { caseId: record.body.id, title: 'Free her', templateIds: [template.body.id], officialIds: [official.body.id] }, coordinator);
    expect(appeal.status).toBe(201);
    const memberBody = aSupporter({ name: 'Alice Signer' });
    const member = await api.post('/api/supporters', memberBody, coordinator);
    expect(member.status).toBe(201);

    // Written straight to Postgres, as an older release or a hand-run import could have: the
    // sender must hold even when validation did not.
    await db.query(`UPDATE cases SET name = $2 WHERE id = $1`, [record.body.id, `Rukhshona${INJECTION}`]);
    await db.query(`UPDATE appeals SET title = $2 WHERE id = $1`, [appeal.body.id, `Free her${INJECTION}`]);
    await db.query(`UPDATE officials SET name = $2, title = $3, salutation = $4 WHERE id = $1`, [official.body.id, `Official${INJECTION}`, `Prosecutor${INJECTION}`, `Dear Sir${INJECTION}`]);
    await db.query(`UPDATE supporters SET name = $2 WHERE id = $1`, [member.body.id, `Alice${INJECTION}`]);

    expect((await api.post(`/api/appeals/${appeal.body.id}/launch`, undefined, coordinator)).status).toBe(200);
    const memberToken = await api.login(memberBody.email, memberBody.password);
    // A note may hold lines: it belongs to the body, where it must stay.
    const signed = await api.post(`/api/appeals/${appeal.body.id}/signatures`, { note: `Please release her.${INJECTION}\r\nCc: spy2@evil.example` }, memberToken);
    expect(signed.status).toBe(201);
    const letterId: string = signed.body.letters[0].id;

    const received = await waitFor(
      async () => sink.messages.find((message) => message.letterId === letterId),
      async () => `letter ${letterId} at the SMTP sink: ${JSON.stringify((await db.query('SELECT status, last_error FROM letters WHERE id = $1', [letterId])).rows)}`,
      60_000,
    );
    // Only the official, in the envelope and in the headers.
    expect(received.to).toEqual([officialEmail]);
    expect(received.from).toBe('letters@qalam.example');

    const [head, ...rest] = received.raw.split('\r\n\r\n');
    const unfolded = head.replace(/\r\n[ \t]+/g, ' ').split('\r\n');
    expect(unfolded.map((line) => line.slice(0, line.indexOf(':')).toLowerCase()).sort()).toEqual(LETTER_HEADERS);
    // The hostile values did reach the sender (else this test proves nothing)...
    expect(unfolded.some((line) => line.includes(EVIL))).toBe(true);
    // ...and the hostile text may show only as text inside the display name or the subject, on their own line.
    for (const line of unfolded.filter((candidate) => candidate.includes(EVIL))) expect(line).toMatch(/^(From|Subject): /);
    expect(head).not.toMatch(/^(bcc|cc|x-injected):/im);

    const parsed = await simpleParser(received.raw);
    const addresses = (field: typeof parsed.to) => (field && !Array.isArray(field) ? field.value.map((address) => address.address) : field);
    expect({ bcc: parsed.bcc, cc: parsed.cc, injected: parsed.headers.get('x-injected'), to: addresses(parsed.to), from: addresses(parsed.from) }).toEqual({
      bcc: undefined,
      cc: undefined,
      injected: undefined,
      to: [officialEmail],
      from: ['letters@qalam.example'],
    });
    // The hostile text arrived as text: in the subject as one line, in the body as the note.
    expect(parsed.subject).toContain('Rukhshona');
    expect(parsed.subject).not.toMatch(/[\r\n]/);
    expect(rest.join('\r\n\r\n').length).toBeGreaterThan(0);
    expect(parsed.text).toContain('Please release her.');
  });
});
