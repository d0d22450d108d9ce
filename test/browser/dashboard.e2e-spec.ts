import type { Browser } from 'playwright-core';
import { addAutoSigners, anAppeal, settled } from '../helpers/delivery';
import { aSupporter } from '../helpers/factories';
import { SmtpSink } from '../helpers/smtp-sink';
import { TestApp } from '../helpers/test-app';
import { startBrowserApp } from './helpers/browser-app';
import { launchChromium } from './helpers/chromium';

const STATUSES = ['queued', 'sending', 'sent', 'failed', 'unknown', 'cancelled', 'bounced', 'total'] as const;

/**
 * The delivery dashboard in a real browser, under its own CSP (no bypass): an admin signs in
 * through the API, hands the token to POST /admin/session for the HttpOnly cookie, opens
 * /admin, and every number on the page equals /api/stats; chart.js draws the chart from
 * same-origin scripts. Members get 403 there and at /admin/queues.
 */
describe('the delivery dashboard in a browser', () => {
  let sink: SmtpSink;
  let app: TestApp;
  let browser: Browser;
  let member: string;
  let caseId: string;
  let appealId: string;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    sink.reply = (message) => (message.to.includes('refuses@dash-gov.example') ? { code: 550, message: '5.1.1 No such mailbox' } : { accept: true });
    [app, browser] = await Promise.all([startBrowserApp('dashboard', { SMTP_URL: sink.url }), launchChromium()]);
    const memberBody = aSupporter({ email: 'member@dashboard.example' });
    expect((await app.api.post('/api/supporters', memberBody, app.adminToken)).status).toBe(201);
    member = await app.api.login(memberBody.email, memberBody.password);
    await addAutoSigners(app.db, 40, 'dashboard');
    const appeal = await anAppeal(app.api, app.adminToken, [{ email: 'accepts@dash-gov.example' }, { email: 'refuses@dash-gov.example' }]);
    caseId = appeal.caseId;
    appealId = appeal.appealId;
    await settled(app.db, appeal.appealId);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await sink?.stop();
  });

  it('shows an admin the numbers of /api/stats, with the chart drawn by chart.js', async () => {
    const session = await fetch(`${app.api.baseUrl}/admin/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ accessToken: app.adminToken }) });
    expect(session.status).toBe(204);
    const dashboardCookie = session.headers.getSetCookie().find((cookie) => cookie.startsWith('qalam_admin='))!;
    expect(dashboardCookie).toMatch(/HttpOnly/i);
    expect(dashboardCookie).toMatch(/Path=\/admin(;|$)/);
    const value = decodeURIComponent(dashboardCookie.split(';')[0].slice('qalam_admin='.length));

    const caseStats = (await app.api.get(`/api/stats/cases/${caseId}`, app.adminToken)).body as { letters: Record<string, number>; byDay: { date: string; sent: number }[] };
    const overview = (await app.api.get('/api/stats/overview', app.adminToken)).body as { letters: Record<string, number>; throughput: { lastHour: number }; failures: { count: number }[] };
    expect(caseStats.letters.sent).toBeGreaterThan(0);
    expect(caseStats.letters.failed).toBeGreaterThan(0);

    const context = await browser.newContext({ viewport: { width: 1024, height: 800 } });
    await context.addCookies([{ name: 'qalam_admin', value, domain: '127.0.0.1', path: '/admin', httpOnly: true, sameSite: 'Strict' }]);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // Every script and stylesheet loads (the browser's own favicon request aside).
    page.on('response', (response) => { if (response.status() >= 400 && !response.url().endsWith('/favicon.ico')) errors.push(`${response.status()} ${response.url()}`); });
    page.on('console', (message) => { if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(message.text()); });
    const opened = await page.goto(`${app.api.baseUrl}/admin`);
    expect(opened?.status()).toBe(200);
    expect(opened?.headers()['content-security-policy']).toContain("script-src 'self'");
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Delivery dashboard');

    const number = async (selector: string): Promise<number> => Number((await page.locator(selector).textContent())?.trim());
    for (const status of STATUSES) expect(await number(`#totals dd[data-status="${status}"]`)).toBe(overview.letters[status]);
    expect(await number('#throughput')).toBe(overview.throughput.lastHour);
    for (const status of STATUSES) expect(await number(`#cases tr[data-case-id="${caseId}"] td[data-status="${status}"]`)).toBe(caseStats.letters[status]);
    for (const status of STATUSES) expect(await number(`#appeals tr[data-appeal-id="${appealId}"] td[data-status="${status}"]`)).toBe(caseStats.letters[status]);
    // One case has letters, so the days of the whole dashboard are the case's days.
    for (const day of caseStats.byDay) expect(await number(`#letters-per-day tr[data-date="${day.date}"] td`)).toBe(day.sent);
    const failureCounts = await page.locator('#failures td[data-count]').allTextContents();
    expect(failureCounts.map(Number)).toEqual(overview.failures.map((failure) => failure.count));
    await expect(page.locator('#failures').textContent()).resolves.toContain('550');

    // chart.js (same-origin, allowed by the page's CSP) drew one bar per day.
    await page.locator(`#letters-per-day-chart[data-rendered="${caseStats.byDay.length}"]`).waitFor();
    expect(errors).toEqual([]);

    // A supporter's page: their counts equal /api/stats/supporters/:id.
    const { rows } = await app.db.query<{ supporter_id: string }>(`SELECT supporter_id FROM letters WHERE appeal_id = $1 LIMIT 1`, [appealId]);
    const supporterStats = (await app.api.get(`/api/stats/supporters/${rows[0].supporter_id}`, app.adminToken)).body as { letters: Record<string, number> };
    expect((await page.goto(`${app.api.baseUrl}/admin/supporters/${rows[0].supporter_id}`))?.status()).toBe(200);
    for (const status of STATUSES) expect(await number(`#supporter-totals dd[data-status="${status}"]`)).toBe(supporterStats.letters[status]);
    await expect(page.locator('#supporter-letters tbody tr').count()).resolves.toBe(supporterStats.letters.total);
    await context.close();
  });

  it('refuses members (403) at /admin and /admin/queues, and anonymous callers (401)', async () => {
    for (const path of ['/admin', '/admin/queues']) {
      expect((await app.api.get(path, member)).status).toBe(403);
      expect((await app.api.get(path)).status).toBe(401);
    }
    // A supporter's page follows /api/stats/supporters/:id: another supporter's history is not found to a member.
    const { rows } = await app.db.query<{ supporter_id: string }>(`SELECT supporter_id FROM letters WHERE appeal_id = $1 LIMIT 1`, [appealId]);
    expect((await app.api.get(`/admin/supporters/${rows[0].supporter_id}`, member)).status).toBe(404);
    expect((await app.api.get(`/admin/supporters/${rows[0].supporter_id}`)).status).toBe(401);
    expect((await app.api.post('/admin/session', { accessToken: member })).status).toBe(403);
    expect((await app.api.post('/admin/session/dashboard', { accessToken: member })).status).toBe(403);
    const forged = await fetch(`${app.api.baseUrl}/admin`, { headers: { cookie: `qalam_admin=${member}` } });
    expect(forged.status).toBe(403);
  });

  it('lets a coordinator into the dashboard by its cookie, but not into the queue board', async () => {
    const body = aSupporter({ role: 'coordinator', email: 'coordinator@dashboard.example' });
    expect((await app.api.post('/api/supporters', body, app.adminToken)).status).toBe(201);
    const coordinator = await app.api.login(body.email, body.password);
    expect((await app.api.post('/admin/session', { accessToken: coordinator })).status).toBe(403);
    const session = await fetch(`${app.api.baseUrl}/admin/session/dashboard`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ accessToken: coordinator }) });
    expect(session.status).toBe(204);
    const cookie = session.headers.getSetCookie()[0].split(';')[0];
    expect(cookie).toMatch(/^qalam_admin=/);
    expect((await fetch(`${app.api.baseUrl}/admin`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${app.api.baseUrl}/admin/queues`, { headers: { cookie } })).status).toBe(401);
  });
});
