import type { Browser } from 'playwright-core';
import { addAutoSigners } from '../helpers/delivery';
import { waitFor } from '../helpers/wait';
import { aCase, anAppealTemplate, anOfficial } from '../helpers/factories';
import { SmtpSink } from '../helpers/smtp-sink';
import { ADMIN, TestApp } from '../helpers/test-app';
import { startBrowserApp } from './helpers/browser-app';
import { launchChromium } from './helpers/chromium';
import { pageChecker, signInThroughForm } from './helpers/page-check';

/**
 * The console's templates and appeals pages in Chromium, driven through their forms only:
 * each page passes axe-core and fits 375 and 1280 px with no sideways scroll, and is
 * screenshot at both widths into test-artifacts/.
 */
describe('the console’s templates and appeals in a browser', () => {
  let sink: SmtpSink;
  let app: TestApp;
  let browser: Browser;
  let caseName: string;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    [app, browser] = await Promise.all([startBrowserApp('console_appeals_browser', { SMTP_URL: sink.url }), launchChromium()]);
    await addAutoSigners(app.db, 5, 'console-appeals-browser');
    caseName = 'Rukhshona Khakimova';
    expect((await app.api.post('/api/cases', aCase({ name: caseName }), app.adminToken)).status).toBe(201);
    for (const official of [anOfficial({ name: 'Jane Prosecutor' }), anOfficial({ name: 'John Ombudsman', title: 'Human Rights Ombudsman', salutation: 'Dear Ombudsman' })]) {
      expect((await app.api.post('/api/officials', official, app.adminToken)).status).toBe(201);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await sink?.stop();
  });

  it('writes a template, fixes its error, previews it, builds and launches an appeal; every page passes axe and fits 375 and 1280 px', async () => {
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];

    const check = pageChecker(page, problems);

    await signInThroughForm(page, app.api.baseUrl, ADMIN, '/console/templates');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Letter templates');
    await check('templates');

    await page.getByRole('link', { name: 'New template' }).click();
    await page.getByLabel('Name (for coordinators only)').fill('Browser appeal');
    await page.getByLabel('Subject').fill('Release {{case.name}}');
    await page.getByLabel('Letter', { exact: true }).fill('{{official.salutation}},\n\nPlease release {{case.nmae}}.\n\n{{supporter.signature}}');
    await page.getByRole('button', { name: 'Save the template' }).click();
    await expect(page.locator('li[data-field="body"][data-line="3"]').textContent()).resolves.toContain('case.nmae');
    await check('template-refused');

    await page.getByLabel('Letter', { exact: true }).fill('{{official.salutation}},\n\nPlease release {{case.name}}.\n\n{{supporter.signature}}');
    await page.getByRole('button', { name: 'Save the template' }).click();
    await page.waitForURL(/\/console\/templates\/[0-9a-f-]{36}$/);
    await page.getByRole('button', { name: 'Show the preview' }).click();
    await expect(page.locator('#preview-letter .letter-body').textContent()).resolves.toContain(`Please release ${caseName}.`);
    await check('template-editor');

    const template = await app.api.post('/api/templates', anAppealTemplate({ name: 'Appeal (English)' }), app.adminToken);
    expect(template.status).toBe(201);
    await page.goto(`${app.api.baseUrl}/console/appeals/new`);
    await check('appeal-new');
    await page.getByLabel('Case', { exact: true }).selectOption({ label: caseName });
    await page.getByLabel('Title').fill('Free Rukhshona Khakimova');
    await page.getByLabel(/^Template 1/).selectOption({ label: 'Appeal (English) (en)' });
    await page.getByLabel(/Jane Prosecutor/).check();
    await page.getByLabel(/John Ombudsman/).check();
    await page.getByLabel('Sign by (optional)').fill('2026-12-10');
    await page.getByRole('button', { name: 'Save as a draft' }).click();
    await page.waitForURL(/\/console\/appeals\/[0-9a-f-]{36}$/);
    await expect(page.locator('#appeal-deadline').textContent()).resolves.toBe('10 December 2026');
    await check('appeal');

    await page.getByRole('link', { name: 'Launch…' }).click();
    await expect(page.locator('#launch-letters').textContent()).resolves.toBe('Launching creates 10 letters now.');
    await check('appeal-launch');
    await page.getByRole('button', { name: 'Launch the appeal' }).click();
    await page.waitForURL(/\/console\/appeals\/[0-9a-f-]{36}$/);
    await expect(page.locator('#appeal-status').getAttribute('data-status')).resolves.toBe('open');
    await check('appeal-open');

    await page.goto(`${app.api.baseUrl}/console/appeals`);
    await check('appeals');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('refreshes an open appeal’s counts in place, under the page’s own CSP, and stops once the appeal is no longer open', async () => {
    const { rows: [open] } = await app.db.query<{ id: string }>(`SELECT id FROM appeals WHERE status = 'open' LIMIT 1`);
    expect(open).toBeDefined();
    await waitFor(async () => ((await app.db.query(`SELECT 1 FROM letters WHERE appeal_id = $1 AND status <> 'sent'`, [open.id])).rowCount === 0 ? true : undefined), () => 'every letter of the open appeal sent');
    // No bypassCSP here: htmx and its requests must pass the CSP the server sends.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const refused: string[] = [];
    page.on('console', (message) => { if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(message.text()); });
    const fragments: number[] = [];
    page.on('response', (response) => { if (response.url().endsWith(`/console/appeals/${open.id}/counts`)) fragments.push(response.status()); });
    await page.goto(`${app.api.baseUrl}/login?next=/console/appeals/${open.id}`);
    await page.getByLabel('Email address').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${app.api.baseUrl}/console/appeals/${open.id}`);
    await expect(page.locator('[data-count="sent"]').textContent()).resolves.toBe('10');
    await expect(page.locator('[data-count="failed"]').textContent()).resolves.toBe('0');
    // A letter's outcome changes behind the page (as the worker records one): the page shows it without a reload.
    await app.db.query(`UPDATE letters SET status = 'failed', last_error = 'refused by the test' WHERE id = (SELECT id FROM letters WHERE appeal_id = $1 AND status = 'sent' LIMIT 1)`, [open.id]);
    await page.locator('[data-count="failed"]', { hasText: '1' }).waitFor({ timeout: 15_000 });
    await expect(page.locator('[data-count="sent"]').textContent()).resolves.toBe('9');
    expect(fragments.length).toBeGreaterThan(0);
    expect(fragments.every((status) => status === 200)).toBe(true);

    // Paused, the page that reloads after the button carries no polling section any more.
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.locator('#appeal-status[data-status="paused"]').waitFor({ timeout: 15_000 }).catch(async (error: unknown) => {
      throw new Error(`not paused: at ${page.url()}: ${(await page.locator('main').textContent())?.slice(0, 300)} (${String(error)})`);
    });
    expect(page.url()).toBe(`${app.api.baseUrl}/console/appeals/${open.id}`);
    await expect(page.locator('#letter-counts').getAttribute('hx-get')).resolves.toBeNull();
    await app.db.query(`UPDATE appeals SET status = 'open' WHERE id = $1`, [open.id]);
    expect(refused).toEqual([]);
    await context.close();
  });
});
