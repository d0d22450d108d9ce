import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDefaultTemplates } from '../src/templates/default-templates';
import { Browserish, csrfOf } from './helpers/console';
import { aCase, anOfficial, aSupporter } from './helpers/factories';
import { flat, pdfFonts, pdfInfo, pdfPagePng, pdfPageTexts } from './helpers/poppler';
import { startTestApp, TestApp } from './helpers/test-app';
import { waitFor } from './helpers/wait';

const ARTIFACTS = join(__dirname, '..', 'test-artifacts');
const ORG_ADDRESS = '12 Rue des Lilas\n75011 Paris\nFrance';
/** Tajik letters that Russian lacks: the fonts must set them and the text layer must hold them. */
const TAJIK = 'ӣ ӯ қ ғ ҳ ҷ';

interface Signer {
  token: string;
  email: string;
  name: string;
  note: string | null;
  style: 'full' | 'initials' | 'anonymous';
}

describe('print runs: letters on paper, queued -> printed -> posted', () => {
  let app: TestApp;
  let coordinator: string;
  let member: string;
  let printDir: string;
  let templateIds: string[];
  let staffLogin: { email: string; password: string };

  beforeAll(async () => {
    printDir = mkdtempSync(join(tmpdir(), 'qalam-print-'));
    mkdirSync(ARTIFACTS, { recursive: true });
    app = await startTestApp('print_runs', { PRINT_DIR: printDir, ORG_NAME: 'Qalam Letter-Writing Group', ORG_POSTAL_ADDRESS: ORG_ADDRESS.replace(/\n/g, '\\n'), RECONCILE_SECONDS: '1' });
    const staff = aSupporter({ role: 'coordinator' });
    expect((await app.api.post('/api/supporters', staff, app.adminToken)).status).toBe(201);
    coordinator = await app.api.login(staff.email, staff.password);
    staffLogin = { email: staff.email, password: staff.password };
    const plain = aSupporter();
    expect((await app.api.post('/api/supporters', plain, coordinator)).status).toBe(201);
    member = await app.api.login(plain.email, plain.password);
    // The default templates: they print the date, the note and the signature themselves.
    templateIds = [];
    for (const template of loadDefaultTemplates().filter((one) => one.kind === 'appeal' && ['en', 'ru'].includes(one.language))) {
      const created = await app.api.post('/api/templates', { name: `Default ${template.language}`, kind: 'appeal', language: template.language, subject: template.subject, body: template.body }, coordinator);
      expect(created.status).toBe(201);
      templateIds.push(created.body.id);
    }
  });

  afterAll(async () => {
    await app?.close();
  });

  const newCase = async (): Promise<string> => {
    const created = await app.api.post(
      '/api/cases',
      aCase({ translations: { ru: { name: 'Рухшона Хакимова', profession: 'журналистка', summary: 'Журналистка приговорена к восьми годам лишения свободы.', charges: 'Государственная измена' } }, gender: 'female' }),
      coordinator,
    );
    expect(created.status).toBe(201);
    return created.body.id;
  };

  const postOfficial = async (overrides: Record<string, unknown> = {}): Promise<string> => {
    const created = await app.api.post('/api/officials', anOfficial({ email: undefined, postalAddress: 'Хиёбони Рӯдакӣ 25\nДушанбе 734025', ...overrides }), coordinator);
    expect(created.status).toBe(201);
    return created.body.id;
  };

  const postAppeal = async (caseId: string, officialIds: string[], title = 'Free Rukhshona'): Promise<string> => {
    const created = await app.api.post('/api/appeals', { caseId, title, templateIds, officialIds, channel: 'post' }, coordinator);
    expect(created.status).toBe(201);
    expect((await app.api.post(`/api/appeals/${created.body.id}/launch`, undefined, coordinator)).status).toBe(200);
    return created.body.id;
  };

  const sign = async (appealId: string, people: { note: string | null; style: Signer['style'] }[]): Promise<Signer[]> => {
    const signers: Signer[] = [];
    for (const [index, person] of people.entries()) {
      const body = aSupporter({ name: `Aziza Qodirova${index}`, city: 'Winnipeg', signatureStyle: person.style });
      expect((await app.api.post('/api/supporters', body, coordinator)).status).toBe(201);
      const token = await app.api.login(body.email, body.password);
      const signed = await app.api.post(`/api/appeals/${appealId}/signatures`, person.note ? { note: person.note } : {}, token);
      expect(signed.status).toBe(201);
      signers.push({ token, email: body.email, name: body.name, note: person.note, style: person.style });
    }
    return signers;
  };

  const statusesOf = async (appealId: string): Promise<Record<string, number>> => {
    const { rows } = await app.db.query<{ status: string; count: number }>(`SELECT status, count(*)::int AS count FROM letters WHERE appeal_id = $1 GROUP BY status`, [appealId]);
    return Object.fromEntries(rows.map((row) => [row.status, row.count]));
  };

  const startRun = async (appealId: string, extra: Record<string, unknown> = {}) => {
    const started = await app.api.post('/api/print-runs', { appealId, kind: 'letters', ...extra }, coordinator);
    expect(started.status).toBe(202);
    expect(started.body.status).toBe('rendering');
    return started.body as { id: string; letters: number };
  };

  const settled = (runId: string): Promise<any> =>
    waitFor(
      async () => {
        const run = (await app.api.get(`/api/print-runs/${runId}`, coordinator)).body;
        return run.status === 'rendering' ? undefined : run;
      },
      () => `print run ${runId} still rendering`,
      60_000,
    );

  const download = async (url: string, name: string): Promise<string> => {
    const response = await fetch(app.api.baseUrl + url, { headers: { authorization: `Bearer ${coordinator}` } });
    expect(response.status).toBe(200);
    const file = join(mkdtempSync(join(tmpdir(), 'qalam-download-')), name);
    writeFileSync(file, Buffer.from(await response.arrayBuffer()));
    return file;
  };

  it('prints every letter as rendered, in order, with its address, on embedded fonts, and posts them', async () => {
    const caseId = await newCase();
    const english = await postOfficial({ name: 'Yusuf Rahmon', title: 'Prosecutor General', organisation: 'General Prosecutor’s Office', language: 'en' });
    const russian = await postOfficial({ name: 'Раҳмон Ҷалолов', title: 'Генеральный прокурор', organisation: 'Генеральная прокуратура', language: 'ru', postalAddress: 'кӯчаи Нӯъмонов 126\nш. Душанбе 734043' });
    const appealId = await postAppeal(caseId, [english, russian]);
    const signers = await sign(appealId, [
      { note: `Озодӣ барои Рухшона: ${TAJIK}.`, style: 'full' },
      { note: null, style: 'initials' },
      { note: 'Please let her family visit her.', style: 'anonymous' },
    ]);
    expect(await statusesOf(appealId)).toEqual({ queued: 6 });

    const started = await startRun(appealId);
    expect(started.letters).toBe(6);
    // Taken by this run: a second run finds nothing waiting.
    const again = await app.api.post('/api/print-runs', { appealId, kind: 'letters' }, coordinator);
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/no letter of this appeal waits for post/);

    const run = await settled(started.id);
    expect(run).toMatchObject({ status: 'ready', letters: 6, kind: 'letters', appealId, paperSize: 'A4', envelopes: 'DL' });
    expect(run.files.map((file: { name: string }) => file.name)).toEqual(['letters.pdf', 'envelopes.pdf', 'manifest.csv']);
    expect(await statusesOf(appealId)).toEqual({ printed: 6 });

    const letters = await download(run.files[0].url, 'letters.pdf');
    const envelopes = await download(run.files[1].url, 'envelopes.pdf');
    const manifest = readFileSync(await download(run.files[2].url, 'manifest.csv'), 'utf8');
    const info = await pdfInfo(letters);
    expect(info.pages).toBe(run.pages);
    expect(info.pages).toBeGreaterThanOrEqual(6);
    expect((await pdfInfo(envelopes)).pages).toBe(6);
    for (const file of [letters, envelopes]) {
      const fonts = await pdfFonts(file);
      expect(fonts.length).toBeGreaterThan(0);
      expect(fonts.every((font) => font.embedded && font.unicode)).toBe(true);
    }

    // Each letter as the member previewed it: render the preview of each and find it on its pages, in order.
    const pages = await pdfPageTexts(letters);
    const rows = manifest.trim().split('\n');
    expect(rows[0]).toMatch(/^letter_id,/);
    expect(rows).toHaveLength(7);
    const { rows: letterRows } = await app.db.query<{ id: string; official_id: string; supporter_id: string; note: string | null }>(
      `SELECT l.id, l.official_id, l.supporter_id, sg.note FROM letters l JOIN signatures sg ON sg.id = l.signature_id WHERE l.appeal_id = $1`,
      [appealId],
    );
    for (const line of rows.slice(1)) {
      const [letterId] = line.split(',');
      const row = letterRows.find((one) => one.id === letterId)!;
      expect(row).toBeDefined();
      const range = line.match(/,(\d+)(?:-(\d+))?,\d+,?[^,]*$/)!;
      const first = Number(range[1]);
      const last = Number(range[2] ?? range[1]);
      const text = flat(pages.slice(first - 1, last).join('\n'));
      const official = row.official_id === english ? { name: 'Yusuf Rahmon', address: ['Хиёбони Рӯдакӣ 25', 'Душанбе 734025'], greeting: 'I am writing to express my deep concern' } : { name: 'Раҳмон Ҷалолов', address: ['кӯчаи Нӯъмонов 126', 'ш. Душанбе 734043'], greeting: 'Рухшона Хакимова' };
      const signer = signers.find((one) => one.note === row.note)!;
      // The address block: the official, the lines as recorded, the country in capitals, the air-mail mark.
      const addressAt = text.indexOf(official.address[0]);
      expect(addressAt).toBeGreaterThan(-1);
      expect(text.indexOf(official.address[1])).toBeGreaterThan(addressAt);
      expect(text).toContain('TAJIKISTAN');
      expect(text).toMatch(/PRIORITY|PAR AVION/);
      const bodyAt = text.indexOf(official.greeting);
      expect(bodyAt).toBeGreaterThan(addressAt);
      if (signer.note) {
        const noteAt = text.indexOf(flat(signer.note));
        expect(noteAt).toBeGreaterThan(bodyAt);
      }
      // The note is printed once: the template writes it, the layout does not add it again.
      if (signer.note) expect(text.split(flat(signer.note)).length).toBe(2);
      const signature = signer.style === 'full' ? signer.name : signer.style === 'initials' ? 'A. Q.' : row.official_id === english ? 'a supporter from Canada' : 'Сторонник (Канада)';
      expect({ signature, at: text.lastIndexOf(signature) > bodyAt, text }).toMatchObject({ signature, at: true });
    }
    // Tajik letters are in the text layer.
    const all = pages.join('\n');
    for (const letter of TAJIK.split(' ')) expect(all).toContain(letter);
    // No member's email anywhere, and no full name of a member who signs with initials or anonymously.
    const envelopeText = (await pdfPageTexts(envelopes)).join('\n');
    for (const signer of signers) {
      for (const text of [all, envelopeText, manifest]) expect(text).not.toContain(signer.email);
      if (signer.style !== 'full') expect(all).not.toContain(signer.name);
    }
    // The sender block is the signature style via the organisation and its address, never a member's own.
    for (const page of pages.filter((text) => text.includes(' via Qalam'))) {
      const letterhead = page.slice(0, page.indexOf('PAR AVION'));
      expect(letterhead).toContain('75011 Paris');
      expect(letterhead).not.toContain('Winnipeg');
    }
    expect(pages.filter((text) => text.includes('A. Q. via Qalam')).length).toBeGreaterThan(0);
    await pdfPagePng(letters, join(ARTIFACTS, 'print-run-letter-page1'));

    // A member cannot see or fetch any of it.
    expect((await app.api.get(`/api/print-runs/${run.id}`, member)).status).toBe(403);
    expect((await fetch(app.api.baseUrl + run.files[0].url, { headers: { authorization: `Bearer ${member}` } })).status).toBe(403);
    expect((await fetch(app.api.baseUrl + run.files[0].url)).status).toBe(401);
    expect((await app.api.get(`/api/print-runs/${run.id}/files/..%2F..%2Fetc%2Fpasswd`, coordinator)).status).toBe(404);

    // Posted: every letter posted, counted in the stats and on the member's letters page.
    expect((await app.api.post(`/api/print-runs/${run.id}/posted`, { postedOn: '1999-01-01' }, coordinator)).status).toBe(400);
    const posted = await app.api.post(`/api/print-runs/${run.id}/posted`, { postedOn: new Date().toISOString().slice(0, 10) }, coordinator);
    expect(posted.status).toBe(200);
    expect(posted.body).toMatchObject({ status: 'posted', postedOn: new Date().toISOString().slice(0, 10) });
    expect(await statusesOf(appealId)).toEqual({ posted: 6 });
    const stats = await app.api.get(`/api/stats/appeals/${appealId}`, coordinator);
    expect(stats.body.letters).toMatchObject({ total: 6, posted: 6, printed: 0, queued: 0 });
    const mine = await app.api.get('/api/me/letters', signers[0].token);
    expect(mine.body.items ?? mine.body).toEqual(expect.arrayContaining([expect.objectContaining({ status: 'posted' })]));
    // Posted once: a second mark and a discard are refused.
    expect((await app.api.post(`/api/print-runs/${run.id}/posted`, { postedOn: new Date().toISOString().slice(0, 10) }, coordinator)).status).toBe(409);
    expect((await app.api.post(`/api/print-runs/${run.id}/discard`, undefined, coordinator)).status).toBe(409);

    // Posted letters count in the thank-you: every signer is thanked once the case is released.
    expect((await app.api.request('PATCH', `/api/cases/${caseId}`, { token: coordinator, body: { status: 'released' } })).status).toBe(200);
    const { rows: thanked } = await app.db.query(`SELECT supporter_id FROM case_outcome_mails WHERE case_id = $1`, [caseId]);
    expect(thanked).toHaveLength(3);
  });

  it('discarding a ready run puts its letters back to queued, and the next run takes them again', async () => {
    const caseId = await newCase();
    const appealId = await postAppeal(caseId, [await postOfficial()], 'Discard me');
    await sign(appealId, [{ note: null, style: 'full' }, { note: null, style: 'full' }]);
    const first = await settled((await startRun(appealId, { envelopes: 'labels' })).id);
    expect(first).toMatchObject({ status: 'ready', envelopes: 'labels', letters: 2 });
    expect(await statusesOf(appealId)).toEqual({ printed: 2 });

    const discarded = await app.api.post(`/api/print-runs/${first.id}/discard`, undefined, coordinator);
    expect(discarded.status).toBe(200);
    expect(discarded.body.status).toBe('discarded');
    expect(await statusesOf(appealId)).toEqual({ queued: 2 });
    const { rows } = await app.db.query(`SELECT count(*)::int AS count FROM letters WHERE appeal_id = $1 AND print_run_id IS NOT NULL`, [appealId]);
    expect(rows[0].count).toBe(0);
    // Its files are gone and no longer served.
    expect((await app.api.get(first.files[0].url, coordinator)).status).toBe(404);

    const second = await settled((await startRun(appealId)).id);
    expect(second).toMatchObject({ status: 'ready', letters: 2 });
    expect(await statusesOf(appealId)).toEqual({ printed: 2 });
  });

  it('a case released before posting cancels its printed letters; marking the run posted then posts none', async () => {
    const caseId = await newCase();
    const appealId = await postAppeal(caseId, [await postOfficial()], 'Released before posting');
    await sign(appealId, [{ note: null, style: 'initials' }]);
    const run = await settled((await startRun(appealId)).id);
    expect(await statusesOf(appealId)).toEqual({ printed: 1 });

    const released = await app.api.request('PATCH', `/api/cases/${caseId}`, { token: coordinator, body: { status: 'released' } });
    expect(released.status).toBe(200);
    expect(await statusesOf(appealId)).toEqual({ cancelled: 1 });
    const posted = await app.api.post(`/api/print-runs/${run.id}/posted`, { postedOn: new Date().toISOString().slice(0, 10) }, coordinator);
    expect(posted.status).toBe(200);
    expect(await statusesOf(appealId)).toEqual({ cancelled: 1 });
  });

  it('a letter the fonts cannot set ends the run failed, naming the letter; the next run goes without it', async () => {
    const caseId = await newCase();
    const appealId = await postAppeal(caseId, [await postOfficial()], 'Unprintable note');
    await sign(appealId, [{ note: 'سلام', style: 'full' }, { note: null, style: 'full' }]);
    const { rows } = await app.db.query<{ id: string }>(`SELECT l.id FROM letters l JOIN signatures sg ON sg.id = l.signature_id WHERE l.appeal_id = $1 AND sg.note IS NOT NULL`, [appealId]);
    const run = await settled((await startRun(appealId)).id);
    expect(run.status).toBe('failed');
    expect(run.error).toContain(`letter ${rows[0].id}`);
    expect(run.error).toMatch(/note has characters the fonts cannot set: U\+0633/);
    expect(run.files).toEqual([]);
    expect(await statusesOf(appealId)).toEqual({ failed: 1, queued: 1 });

    const next = await settled((await startRun(appealId)).id);
    expect(next).toMatchObject({ status: 'ready', letters: 1 });
    expect(await statusesOf(appealId)).toEqual({ failed: 1, printed: 1 });
    expect((await app.api.post(`/api/print-runs/${run.id}/discard`, undefined, coordinator)).status).toBe(200);
  });

  it('prints approved messages on cards addressed to the case, never a held or rejected one', async () => {
    const caseId = await newCase();
    const appealId = await postAppeal(caseId, [await postOfficial()], 'Cards for Rukhshona');
    const writers = await sign(appealId, [{ note: null, style: 'full' }, { note: null, style: 'initials' }, { note: null, style: 'full' }, { note: null, style: 'anonymous' }]);
    // The case takes no messages yet: nothing to print, and a clear refusal.
    expect((await app.api.post(`/api/cases/${caseId}/messages`, { text: 'We think of you.' }, writers[0].token)).status).toBe(400);
    const address = 'Исправительная колония № 3\nг. Ваҳдат, 735400';
    expect((await app.api.request('PATCH', `/api/cases/${caseId}`, { token: coordinator, body: { acceptsMessages: true } })).status).toBe(200);
    const texts = ['Рухшона, мы помним о вас. Озодӣ!', 'Dear Rukhshona, journalists in Toronto are with you.', 'A held message that nobody has read yet.', 'A rejected message.'];
    const ids: string[] = [];
    for (const [index, text] of texts.entries()) {
      const posted = await app.api.post(`/api/cases/${caseId}/messages`, { text }, writers[index].token);
      expect(posted.status).toBe(201);
      expect(posted.body.status).toBe('held');
      ids.push(posted.body.id);
    }
    // Held messages print nothing.
    expect((await app.api.post('/api/print-runs', { appealId, kind: 'cards' }, coordinator)).status).toBe(409);
    for (const id of ids.slice(0, 2)) expect((await app.api.post(`/api/messages/${id}/approve`, undefined, coordinator)).status).toBe(200);
    expect((await app.api.post(`/api/messages/${ids[3]}/reject`, undefined, coordinator)).status).toBe(200);
    // Approved ones wait, but the case has no address for cards: refused, naming the case.
    const unaddressed = await app.api.post('/api/print-runs', { appealId, kind: 'cards' }, coordinator);
    expect(unaddressed.status).toBe(409);
    expect(unaddressed.body.message).toMatch(/no messageAddress: Rukhshona Khakimova/);
    expect((await app.api.request('PATCH', `/api/cases/${caseId}`, { token: coordinator, body: { messageAddress: address } })).status).toBe(200);

    // Started from the appeal's console page, which says how many approved messages wait.
    const browser = new Browserish(app.api.baseUrl);
    expect((await browser.signIn(staffLogin.email, staffLogin.password)).status).toBe(303);
    const page = await browser.get(`/console/appeals/${appealId}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('2 approved messages of solidarity wait for cards.');
    const form = page.body.slice(page.body.indexOf('id="print-cards-start"'));
    const posted = await browser.post('/console/print-runs', { _csrf: csrfOf(form), appealId, kind: 'cards' });
    expect(posted.status).toBe(303);
    const runId = /^\/console\/print-runs\/([0-9a-f-]{36})$/.exec(posted.location ?? '')?.[1];
    expect(runId).toBeDefined();
    const run = await settled(runId!);
    expect(run).toMatchObject({ status: 'ready', kind: 'cards', letters: 2 });
    expect(run.files.map((file: { name: string }) => file.name)).toEqual(['cards.pdf', 'envelopes.pdf']);
    const cards = await download(run.files[0].url, 'cards.pdf');
    const envelopes = await download(run.files[1].url, 'envelopes.pdf');
    const cardText = flat((await pdfPageTexts(cards)).join('\n'));
    expect(cardText).toContain(flat(texts[0]));
    expect(cardText).toContain(flat(texts[1]));
    expect(cardText).not.toContain(texts[2]);
    expect(cardText).not.toContain(texts[3]);
    expect(cardText).toContain(writers[0].name);
    expect(cardText).toContain('A. Q.');
    expect(cardText).not.toContain(writers[1].name);
    for (const writer of writers) expect(cardText).not.toContain(writer.email);
    expect((await pdfFonts(cards)).every((font) => font.embedded)).toBe(true);
    const envelopeText = flat((await pdfPageTexts(envelopes)).join('\n'));
    expect(envelopeText).toContain('Исправительная колония № 3');
    expect(envelopeText).toContain('TAJIKISTAN');
    await pdfPagePng(cards, join(ARTIFACTS, 'print-run-cards-page1'));
    const statuses = async () => Object.fromEntries((await app.db.query(`SELECT id, status FROM messages WHERE case_id = $1`, [caseId])).rows.map((row: { id: string; status: string }) => [row.id, row.status]));
    expect(await statuses()).toEqual({ [ids[0]]: 'printed', [ids[1]]: 'printed', [ids[2]]: 'held', [ids[3]]: 'rejected' });

    const markedPosted = await app.api.post(`/api/print-runs/${run.id}/posted`, { postedOn: new Date().toISOString().slice(0, 10) }, coordinator);
    expect(markedPosted.status).toBe(200);
    expect(await statuses()).toEqual({ [ids[0]]: 'posted', [ids[1]]: 'posted', [ids[2]]: 'held', [ids[3]]: 'rejected' });
    // A member never sees where the cards go.
    const seen = await app.api.get(`/api/cases/${caseId}`, writers[0].token);
    expect(seen.status).toBe(200);
    expect(JSON.stringify(seen.body)).not.toContain('Исправительная');
  });

  it('refuses what cannot be a run, clearly, and changes nothing', async () => {
    const caseId = await newCase();
    const emailOnly = await app.api.post('/api/officials', anOfficial(), coordinator);
    const created = await app.api.post('/api/appeals', { caseId, title: 'By email', templateIds, officialIds: [emailOnly.body.id], channel: 'email' }, coordinator);
    const refusals: [unknown, number, RegExp][] = [
      [{ kind: 'letters' }, 400, /appealId or cycleId is required/],
      [{ appealId: created.body.id, cycleId: created.body.id, kind: 'letters' }, 400, /not both/],
      [{ appealId: 'nope', kind: 'letters' }, 400, /appealId must be a UUID/],
      [{ appealId: created.body.id, kind: 'posters' }, 400, /kind must be one of letters, cards/],
      [{ appealId: created.body.id, kind: 'letters', envelopes: 'A3' }, 400, /envelopes must be one of DL, C5, labels/],
      [{ appealId: '5b0c3f1e-8a7d-4c2b-9e6f-0a1b2c3d4e5f', kind: 'letters' }, 404, /Appeal not found/],
      [{ appealId: created.body.id, kind: 'letters' }, 409, /no letter of this appeal waits for post/],
    ];
    const before = (await app.db.query(`SELECT count(*)::int AS count FROM print_runs`)).rows[0].count;
    for (const [body, status, message] of refusals) {
      const response = await app.api.post('/api/print-runs', body, coordinator);
      expect({ body, status: response.status }).toEqual({ body, status });
      expect(JSON.stringify(response.body.message)).toMatch(message);
    }
    expect((await app.db.query(`SELECT count(*)::int AS count FROM print_runs`)).rows[0].count).toBe(before);
    expect((await app.api.post('/api/print-runs', { appealId: created.body.id, kind: 'letters' }, member)).status).toBe(403);
    expect((await app.api.get('/api/print-runs/not-a-uuid', coordinator)).status).toBe(404);
    expect((await app.api.post('/api/print-runs/5b0c3f1e-8a7d-4c2b-9e6f-0a1b2c3d4e5f/posted', { postedOn: 'tomorrow' }, coordinator)).status).toBe(400);
    expect((await app.api.post('/api/print-runs/5b0c3f1e-8a7d-4c2b-9e6f-0a1b2c3d4e5f/discard', undefined, coordinator)).status).toBe(404);
  });
});
