import type { Browser } from 'playwright-core';
import { addAutoSigners } from '../helpers/delivery';
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
});
