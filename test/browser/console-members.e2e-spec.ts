import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addAutoSigners, anAppeal, settled } from '../helpers/delivery';
import { aSupporter } from '../helpers/factories';
import { SmtpSink } from '../helpers/smtp-sink';
import { ADMIN, TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait';
import { startBrowserApp } from './helpers/browser-app';
import { launchChromium } from './helpers/chromium';
import { pageChecker, signInThroughForm } from './helpers/page-check';

/** A member whose name and address are longer than a phone is wide. */
const LONG_MEMBER = { email: 'a-very-long-address-of-a-member-who-writes-every-month@a-long-group-domain.example', name: 'Gulnora Abdukhalilovna Mirzorakhimova-Saidova' };

/**
 * The console's members and cycles in Chromium, driven through their forms: the admin
 * searches and filters the members, opens one's history and deactivates them, uploads a CSV
 * and reads its per-line report, invites a coordinator (a refusal first); then creates a
 * cycle (a refusal first), opens it and sends its reminder, reading the counts. Every page
 * passes axe-core and fits 375 and 1280 px with no sideways scroll; screenshots in
 * test-artifacts/.
 */
describe('the console’s members and cycles in a browser', () => {
  let sink: SmtpSink;
  let app: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let appealId: string;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    [app, browser] = await Promise.all([startBrowserApp('console_members_browser', { SMTP_URL: sink.url }), launchChromium()]);
    await addAutoSigners(app.db, 3, 'members-browser');
    appealId = (await anAppeal(app.api, app.adminToken, [{ email: 'accepts@members-gov.example' }, { name: 'John Ombudsman', email: 'ombudsman@members-gov.example' }])).appealId;
    await settled(app.db, appealId);
    for (const member of [aSupporter(LONG_MEMBER), aSupporter({ name: 'Зарина Каримова', language: 'ru', country: 'TJ', city: 'Душанбе' })]) {
      expect((await app.api.post('/api/supporters', member, app.adminToken)).status).toBe(201);
    }
    // bypassCSP only so that axe-core can be injected; the pages themselves run no script.
    context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    await signInThroughForm(page, app.api.baseUrl, ADMIN, '/console/members');
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await app?.close();
    await sink?.stop();
  });

  it('searches and filters members, opens a history, deactivates, imports a CSV with its report and invites a coordinator', async () => {
    const problems: string[] = [];
    const check = pageChecker(page, problems);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Members');
    await expect(page.locator('tbody tr').count()).resolves.toBe(6);
    await check('members');

    const search = page.getByRole('search', { name: 'Find members' });
    await search.getByLabel('Name or email').fill('members-browser');
    await search.getByLabel('Role').selectOption({ label: 'member' });
    await search.getByLabel('Active').selectOption({ label: 'active' });
    await search.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/\/console\/members\?q=members-browser&role=member&active=true/);
    await expect(page.locator('tbody tr').count()).resolves.toBe(3);
    await check('members-search');

    await search.getByLabel('Name or email').fill('nobody-at-all');
    await search.getByRole('button', { name: 'Show' }).click();
    await expect(page.getByText('No member matches.').count()).resolves.toBe(1);
    await check('members-none');

    // One member's record and letters, grouped by case.
    await page.goto(`${app.api.baseUrl}/console/members?q=members-browser-1%40`);
    await page.getByRole('link', { name: 'Supporter members-browser 1' }).click();
    await page.waitForURL(/\/console\/members\/[0-9a-f-]{36}$/);
    await expect(page.getByText('2 letters in their name.').count()).resolves.toBe(1);
    await check('member');
    await page.getByRole('button', { name: 'Deactivate' }).click();
    await expect(page.locator('dd[data-active]').getAttribute('data-active')).resolves.toBe('false');
    await check('member-deactivated');

    // A long name and address on a phone.
    await page.goto(`${app.api.baseUrl}/console/members?q=a-very-long-address`);
    await page.getByRole('link', { name: LONG_MEMBER.name }).click();
    await page.waitForURL(/\/console\/members\/[0-9a-f-]{36}$/);
    await check('member-long');

    // The CSV upload and its report, line by line.
    await page.getByRole('link', { name: 'All members' }).click();
    await page.getByRole('link', { name: 'Import members from CSV' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Import members from a CSV file');
    await check('members-import');
    const csv = 'email,name,country\nup-1@upload.example,Upload One,FR\nnot-an-email,Bad Row,FR\nup-2@upload.example,Upload Two,XX\n';
    await page.getByLabel('CSV file').setInputFiles({ name: 'members.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Import' }).click();
    await expect(page.locator('dd[data-count="created"]').textContent()).resolves.toBe('1');
    await expect(page.locator('#import-report tr[data-line]').count()).resolves.toBe(2);
    await check('members-import-report');

    // An invitation: an address already in qalam is refused beside its field, then one goes out.
    await page.getByRole('link', { name: 'All members' }).click();
    await page.getByRole('link', { name: 'Invite a coordinator' }).click();
    await check('invite');
    await page.getByLabel('Email address').fill(ADMIN.email);
    await page.getByLabel('Name').fill('Dilnoza Coordinator');
    await page.getByLabel('Country').fill('DE');
    await page.getByRole('button', { name: 'Send the invitation' }).click();
    await expect(page.locator('#f-email-problem').textContent()).resolves.toContain('already belongs');
    await check('invite-refused');
    await page.getByLabel('Email address').fill('dilnoza@staff.example');
    await page.getByRole('button', { name: 'Send the invitation' }).click();
    await page.waitForURL(/\/console\/members\/[0-9a-f-]{36}\?invited=1$/);
    await expect(page.locator('dd[data-role]').getAttribute('data-role')).resolves.toBe('coordinator');
    await check('member-invited');

    expect(problems).toEqual([]);
  });

  it('creates a cycle (a refusal first), opens it and sends the reminder, showing the counts', async () => {
    const problems: string[] = [];
    const check = pageChecker(page, problems);
    const draft = await anAppeal(app.api, app.adminToken, [{ email: 'draft@members-gov.example' }], false);
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Cycles' }).click();
    await page.waitForURL(`${app.api.baseUrl}/console/cycles`);
    await check('cycles-empty');

    await page.getByRole('link', { name: 'Create a cycle' }).click();
    await check('cycle-new');
    await page.getByLabel('Month').fill('2026-13');
    await page.getByLabel('Title').fill('December letters');
    await page.getByRole('button', { name: 'Create the cycle' }).click();
    await expect(page.locator('#f-month-problem').textContent()).resolves.toContain('2026-12');
    await expect(page.locator('#f-appealIds-problem').count()).resolves.toBe(1);
    await check('cycle-new-refused');

    await page.getByLabel('Month').fill('2026-12');
    await page.locator(`input[name="appealIds"][value="${appealId}"]`).check();
    await page.locator(`input[name="appealIds"][value="${draft.appealId}"]`).check();
    await page.getByRole('button', { name: 'Create the cycle' }).click();
    await page.waitForURL(/\/console\/cycles\/[0-9a-f-]{36}$/);
    const cycleId = new URL(page.url()).pathname.split('/').pop()!;
    await expect(page.locator('[data-status]').getAttribute('data-status')).resolves.toBe('draft');
    await check('cycle');

    const invitations = async () => (await app.db.query<{ total: number; invited: number; reminded: number }>(`SELECT count(*)::int AS total, count(invited_at)::int AS invited, count(reminded_at)::int AS reminded FROM cycle_invitations WHERE cycle_id = $1`, [cycleId])).rows[0];
    // Each button posts a form that leads back to the cycle's page: that page's load is awaited
    // before the reload, which would otherwise race the navigation still under way.
    let loaded = page.waitForEvent('load');
    await page.getByRole('button', { name: 'Open the cycle and invite members' }).click();
    await loaded;
    await waitFor(async () => {
      const counts = await invitations();
      return counts.total > 0 && counts.invited === counts.total ? counts : undefined;
    }, async () => JSON.stringify(await invitations()));
    await page.reload();
    await expect(page.locator('[data-status]').getAttribute('data-status')).resolves.toBe('open');
    await expect(page.locator('dd[data-count="invited"]').textContent()).resolves.toBe(String((await invitations()).invited));
    await check('cycle-open');

    loaded = page.waitForEvent('load');
    await page.getByRole('button', { name: 'Send the reminder' }).click();
    await loaded;
    await waitFor(async () => {
      const counts = await invitations();
      return counts.reminded > 0 ? counts : undefined;
    }, async () => JSON.stringify(await invitations()));
    await page.reload();
    await expect(page.locator('dd[data-count="reminded"]').textContent()).resolves.toBe(String((await invitations()).reminded));
    await expect(page.getByRole('button', { name: 'Send the reminder' }).count()).resolves.toBe(0);
    await check('cycle-reminded');

    // A refused action comes back to the cycle's page saying why.
    await page.goto(`${app.api.baseUrl}/console/cycles/${cycleId}?problem=cycle_reminded`);
    await check('cycle-problem');
    await page.getByRole('link', { name: 'All cycles' }).click();
    await expect(page.locator(`tr[data-cycle-id="${cycleId}"]`).count()).resolves.toBe(1);
    await check('cycles');

    expect(problems).toEqual([]);
  });
});
