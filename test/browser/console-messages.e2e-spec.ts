import type { Browser } from 'playwright-core';
import { ADMIN, TestApp } from '../helpers/test-app';
import { aSupporter } from '../helpers/factories';
import { startBrowserApp } from './helpers/browser-app';
import { launchChromium } from './helpers/chromium';
import { aCoordinator, aCycle, aMember, aMonth, memberTokens, Month } from './helpers/month';
import { pageChecker, signInThroughForm } from './helpers/page-check';

const PRISON = 'Rukhshona Khakimova, prisoner no. 4471\nCorrectional Colony No. 3\nDushanbe 734025';

/** Posts a form as a browser would (same origin). */
async function postForm(baseUrl: string, path: string, fields: [string, string][]) {
  const response = await fetch(baseUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: baseUrl },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  return { status: response.status, html: await response.text() };
}

/**
 * Messages of solidarity in Chromium: a member writes one from the signing page (on its own,
 * or with a signature), it waits; a coordinator ticks several in the console's moderation
 * page and approves them at once, rejects another by its own button; every page passes axe
 * at 375 and 1280 px (screenshots in test-artifacts/).
 */
describe('messages of solidarity: the signing page box and the console moderation page', () => {
  let app: TestApp;
  let browser: Browser;
  let coordinator: string;
  let month: Month;
  let cycleId: string;
  const caseId = () => month.appeals[0].caseId;
  const statuses = async () => (await app.db.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM messages WHERE case_id = $1 GROUP BY status ORDER BY status`, [caseId()])).rows;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startBrowserApp('console_messages_browser'), launchChromium()]);
    coordinator = await aCoordinator(app.api, app.adminToken, 'messages');
    month = await aMonth(app.api, coordinator, 2, 'messages');
    expect((await app.api.patch(`/api/cases/${caseId()}`, { acceptsMessages: true, messageAddress: PRISON }, coordinator)).status).toBe(200);
    cycleId = await aCycle(app.api, coordinator, month.appeals.map((appeal) => appeal.appealId));
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('shows a message box for a case that accepts messages, refuses what the cards cannot print, and holds the message', async () => {
    const member = await aMember(app.api, coordinator, { name: 'Jane Quinn Doe' });
    const token = memberTokens(app.config.appSecret).issue('sign', { supporterId: member.id, cycleId });
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    const check = pageChecker(page, problems);
    await page.goto(`${app.api.baseUrl}/sign/${token}`);
    const [first, second] = month.appeals;
    // One box, for the case that takes messages; the page never shows where the cards go.
    await expect(page.locator('textarea[name^="message["]').count()).resolves.toBe(1);
    await expect(page.content()).resolves.not.toContain('prisoner no. 4471');
    const box = page.getByLabel(`Your message to ${first.caseName} (optional)`);
    await expect(box.getAttribute('name')).resolves.toBe(`message[${first.caseId}]`);
    await expect(page.getByText('Please write no politics and nothing personal').count()).resolves.toBe(1);
    await expect(page.getByLabel(`Your message to ${second.caseName} (optional)`).count()).resolves.toBe(0);
    await check('sign-message-box');

    // A character the fonts cannot print: refused, named, nothing sent or signed, the text kept.
    await box.fill('Stay strong 💪');
    await page.getByRole('button', { name: `Send the message to ${first.caseName}` }).click();
    await expect(page.locator('.problem-summary').textContent()).resolves.toContain('U+1F4AA');
    await expect(page.getByLabel(`Your message to ${first.caseName} (optional)`).inputValue()).resolves.toBe('Stay strong 💪');
    await check('sign-message-refused');
    await expect(statuses()).resolves.toEqual([]);

    await page.getByLabel(`Your message to ${first.caseName} (optional)`).fill('Dear Rukhshona,\nwe think of you and wait for you.');
    await page.getByRole('button', { name: `Send the message to ${first.caseName}` }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Thank you');
    await expect(page.locator('main').textContent()).resolves.toContain(`Your message to ${first.caseName} waits for moderation`);
    await check('sign-message-sent');
    await expect(statuses()).resolves.toEqual([{ status: 'held', n: 1 }]);
    // Nothing was signed by sending a message alone.
    await expect(app.db.query(`SELECT count(*)::int AS n FROM signatures WHERE supporter_id = $1`, [member.id]).then((result) => result.rows[0].n)).resolves.toBe(0);

    // Back on the page: the box is replaced by what waits.
    await page.goto(`${app.api.baseUrl}/sign/${token}`);
    await expect(page.locator('textarea[name^="message["]').count()).resolves.toBe(0);
    await expect(page.locator('.message-held').textContent()).resolves.toContain('is waiting for a coordinator to read it');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('sends a message with a signature in one post', async () => {
    const member = await aMember(app.api, coordinator, { name: 'Ivan Petrov', language: 'ru' });
    const token = memberTokens(app.config.appSecret).issue('sign', { supporterId: member.id, cycleId });
    const [first] = month.appeals;
    const page = await fetch(`${app.api.baseUrl}/sign/${token}`).then((response) => response.text());
    // In Russian for a Russian reader.
    expect(page).toContain('Ваше послание (необязательно)');
    expect(page).toContain('без политики и без личного');
    const posted = await postForm(app.api.baseUrl, `/sign/${token}`, [
      ['appealIds', first.appealId],
      [`message[${first.caseId}]`, 'Держитесь! Мы помним о вас.'],
    ]);
    expect(posted.status).toBe(200);
    expect(posted.html).toContain('ждёт проверки');
    const { rows } = await app.db.query(`SELECT text, status, language FROM messages WHERE supporter_id = $1`, [member.id]);
    expect(rows).toEqual([{ text: 'Держитесь! Мы помним о вас.', status: 'held', language: 'ru' }]);
    await expect(app.db.query(`SELECT count(*)::int AS n FROM signatures WHERE supporter_id = $1`, [member.id]).then((result) => result.rows[0].n)).resolves.toBe(1);
  });

  it('lets a coordinator approve several at once and reject one by its own button, in the console', async () => {
    // Two more members write through the API.
    for (const text of ['Courage, and warm wishes from Toronto.', 'We will not forget you.']) {
      const body = aSupporter();
      expect((await app.api.post('/api/supporters', body, coordinator)).status).toBe(201);
      const token = await app.api.login(body.email, body.password);
      expect((await app.api.post(`/api/cases/${caseId()}/messages`, { text }, token)).status).toBe(201);
    }
    await expect(statuses()).resolves.toEqual([{ status: 'held', n: 4 }]);

    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const problems: string[] = [];
    const check = pageChecker(page, problems);
    await signInThroughForm(page, app.api.baseUrl, ADMIN, '/console');
    // The home says which case has messages waiting, and links to them.
    await expect(page.locator(`#messages [data-case-id="${caseId()}"]`).getAttribute('data-held')).resolves.toBe('4');
    await page.goto(`${app.api.baseUrl}/console/cases/${caseId()}`);
    await page.getByRole('link', { name: 'Messages of solidarity (4 waiting)' }).click();
    await page.waitForURL(`${app.api.baseUrl}/console/cases/${caseId()}/messages`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(`Messages to ${month.appeals[0].caseName}`);
    await expect(page.locator('.message').count()).resolves.toBe(4);
    // Where cards go, and the writers' emails, are not on the list.
    await expect(page.content()).resolves.not.toContain('@members.example');
    await check('case-messages-held');

    await page.getByLabel('Message 1', { exact: true }).check();
    await page.getByLabel('Message 3', { exact: true }).check();
    await page.getByRole('button', { name: 'Approve selected' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toBe('2 messages approved.');
    await expect(page.locator('.message').count()).resolves.toBe(2);
    await page.getByRole('group', { name: 'Decide message 1' }).getByRole('button', { name: 'Reject' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toBe('1 message rejected.');
    await expect(statuses()).resolves.toEqual([{ status: 'approved', n: 2 }, { status: 'held', n: 1 }, { status: 'rejected', n: 1 }]);

    // Nothing ticked: said, nothing changed.
    await page.getByRole('button', { name: 'Reject selected' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('Nothing was changed');
    await expect(statuses()).resolves.toEqual([{ status: 'approved', n: 2 }, { status: 'held', n: 1 }, { status: 'rejected', n: 1 }]);

    await page.getByRole('link', { name: 'Approved (2)' }).click();
    await expect(page.locator('.message').count()).resolves.toBe(2);
    await expect(page.locator('input[type="checkbox"]').count()).resolves.toBe(0);
    await check('case-messages-approved');
    const { rows } = await app.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE action IN ('message.approve', 'message.reject')`);
    expect(rows[0].n).toBe(3);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('records a case’s message settings through the console form', async () => {
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const second = month.appeals[1];
    await signInThroughForm(page, app.api.baseUrl, ADMIN, `/console/cases/${second.caseId}`);
    await page.getByLabel('Members may write a short message to this person').check();
    await page.getByLabel('Address for cards (optional)', { exact: true }).fill('Colony No. 5\nKhujand 735700');
    await page.getByLabel('Country of the address for cards (optional)').fill('XX');
    await page.getByRole('button', { name: 'Save the changes' }).click();
    await expect(page.locator('#messageCountry-problem').textContent()).resolves.toContain('two-letter code');
    await page.getByLabel('Country of the address for cards (optional)').fill('');
    await page.getByRole('button', { name: 'Save the changes' }).click();
    await page.waitForURL(/done=saved/);
    await expect(page.getByLabel('Address for cards (optional)', { exact: true }).inputValue()).resolves.toBe('Colony No. 5\nKhujand 735700');
    const record = await app.api.get(`/api/cases/${second.caseId}`, coordinator);
    expect(record.body).toEqual(expect.objectContaining({ acceptsMessages: true, messageAddress: 'Colony No. 5\nKhujand 735700', messageCountry: 'TJ' }));
    await context.close();
  });
});
