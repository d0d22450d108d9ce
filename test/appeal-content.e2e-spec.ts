import type { INestApplication } from '@nestjs/common';
import { APPEAL_CONTENT_TTL_MS } from '../src/appeals/appeal-content.service';
import { Browserish } from './helpers/console';
import { aCase, anAppealTemplate, anOfficial, aSupporter } from './helpers/factories';
import { startSecondApp, startTestApp, TestApp } from './helpers/test-app';

/**
 * The console's appeal page keeps what only the content tables change (the appeal's title,
 * its case, templates and officials, and the letter rendered to each official) in memory per
 * API process (src/appeals/appeal-content.service.ts), and reads the rest every time. The
 * rule: an edit shows on the very next page the editing process serves, and in every other
 * process on the content tables' notice, whoever wrote the row; what moves without an edit
 * (the appeal's state, its letters, held notes, print runs) shows at once everywhere. Two
 * API processes share one database.
 */
describe("the console appeal page's content kept in memory, and the rule that keeps it right", () => {
  let app: TestApp;
  let second: INestApplication;
  let here: Browserish;
  let there: Browserish;
  let coordinator: string;
  let appealId: string;
  let caseId: string;
  let officialId: string;
  let templateId: string;

  beforeAll(async () => {
    app = await startTestApp('appeal_content');
    const other = await startSecondApp(app.config);
    second = other.nest;
    const account = aSupporter({ role: 'coordinator' });
    expect((await app.api.post('/api/supporters', account, app.adminToken)).status).toBe(201);
    coordinator = (await app.api.post('/api/auth/login', { email: account.email, password: account.password })).body.accessToken;
    here = new Browserish(app.api.baseUrl);
    there = new Browserish(other.api.baseUrl);
    expect((await here.signIn(account.email as string, account.password as string)).status).toBe(303);
    expect((await there.signIn(account.email as string, account.password as string)).status).toBe(303);
    caseId = (await app.api.post('/api/cases', aCase({ name: 'Rukhshona Khakimova' }), coordinator)).body.id;
    officialId = (await app.api.post('/api/officials', anOfficial({ name: 'Jane Prosecutor', salutation: 'Dear Prosecutor General', language: 'en' }), coordinator)).body.id;
    templateId = (await app.api.post('/api/templates', anAppealTemplate(), coordinator)).body.id;
    const appeal = await app.api.post('/api/appeals', { caseId, title: 'Free Rukhshona', templateIds: [templateId], officialIds: [officialId] }, coordinator);
    expect(appeal.status).toBe(201);
    appealId = appeal.body.id;
  });

  afterAll(async () => {
    await second?.close();
    await app?.close();
  });

  async function page(browser: Browserish): Promise<string> {
    const response = await browser.get(`/console/appeals/${appealId}`);
    expect(response.status).toBe(200);
    return response.body;
  }

  /** Opens the page until it contains `text`, for at most `withinMs`; returns how long it took. */
  async function until(browser: Browserish, text: string, withinMs: number): Promise<number> {
    const started = Date.now();
    for (;;) {
      if ((await page(browser)).includes(text)) return Date.now() - started;
      if (Date.now() - started > withinMs) throw new Error(`the page at ${browser.baseUrl} never showed "${text}" within ${withinMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it("shows a coordinator's edit of the official, the template and the case on the editing process's next page, and on the other's on the notice", async () => {
    // Both processes have read the appeal and keep it, with its letter rendered.
    expect(await page(here)).toContain('Dear Prosecutor General');
    expect(await page(there)).toContain('Dear Prosecutor General');

    expect((await app.api.patch(`/api/officials/${officialId}`, { salutation: 'Dear Mr Prosecutor General' }, coordinator)).status).toBe(200);
    expect(await page(here)).toContain('Dear Mr Prosecutor General');
    expect(await until(there, 'Dear Mr Prosecutor General', APPEAL_CONTENT_TTL_MS / 3)).toBeLessThan(APPEAL_CONTENT_TTL_MS / 3);

    // A new version of the template, saved through the other process: there at once, here on the notice.
    const edited = await fetch(`${there.baseUrl}/api/templates/${templateId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${coordinator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: 'Release {{case.name}} now' }),
    });
    expect(edited.status).toBe(200);
    expect(await page(there)).toContain('Release Rukhshona Khakimova now');
    await until(here, 'Release Rukhshona Khakimova now', APPEAL_CONTENT_TTL_MS / 3);
  });

  it('applies a change made by another writer (SQL, as a script would) in both processes, on the notice', async () => {
    expect(await page(here)).toContain('Rukhshona Khakimova');
    await app.db.query(`UPDATE cases SET name = 'Rukhshona Hakimova' WHERE id = $1`, [caseId]);
    await until(here, 'Release Rukhshona Hakimova now', APPEAL_CONTENT_TTL_MS / 3);
    await until(there, 'Release Rukhshona Hakimova now', APPEAL_CONTENT_TTL_MS / 3);
    await app.db.query(`UPDATE appeals SET title = 'Free Rukhshona Hakimova' WHERE id = $1`, [appealId]);
    await until(there, 'Free Rukhshona Hakimova', APPEAL_CONTENT_TTL_MS / 3);
  });

  it('keeps what it read: a change no notice announces (triggers off for one session) is not seen, until a notice comes', async () => {
    const before = await page(here);
    expect(before).toContain('Dear Mr Prosecutor General');
    const writer = await app.db.connect();
    try {
      await writer.query('SET session_replication_role = replica');
      await writer.query(`UPDATE officials SET salutation = 'Dear Unannounced' WHERE id = $1`, [officialId]);
    } finally {
      await writer.query('RESET session_replication_role');
      writer.release();
    }
    expect(await page(here)).not.toContain('Dear Unannounced');
    await app.db.query(`SELECT pg_notify('qalam_cycle_content', 'officials')`);
    await until(here, 'Dear Unannounced', APPEAL_CONTENT_TTL_MS / 3);
  });

  it('shows what moves without an edit (here a note held for review) at once in both processes, with no notice', async () => {
    const notices: string[] = [];
    const listener = await app.db.connect();
    try {
      for (const browser of [here, there]) expect(await page(browser)).toContain('No note is waiting for review.');
      await listener.query('LISTEN qalam_cycle_content');
      listener.on('notification', (message) => notices.push(message.payload ?? ''));
      // A signer's note held for review, written as the signing writes it: no content table changes.
      const supporter = await app.db.query<{ id: string }>(`INSERT INTO supporters (email, name, country, auto_sign) VALUES ('kept-content@members.example', 'Kept Content', 'CA', false) RETURNING id`);
      await app.db.query(`INSERT INTO signatures (appeal_id, supporter_id, signature_style, note, note_status) VALUES ($1, $2, 'full', 'Free her.', 'held')`, [appealId, supporter.rows[0].id]);
      await app.db.query('SELECT pg_sleep(0.2)');
      expect(notices).toEqual([]);
      for (const browser of [here, there]) expect(await page(browser)).toContain('1 note waiting for review');
    } finally {
      listener.release();
    }
  });
});
