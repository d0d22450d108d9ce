import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { aCase, anOfficial } from '../helpers/factories';
import { ADMIN, TestApp } from '../helpers/test-app';
import { startBrowserApp } from './helpers/browser-app';
import { axeViolations, launchChromium } from './helpers/chromium';
import { ARTIFACTS, pageChecker, sideways, signInThroughForm } from './helpers/page-check';

/**
 * The console's cases and officials pages in Chromium: a coordinator's work without the API
 * (a case recorded through the form, a refused form), each page passing axe-core and fitting
 * 375 and 1280 px without sideways scrolling; screenshots in test-artifacts/.
 */
describe('the console cases and officials pages in a browser', () => {
  let app: TestApp;
  let browser: Browser;
  let caseId: string;
  let officialId: string;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startBrowserApp('console_cases_browser'), launchChromium()]);
    const record = await app.api.post('/api/cases', aCase({ name: 'Rukhshona Hakimova', gender: 'female', translations: { ru: { name: 'Рухшона Хакимова' } } }), app.adminToken);
    caseId = record.body.id;
    expect((await app.api.post(`/api/cases/${caseId}/events`, { occurredOn: '2024-11-01', kind: 'arrest', description: 'Detained in Dushanbe.', sourceUrl: 'https://example.org/a-very-long-source-address/that-should-wrap-on-a-phone/2024/11/01' }, app.adminToken)).status).toBe(201);
    const official = await app.api.post('/api/officials', anOfficial({ postalAddress: 'Office of the Prosecutor General\n126 Rudaki Avenue\nDushanbe 734025' }), app.adminToken);
    officialId = official.body.id;
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('opens every page, passes axe and fits 375 and 1280 px', async () => {
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signInThroughForm(page, app.api.baseUrl, ADMIN, '/console/cases');

    // A refused form shows its problems; the second try records the case (no API call in the browser).
    await page.goto(`${app.api.baseUrl}/console/cases/new`);
    await page.getByLabel('Name', { exact: true }).fill('Farrukh Ikromov');
    await page.getByLabel('Country', { exact: true }).fill('Tajikistan');
    await page.getByLabel('Status').selectOption('detained');
    await page.getByLabel('Summary', { exact: true }).fill('Poet detained for a poem.');
    await page.getByRole('button', { name: 'Record the case' }).click();
    await expect(page.locator('#country-problem').textContent()).resolves.toContain('two-letter code');
    await page.getByLabel('Country', { exact: true }).fill('TJ');
    await page.getByRole('button', { name: 'Record the case' }).click();
    await page.waitForURL(/\/console\/cases\/[0-9a-f-]{36}$/);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Farrukh Ikromov');

    const addresses: [string, string][] = [
      ['cases', '/console/cases'],
      ['case-new', '/console/cases/new'],
      ['case', `/console/cases/${caseId}`],
      ['case-outcome', `/console/cases/${caseId}/outcome?status=released`],
      ['officials', '/console/officials'],
      ['official-new', '/console/officials/new'],
      ['official', `/console/officials/${officialId}`],
      ['officials-import', '/console/officials/import'],
    ];
    const problems: string[] = [];
    const check = pageChecker(page, problems);
    for (const [name, address] of addresses) {
      const response = await page.goto(`${app.api.baseUrl}${address}`);
      if (response?.status() !== 200) problems.push(`${name}: ${response?.status()}`);
      await check(name);
    }
    expect(problems).toEqual([]);
    await context.close();
  });

  it('imports officials with a per-line report and marks an outcome through its confirmation, through the forms', async () => {
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const problems: string[] = [];
    const check = pageChecker(page, problems);
    await signInThroughForm(page, app.api.baseUrl, ADMIN, '/console/officials/import');

    const csv = ['name,title,country,language,email', 'Aziz Nazarov,Minister of Justice,TJ,ru,justice@gov.example', 'Nobody,Ombudsman,Tajikistan,ru,ombudsman@gov.example', ',Prosecutor,TJ,en,'].join('\n');
    await page.getByLabel('CSV text').fill(csv);
    await page.getByRole('button', { name: 'Import' }).click();
    const report = page.locator('.import-report p[data-created]');
    await expect(report.getAttribute('data-created')).resolves.toBe('1');
    await expect(page.locator('.import-report tr[data-line]').count()).resolves.toBe(2);
    await check('officials-import-report');

    // The outcome: the case's form says what happened, the next page what it will do.
    await page.goto(`${app.api.baseUrl}/console/cases/${caseId}`);
    await page.getByLabel('Released').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(/\/outcome\?status=released$/);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Mark Rukhshona Hakimova as released');
    await check('case-outcome-confirm');
    await page.getByRole('button', { name: 'Mark as released' }).click();
    await page.waitForURL(`${app.api.baseUrl}/console/cases/${caseId}?done=outcome`);
    await check('case-outcome-marked');

    expect(problems).toEqual([]);
    await context.close();
  });

  it('imports officials from a file chosen in the browser, the report by line; a refused file is said beside it (axe, 375 px)', async () => {
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 375, height: 812 } });
    const page = await context.newPage();
    await page.goto(`${app.api.baseUrl}/login?next=/console/officials/import`);
    await page.getByLabel('Email address').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${app.api.baseUrl}/console/officials/import`);

    const csv = 'name,title,country,email,language\nBrowser One,Judge,TJ,browser-one@upload-gov.example,ru\nBrowser Bad,Judge,Narnia,browser-bad@upload-gov.example,ru\n';
    await page.getByLabel('Or a CSV file').setInputFiles({ name: 'officials.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(page.locator('.import-report [data-created]').getAttribute('data-created')).resolves.toBe('1');
    await expect(page.locator('tr[data-line="3"]').textContent()).resolves.toContain('country must be');
    await expect(app.db.query(`SELECT name FROM officials WHERE email LIKE 'browser-%@upload-gov.example'`).then((result) => result.rows)).resolves.toEqual([{ name: 'Browser One' }]);

    await page.getByLabel('Or a CSV file').setInputFiles({ name: 'officials.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]) });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(page.locator('#csv-file-problem').textContent()).resolves.toContain('not CSV text');
    await expect(page.locator('.problem-summary a[href="#csv-file"]').count()).resolves.toBe(1);
    await expect(axeViolations(page).then((violations) => violations.map((violation) => `${violation.impact} ${violation.id}`))).resolves.toEqual([]);
    const fit = await sideways(page);
    expect(fit.scroll).toBeLessThanOrEqual(fit.viewport);
    await page.screenshot({ path: join(ARTIFACTS, 'console-officials-import-refused-375.png'), fullPage: true });
    await context.close();
  });
});
