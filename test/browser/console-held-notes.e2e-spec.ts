import type { Browser } from 'playwright-core';
import { ADMIN, TestApp } from '../helpers/test-app';
import { startBrowserApp } from './helpers/browser-app';
import { launchChromium } from './helpers/chromium';
import { aCoordinator, aMonth, Month } from './helpers/month';
import { aSupporter } from '../helpers/factories';
import { pageChecker, signInThroughForm } from './helpers/page-check';

/**
 * Held notes in Chromium: an appeal that holds every note; three members sign with notes; a
 * coordinator finds them from the console's home and the appeal's page, approves two at once
 * and rejects one by its own button; the builder offers the moderation. Every page passes axe
 * at 375 and 1280 px (screenshots in test-artifacts/).
 */
describe('held notes: the console page', () => {
  let app: TestApp;
  let browser: Browser;
  let coordinator: string;
  let month: Month;
  let appealId: string;
  const NOTES = ['Please read t.me/freeher', 'Thinking of her every day.', 'My cousin Rustam in Khujand says hello'];
  const noteStatuses = async () =>
    (await app.db.query<{ note_status: string; n: number }>(`SELECT note_status, count(*)::int AS n FROM signatures WHERE appeal_id = $1 GROUP BY note_status ORDER BY note_status`, [appealId])).rows;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startBrowserApp('console_held_notes_browser'), launchChromium()]);
    coordinator = await aCoordinator(app.api, app.adminToken, 'held-notes');
    month = await aMonth(app.api, coordinator, 1, 'held-notes');
    const [first] = month.appeals;
    const appeal = await app.api.post('/api/appeals', { caseId: first.caseId, title: 'Free her, notes read', templateIds: [month.templates.en], officialIds: first.officials.map((o) => o.id), moderation: 'all' }, coordinator);
    expect(appeal.status).toBe(201);
    appealId = appeal.body.id;
    expect((await app.api.post(`/api/appeals/${appealId}/launch`, undefined, coordinator)).status).toBe(200);
    for (const note of NOTES) {
      const body = aSupporter();
      expect((await app.api.post('/api/supporters', body, coordinator)).status).toBe(201);
      const token = await app.api.login(body.email, body.password);
      const signed = await app.api.post(`/api/appeals/${appealId}/signatures`, { note }, token);
      expect(signed.body.signature.noteStatus).toBe('held');
    }
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('lets a coordinator approve several at once and reject one by its own button', async () => {
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const problems: string[] = [];
    const check = pageChecker(page, problems);
    await signInThroughForm(page, app.api.baseUrl, ADMIN, '/console');
    await expect(page.locator(`#notes [data-appeal-id="${appealId}"]`).getAttribute('data-held')).resolves.toBe('3');
    await check('home-held-notes');

    await page.goto(`${app.api.baseUrl}/console/appeals/${appealId}`);
    await expect(page.locator('#appeal-moderation').textContent()).resolves.toContain('every note held');
    await page.getByRole('link', { name: '3 notes waiting for review' }).click();
    await page.waitForURL(`${app.api.baseUrl}/console/appeals/${appealId}/held`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Notes waiting for review: Free her, notes read');
    await expect(page.locator('.message').count()).resolves.toBe(3);
    await expect(page.locator('.message-text').allTextContents()).resolves.toEqual(NOTES);
    await expect(page.content()).resolves.not.toContain('@members.example');
    await check('held-notes');

    await page.getByLabel('Note 1', { exact: true }).check();
    await page.getByLabel('Note 2', { exact: true }).check();
    await page.getByRole('button', { name: 'Approve selected' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toBe('2 notes approved: their letters are on their way.');
    await expect(page.locator('.message').count()).resolves.toBe(1);
    await page.getByRole('group', { name: 'Decision on note 1' }).getByRole('button', { name: 'Reject' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toBe('1 note rejected: its letters go without it.');
    await expect(noteStatuses()).resolves.toEqual([
      { note_status: 'approved', n: 2 },
      { note_status: 'rejected', n: 1 },
    ]);
    const { rows } = await app.db.query(`SELECT count(*)::int AS n FROM signatures WHERE appeal_id = $1 AND note LIKE '%Rustam%'`, [appealId]);
    expect(rows[0].n).toBe(0);
    await expect(app.db.query(`SELECT count(*)::int AS n FROM letters WHERE appeal_id = $1 AND status = 'held'`, [appealId]).then((result) => result.rows[0].n)).resolves.toBe(0);

    // The empty list says so.
    await expect(page.locator('p').filter({ hasText: 'No note is waiting for review.' }).count()).resolves.toBe(1);
    await check('held-notes-empty');
    const audit = await app.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE action IN ('note.approve', 'note.reject')`);
    expect(audit.rows[0].n).toBe(3);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('offers the moderation in the appeal builder', async () => {
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    const check = pageChecker(page, problems);
    await signInThroughForm(page, app.api.baseUrl, ADMIN, '/console/appeals/new');
    await expect(page.getByLabel('Send every note as written').isChecked()).resolves.toBe(true);
    await expect(page.getByLabel('Hold notes that contain a link').count()).resolves.toBe(1);
    await check('appeal-new-moderation');
    expect(problems).toEqual([]);
    await context.close();
  });
});
