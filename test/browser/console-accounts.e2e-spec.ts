import type { Browser, BrowserContext, Page } from 'playwright-core';
import { anAppeal } from '../helpers/delivery';
import { aSupporter } from '../helpers/factories';
import { tokenIn } from '../helpers/member-mail';
import { SmtpSink } from '../helpers/smtp-sink';
import { ADMIN, TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait';
import { startBrowserApp } from './helpers/browser-app';
import { launchChromium } from './helpers/chromium';
import { pageChecker, signInThroughForm } from './helpers/page-check';

/**
 * The console's accounts in Chromium: a refused sign-in, a forgotten password through the
 * mailed link (and the dead link once it is used), one's own password change (a refusal
 * first), the 403 pages a member and a coordinator meet, and the admin's audit log and
 * dashboard reached from the navigation. Every page passes axe-core and fits 375 and 1280 px
 * with no sideways scroll; screenshots in test-artifacts/.
 */
describe('the console’s accounts in a browser', () => {
  let sink: SmtpSink;
  let app: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const coordinator = aSupporter({ role: 'coordinator', name: 'Malika Coordinator' });
  const member = aSupporter({ name: 'Jane Member' });

  /** A fresh browser, as another person on another machine. */
  const aBrowser = async (): Promise<Page> => {
    // bypassCSP only so that axe-core can be injected; the pages themselves run no script.
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(10_000);
    contexts.push(context);
    return context.newPage();
  };

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    [app, browser] = await Promise.all([startBrowserApp('console_accounts_browser', { SMTP_URL: sink.url }), launchChromium()]);
    for (const account of [coordinator, member]) expect((await app.api.post('/api/supporters', account, app.adminToken)).status).toBe(201);
    // Something for the audit log and the dashboard to show.
    await anAppeal(app.api, app.adminToken, [{ email: 'accepts@accounts-gov.example' }]);
    const imported = await app.api.request('POST', '/api/supporters/import', { token: app.adminToken, raw: 'email,name,country\nimported-1@accounts.example,Imported One,DE\n', contentType: 'text/csv' });
    expect(imported.status).toBe(201);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await app?.close();
    await sink?.stop();
  });

  it('refuses a wrong password, resets a forgotten one through the mailed link, and changes one’s own (a refusal first)', async () => {
    const page = await aBrowser();
    const problems: string[] = [];
    const check = pageChecker(page, problems);

    await page.goto(`${app.api.baseUrl}/login`);
    await check('login');
    await page.getByLabel('Email address').fill(coordinator.email);
    await page.getByLabel('Password').fill('not-the-password');
    const refused = page.waitForResponse((response) => response.url().endsWith('/login') && response.request().method() === 'POST');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect((await refused).status()).toBe(401);
    await expect(page.locator('#login-problem').textContent()).resolves.toContain('is wrong');
    await check('login-refused');

    await page.getByRole('link', { name: 'Forgotten your password?' }).click();
    await page.waitForURL(`${app.api.baseUrl}/password/forgot`);
    await check('password-forgot');
    await page.getByLabel('Email address').fill(coordinator.email);
    await page.getByRole('button', { name: 'Email me a link' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('is on its way');
    await check('password-forgot-sent');

    const mail = await waitFor(async () => sink.messages.find((message) => message.to[0] === coordinator.email), () => `no mail yet (${sink.messages.length} in the sink)`, 15_000);
    const link = `${app.api.baseUrl}/password/reset/${tokenIn(mail.text, app.api.baseUrl, '/password/reset/')}`;
    await page.goto(link);
    await check('password-reset');
    await page.getByLabel('New password', { exact: true }).fill('a-new-password-1');
    await page.getByLabel('New password again').fill('a-different-one-2');
    await page.getByRole('button', { name: 'Save my password' }).click();
    await expect(page.locator('#f-passwordRepeat-problem').textContent()).resolves.toContain('differ');
    await check('password-reset-refused');
    await page.getByLabel('New password', { exact: true }).fill('a-new-password-1');
    await page.getByLabel('New password again').fill('a-new-password-1');
    await page.getByRole('button', { name: 'Save my password' }).click();
    await page.waitForURL(`${app.api.baseUrl}/password/done`);
    await check('password-done');

    // The link works once.
    const dead = await page.goto(link);
    expect(dead?.status()).toBe(410);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('This link no longer works');
    await check('password-reset-dead');

    // Signed in with the new password, the coordinator changes it on "My account".
    await page.goto(`${app.api.baseUrl}/password/done`);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Email address').fill(coordinator.email);
    await page.getByLabel('Password').fill('a-new-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${app.api.baseUrl}/console`);
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'My account' }).click();
    await page.waitForURL(`${app.api.baseUrl}/console/account`);
    await check('account');
    await page.getByLabel('Current password').fill('not-my-password');
    await page.getByLabel('New password', { exact: true }).fill('a-third-password-3');
    await page.getByLabel('New password again').fill('a-third-password-3');
    await page.getByRole('button', { name: 'Change my password' }).click();
    await expect(page.locator('#f-currentPassword-problem').textContent()).resolves.toContain('not your current password');
    await check('account-refused');
    await page.getByLabel('Current password').fill('a-new-password-1');
    await page.getByLabel('New password', { exact: true }).fill('a-third-password-3');
    await page.getByLabel('New password again').fill('a-third-password-3');
    await page.getByRole('button', { name: 'Change my password' }).click();
    await page.waitForURL(`${app.api.baseUrl}/console/account?changed=1`);
    await expect(page.getByRole('status').textContent()).resolves.toContain('has been changed');
    await check('account-changed');

    // An admin's page is not a coordinator's: the 403 page.
    const forbidden = await page.goto(`${app.api.baseUrl}/console/audit`);
    expect(forbidden?.status()).toBe(403);
    await check('forbidden');

    expect(problems).toEqual([]);
  });

  it('tells a member the console is not theirs (403)', async () => {
    const page = await aBrowser();
    const problems: string[] = [];
    const check = pageChecker(page, problems);
    await page.goto(`${app.api.baseUrl}/login`);
    await page.getByLabel('Email address').fill(member.email);
    await page.getByLabel('Password').fill(member.password);
    const answer = page.waitForResponse((response) => response.url().endsWith('/login') && response.request().method() === 'POST');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect((await answer).status()).toBe(403);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('The console is for coordinators and admins');
    await check('member-refused');
    expect(problems).toEqual([]);
  });

  it('shows the admin the audit log and the dashboard from the console’s navigation', async () => {
    const page = await aBrowser();
    const problems: string[] = [];
    const check = pageChecker(page, problems);
    await signInThroughForm(page, app.api.baseUrl, ADMIN, '/console');
    const nav = page.getByRole('navigation', { name: 'Console' });
    await nav.getByRole('link', { name: 'Audit log' }).click();
    await page.waitForURL(`${app.api.baseUrl}/console/audit`);
    await expect(page.locator('tr[data-action="appeal.launch"]').count()).resolves.toBe(1);
    await expect(page.locator('tr[data-action="supporters.import"]').count()).resolves.toBe(1);
    await check('audit');

    await nav.getByRole('link', { name: 'Dashboard' }).click();
    await page.waitForURL(`${app.api.baseUrl}/admin`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Delivery dashboard');
    await check('dashboard');
    expect(problems).toEqual([]);
  });
});
