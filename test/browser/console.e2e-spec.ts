import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { addAutoSigners, anAppeal, settled } from '../helpers/delivery';
import { SmtpSink } from '../helpers/smtp-sink';
import { ADMIN, TestApp } from '../helpers/test-app';
import { startBrowserApp } from './helpers/browser-app';
import { axeViolations, launchChromium } from './helpers/chromium';
import { ARTIFACTS, describeViolations, sideways } from './helpers/page-check';

/**
 * The staff console in Chromium: the admin signs in through the form (no API call in the
 * browser), lands on the console's home with what needs attention (an open appeal with its
 * counts, the current cycle, a failure), which passes axe-core and fits 375 and 1280 px,
 * then logs out with the navigation's button and is signed out on the server.
 */
describe('the staff console in a browser', () => {
  let sink: SmtpSink;
  let app: TestApp;
  let browser: Browser;
  let appealId: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    sink = await new SmtpSink().start();
    sink.reply = (message) => (message.to.includes('refuses@console-gov.example') ? { code: 550, message: '5.1.1 No such mailbox' } : { accept: true });
    [app, browser] = await Promise.all([startBrowserApp('console_browser', { SMTP_URL: sink.url }), launchChromium()]);
    await addAutoSigners(app.db, 12, 'console');
    const appeal = await anAppeal(app.api, app.adminToken, [{ email: 'accepts@console-gov.example' }, { email: 'refuses@console-gov.example' }]);
    appealId = appeal.appealId;
    await settled(app.db, appealId);
    const cycle = await app.api.post('/api/cycles', { month: '2026-03', title: 'March letters', appealIds: [appealId] }, app.adminToken);
    expect(cycle.status).toBe(201);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await sink?.stop();
  });

  it('signs the admin in, shows what needs attention, passes axe at 375 and 1280 px, and logs out', async () => {
    // bypassCSP only so that axe-core can be injected; the pages themselves run no script.
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('response', (response) => { if (response.status() >= 400 && !response.url().includes('/login')) errors.push(`${response.status()} ${response.url()}`); });

    // Anonymous: sent to the sign-in form, which comes back to the console.
    await page.goto(`${app.api.baseUrl}/console`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/console');
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel('Email address').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${app.api.baseUrl}/console`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('What needs attention');

    // What needs attention, as the API's services count it.
    const stats = (await app.api.get(`/api/appeals/${appealId}`, app.adminToken)).body as { letters: Record<string, number> };
    expect(stats.letters.failed).toBeGreaterThan(0);
    await expect(page.locator(`#open-appeals tr[data-appeal-id="${appealId}"] td[data-status="sent"]`).textContent()).resolves.toBe(String(stats.letters.sent));
    await expect(page.locator(`#open-appeals tr[data-appeal-id="${appealId}"] td[data-status="failed"]`).textContent()).resolves.toBe(String(stats.letters.failed));
    await expect(page.locator('#current-cycle').textContent()).resolves.toContain('March letters');
    await expect(page.locator('#failures').textContent()).resolves.toContain('550');
    const nav = page.getByRole('navigation', { name: 'Console' });
    for (const name of ['Home', 'Cases', 'Officials', 'Templates', 'Appeals', 'Cycles', 'Members', 'Dashboard', 'Queues']) await expect(nav.getByRole('link', { name, exact: true }).count()).resolves.toBe(1);

    const violations = await axeViolations(page);
    if (violations.length > 0) console.log(`axe (console home): ${describeViolations(violations).join('; ')}`);
    expect(violations).toEqual([]);
    expect(await sideways(page)).toEqual({ scroll: 1280, viewport: 1280 });
    await page.screenshot({ path: join(ARTIFACTS, 'console-home-1280.png'), fullPage: true });

    await page.setViewportSize({ width: 375, height: 812 });
    const phone = await sideways(page);
    expect(phone.scroll).toBeLessThanOrEqual(phone.viewport);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'console-home-375.png'), fullPage: true });

    // The dashboard takes the same session.
    await page.goto(`${app.api.baseUrl}/admin`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Delivery dashboard');
    await page.goto(`${app.api.baseUrl}/console`);

    // Log out: the form in the navigation posts its CSRF token; the session is gone on the server.
    await nav.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${app.api.baseUrl}/login`);
    const { rows } = await app.db.query<{ count: number }>(`SELECT count(*)::int AS count FROM staff_sessions`);
    expect(rows[0].count).toBe(0);
    await page.goto(`${app.api.baseUrl}/console`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(errors).toEqual([]);
    await context.close();
  });
});
