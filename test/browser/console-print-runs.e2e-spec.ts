import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { aCase, anAppealTemplate, anOfficial, aSupporter } from '../helpers/factories';
import { pdfInfo } from '../helpers/poppler';
import { TestApp } from '../helpers/test-app';
import { startBrowserApp } from './helpers/browser-app';
import { launchChromium } from './helpers/chromium';
import { pageChecker, signInThroughForm } from './helpers/page-check';

/**
 * The console's print runs in Chromium, driven through their forms: a coordinator starts a
 * run from a post appeal's page (C5 envelopes), watches it become ready, downloads
 * letters.pdf (a PDF of as many pages as the run says), marks it posted on a chosen day;
 * a second run is discarded and its letters wait again; a run started from a stale page is
 * refused, saying why. Every page passes axe-core and fits 375 and 1280 px with no sideways
 * scroll; screenshots in test-artifacts/console-print-*.png. A member gets 403, anonymous 303.
 */
describe('the console’s print runs in a browser', () => {
  let app: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let appealId: string;
  let cycleId: string;
  let coordinator: { email: string; password: string; token: string };
  let memberToken: string;
  const problems: string[] = [];
  let check: (name: string) => Promise<void>;

  /** Members who sign the appeal: each gives a letter to each of its two officials. */
  const sign = async (count: number, label: string): Promise<void> => {
    for (let index = 0; index < count; index += 1) {
      const signer = aSupporter({ name: `Aziza Qodirova ${label}${index}`, city: 'Winnipeg' });
      expect((await app.api.post('/api/supporters', signer, coordinator.token)).status).toBe(201);
      const token = await app.api.login(signer.email, signer.password);
      expect((await app.api.post(`/api/appeals/${appealId}/signatures`, {}, token)).status).toBe(201);
    }
  };

  const statusOf = () => page.locator('#print-run-status').getAttribute('data-status');

  beforeAll(async () => {
    [app, browser] = await Promise.all([
      startBrowserApp('console_print_browser', { PRINT_DIR: mkdtempSync(join(tmpdir(), 'qalam-console-print-')), ORG_NAME: 'Qalam Letter-Writing Group', ORG_POSTAL_ADDRESS: '12 Rue des Lilas\\n75011 Paris' }),
      launchChromium(),
    ]);
    const staff = aSupporter({ role: 'coordinator', name: 'Dilnoza Coordinator' });
    expect((await app.api.post('/api/supporters', staff, app.adminToken)).status).toBe(201);
    coordinator = { email: staff.email, password: staff.password, token: await app.api.login(staff.email, staff.password) };
    const plain = aSupporter();
    expect((await app.api.post('/api/supporters', plain, coordinator.token)).status).toBe(201);
    memberToken = await app.api.login(plain.email, plain.password);

    const record = await app.api.post('/api/cases', aCase({ name: 'Rukhshona Khakimova' }), coordinator.token);
    const template = await app.api.post('/api/templates', anAppealTemplate(), coordinator.token);
    const officialIds: string[] = [];
    for (const official of [anOfficial({ name: 'Yusuf Rahmon', email: undefined, postalAddress: 'Rudaki Avenue 25\nDushanbe 734025' }), anOfficial({ name: 'Jamshed Jalolov', title: 'Ombudsman', email: undefined, postalAddress: 'Nabiev Street 126\nDushanbe 734043' })]) {
      const created = await app.api.post('/api/officials', official, coordinator.token);
      expect(created.status).toBe(201);
      officialIds.push(created.body.id);
    }
    const appeal = await app.api.post('/api/appeals', { caseId: record.body.id, title: 'Free Rukhshona Khakimova', templateIds: [template.body.id], officialIds, channel: 'post' }, coordinator.token);
    expect([record.status, template.status, appeal.status]).toEqual([201, 201, 201]);
    appealId = appeal.body.id;
    expect((await app.api.post(`/api/appeals/${appealId}/launch`, undefined, coordinator.token)).status).toBe(200);
    const cycle = await app.api.post('/api/cycles', { month: '2026-12', title: 'December letters', appealIds: [appealId] }, coordinator.token);
    expect(cycle.status).toBe(201);
    cycleId = cycle.body.id;
    await sign(3, 'a');

    // bypassCSP only so that axe-core can be injected; htmx runs under the page's own CSP in console-appeals' spec.
    context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    check = pageChecker(page, problems);
    await signInThroughForm(page, app.api.baseUrl, coordinator, `/console/appeals/${appealId}`);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await app?.close();
  });

  it('starts a run from the appeal’s page, sees it ready, downloads letters.pdf and marks it posted', async () => {
    await expect(page.locator('#print-awaiting').textContent()).resolves.toBe('6 letters wait for post.');
    await check('print-appeal');
    await page.getByLabel(/^C5 envelopes/).check();
    await page.getByRole('button', { name: 'Start a print run' }).click();
    await page.waitForURL(/\/console\/print-runs\/[0-9a-f-]{36}$/);
    const runId = page.url().split('/').pop() as string;
    // The page follows the run while it renders (htmx) and shows the files once it is ready.
    await page.locator('#print-run-status[data-status="ready"]').waitFor({ timeout: 60_000 });
    await expect(page.locator('[data-count="letters"]').textContent()).resolves.toBe('6');
    await expect(page.locator('#print-run-files a').allTextContents()).resolves.toEqual(['letters.pdf', 'envelopes.pdf', 'manifest.csv']);
    await expect(page.locator('main').textContent()).resolves.toContain('C5 envelopes');
    await check('print-run-ready');

    const pages = Number(await page.locator('[data-count="pages"]').textContent());
    expect(pages).toBeGreaterThanOrEqual(6);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a[data-file="letters.pdf"]').click()]);
    expect(download.suggestedFilename()).toBe('letters.pdf');
    const file = join(mkdtempSync(join(tmpdir(), 'qalam-console-download-')), 'letters.pdf');
    await download.saveAs(file);
    await expect(pdfInfo(file)).resolves.toEqual(expect.objectContaining({ pages }));

    // A day in the future is refused on the page, in its words; then the day they went.
    const tomorrow = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    await page.locator('#print-posted-on').evaluate((input, value) => {
      const field = input as unknown as { removeAttribute(name: string): void; value: string };
      field.removeAttribute('max');
      field.value = value;
    }, tomorrow);
    await page.getByRole('button', { name: 'Mark posted' }).click();
    await expect(page.locator('#print-run-problem').textContent()).resolves.toContain('not in the future');
    expect(await statusOf()).toBe('ready');
    await check('print-run-refused');

    const today = new Date().toISOString().slice(0, 10);
    await page.getByLabel('Posted on').fill(today);
    await page.getByRole('button', { name: 'Mark posted' }).click();
    await page.locator('#print-run-status[data-status="posted"]').waitFor();
    await expect(page.locator('#print-run-posted-on').textContent()).resolves.toMatch(/^6 letters were posted on \d{1,2} \w+ \d{4}\.$/);
    await expect(page.locator('#print-run-discard').count()).resolves.toBe(0);
    await check('print-run-posted');
    const { rows } = await app.db.query<{ status: string; count: number }>(`SELECT status, count(*)::int AS count FROM letters WHERE print_run_id = $1 GROUP BY status`, [runId]);
    expect(rows).toEqual([{ status: 'posted', count: 6 }]);
    expect(problems).toEqual([]);
  });

  it('discards a second run: its letters wait for post again; a run from a stale page is refused, saying why', async () => {
    await sign(1, 'b');
    await page.goto(`${app.api.baseUrl}/console/appeals/${appealId}`);
    await expect(page.locator('#print-awaiting').textContent()).resolves.toBe('2 letters wait for post.');
    await page.getByRole('button', { name: 'Start a print run' }).click();
    await page.waitForURL(/\/console\/print-runs\/[0-9a-f-]{36}$/);
    await page.locator('#print-run-status[data-status="ready"]').waitFor({ timeout: 60_000 });
    await expect(page.locator('#print-run-discard .hint').textContent()).resolves.toContain('its 2 letters wait for post again');
    await page.getByRole('button', { name: 'Discard the run' }).click();
    await page.locator('#print-run-status[data-status="discarded"]').waitFor();
    await expect(page.locator('#print-run-files').count()).resolves.toBe(0);
    await check('print-run-discarded');

    // The cycle's page counts the letters of its appeals that wait.
    await page.goto(`${app.api.baseUrl}/console/cycles/${cycleId}`);
    await expect(page.locator('#print-awaiting').textContent()).resolves.toBe('2 letters wait for post.');
    await check('print-cycle');

    // Another coordinator takes the letters while this page is open: the page says so.
    await page.goto(`${app.api.baseUrl}/console/appeals/${appealId}`);
    expect((await app.api.post('/api/print-runs', { appealId, kind: 'letters' }, coordinator.token)).status).toBe(202);
    await page.getByRole('button', { name: 'Start a print run' }).click();
    await page.waitForURL(`${app.api.baseUrl}/console/appeals/${appealId}?printProblem=print_nothing#print`);
    await expect(page.locator('#print-problem').textContent()).resolves.toContain('No letter waits for post here now');
    await expect(page.locator('#print-awaiting').textContent()).resolves.toBe('0 letters wait for post.');
    await check('print-appeal-refused');

    await page.goto(`${app.api.baseUrl}/console/print-runs`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Print runs');
    await expect(page.getByRole('navigation').getByRole('link', { name: 'Print runs' }).getAttribute('aria-current')).resolves.toBe('page');
    const statuses = await page.locator('#print-runs tbody [data-status]').evaluateAll((cells) => cells.map((cell) => (cell as unknown as { dataset: { status: string } }).dataset.status));
    expect(statuses.slice(1)).toEqual(['discarded', 'posted']);
    await expect(page.locator('#print-runs tbody tr').last().locator('td').first().textContent()).resolves.toBe('Free Rukhshona Khakimova');
    await check('print-runs');
    expect(problems).toEqual([]);
  });

  it('follows a rendering run in place until it fails, names the letter, and discards it', async () => {
    // The run the stale page lost to: put back to rendering, as the worker holds it, then failed as the worker records a render error.
    const { rows: [run] } = await app.db.query<{ id: string }>(`SELECT id FROM print_runs WHERE status IN ('rendering', 'ready') ORDER BY created_at DESC LIMIT 1`);
    const { rows: [letter] } = await app.db.query<{ id: string }>(`SELECT id FROM letters WHERE print_run_id = $1 LIMIT 1`, [run.id]);
    await app.db.query(`UPDATE print_runs SET status = 'rendering', pages = 0 WHERE id = $1`, [run.id]);
    await page.goto(`${app.api.baseUrl}/console/print-runs/${run.id}`);
    expect(await statusOf()).toBe('rendering');
    await expect(page.locator('#print-run-state').getAttribute('hx-get')).resolves.toBe(`/console/print-runs/${run.id}`);
    await expect(page.locator('#print-run-state .notice').textContent()).resolves.toBe('The 2 letters are being rendered to PDF. This takes a few seconds per hundred letters.');
    await expect(page.locator('#print-run-files, #print-run-posted, #print-run-discard').count()).resolves.toBe(0);
    await check('print-run-rendering');

    await app.db.query(`UPDATE print_runs SET status = 'failed', error = $2 WHERE id = $1`, [run.id, `letter ${letter.id}: the official has no postal address`]);
    await page.locator('#print-run-status[data-status="failed"]').waitFor();
    await expect(page.locator('#print-run-error code').textContent()).resolves.toBe(`letter ${letter.id}: the official has no postal address`);
    await expect(page.locator('#print-run-state').getAttribute('hx-get')).resolves.toBeNull();
    await check('print-run-failed');
    await page.getByRole('button', { name: 'Discard the run' }).click();
    await page.locator('#print-run-status[data-status="discarded"]').waitFor();
    const { rows: [waiting] } = await app.db.query<{ count: number }>(`SELECT count(*)::int AS count FROM letters WHERE appeal_id = $1 AND status = 'queued' AND print_run_id IS NULL`, [appealId]);
    expect(waiting.count).toBe(2);
    expect(problems).toEqual([]);
  });

  it('speaks Russian to a Russian-speaking coordinator', async () => {
    const staff = aSupporter({ role: 'coordinator', language: 'ru', name: 'Зарина Каримова' });
    expect((await app.api.post('/api/supporters', staff, app.adminToken)).status).toBe(201);
    const russian = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
    const other = await russian.newPage();
    await signInThroughForm(other, app.api.baseUrl, staff, '/console/print-runs');
    await expect(other.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Тиражи писем');
    await other.locator('#print-runs tbody tr').last().getByRole('link').first().click();
    await expect(other.locator('#print-run-posted-on').textContent()).resolves.toMatch(/^6 писем отправлены почтой \d{1,2} \S+ \d{4} г\.$/);
    await pageChecker(other, problems)('print-run-ru');
    expect(problems).toEqual([]);
    await russian.close();
  });

  it('refuses a member (403) and sends the anonymous to sign in (303)', async () => {
    const { rows: [run] } = await app.db.query<{ id: string }>(`SELECT id FROM print_runs WHERE status = 'posted' LIMIT 1`);
    for (const path of ['/console/print-runs', `/console/print-runs/${run.id}`, `/console/print-runs/${run.id}/files/letters.pdf`]) {
      const asMember = await fetch(app.api.baseUrl + path, { headers: { authorization: `Bearer ${memberToken}` }, redirect: 'manual' });
      expect([path, asMember.status]).toEqual([path, 403]);
      const anonymous = await fetch(app.api.baseUrl + path, { redirect: 'manual' });
      expect([path, anonymous.status, anonymous.headers.get('location')]).toEqual([path, 303, `/login?next=${encodeURIComponent(path)}`]);
    }
    // The coordinator's session opens the file; a file the run does not have is 404.
    const cookies = (await context.cookies()).map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
    const file = await fetch(`${app.api.baseUrl}/console/print-runs/${run.id}/files/manifest.csv`, { headers: { cookie: cookies } });
    expect([file.status, file.headers.get('content-type')]).toEqual([200, 'text/csv; charset=utf-8']);
    expect((await fetch(`${app.api.baseUrl}/console/print-runs/${run.id}/files/secrets.txt`, { headers: { cookie: cookies } })).status).toBe(404);
  });
});
