import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { SmtpSink } from '../helpers/smtp-sink';
import { TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait';
import { startBrowserApp } from './helpers/browser-app';
import { axeViolations, blocking, launchChromium } from './helpers/chromium';
import { aCoordinator, aCycle, aMember, aMonth } from './helpers/month';
import { ARTIFACTS, sideways } from './helpers/page-check';

/**
 * A member's month in a real browser: the coordinator opens a cycle through the API, the
 * invitation arrives on a real SMTP server on loopback, Chromium follows its link, the member
 * adds a note and signs all, and the officials' SMTP server receives each letter in the
 * official's language with the note. The page must pass axe-core (no serious or critical
 * violation) and fit a 375 px wide phone.
 */
describe('signing the month’s letters in a browser', () => {
  let sink: SmtpSink;
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    sink = await new SmtpSink().start();
    [app, browser] = await Promise.all([startBrowserApp('browser', { SMTP_URL: sink.url, ORG_NAME: 'Global Importune' }), launchChromium()]);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await sink?.stop();
  });

  it('follows the invitation, adds a note, signs all, and the officials receive their letters in their language', async () => {
    const coordinator = await aCoordinator(app.api, app.adminToken, 'browser');
    const month = await aMonth(app.api, coordinator, 2, 'browser');
    const member = await aMember(app.api, coordinator, { name: 'Jane Quinn Doe', language: 'en' });
    await aCycle(app.api, coordinator, month.appeals.map((appeal) => appeal.appealId));

    // The invitation, as the member receives it: its link is the way in.
    const invitation = await waitFor(
      async () => sink.messages.find((message) => message.to.includes(member.email)),
      () => `no invitation reached ${member.email}; the sink holds ${sink.messages.length} messages`,
      15_000,
    );
    const signUrl = new RegExp(`${app.config.publicUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/sign/[A-Za-z0-9_.-]+`).exec(invitation.text)![0];

    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1024, height: 800 } });
    const page = await context.newPage();
    const opened = await page.goto(signUrl);
    expect(opened?.status()).toBe(200);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('November letters');
    for (const appeal of month.appeals) await expect(page.getByRole('heading', { level: 2, name: appeal.caseName }).count()).resolves.toBe(1);

    // No serious or critical accessibility problem on the page members meet first.
    const violations = await axeViolations(page);
    if (violations.length > 0) console.log(`axe (signing page): ${violations.map((v) => `${v.impact} ${v.id} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`).join('; ')}`);
    expect(blocking(violations)).toEqual([]);

    // The keyboard's first stop is the skip link, and it shows itself when focused.
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } | null } }).document.activeElement?.textContent)).resolves.toBe('Skip to the content');
    const skip = await page.getByRole('link', { name: 'Skip to the content' }).boundingBox();
    expect(skip!.y).toBeGreaterThanOrEqual(0);

    // A phone: 375 px wide, nothing scrolls sideways.
    await page.setViewportSize({ width: 375, height: 812 });
    const widths = await sideways(page);
    expect(widths.scroll).toBeLessThanOrEqual(widths.viewport);
    await page.screenshot({ path: join(ARTIFACTS, 'signing-375.png'), fullPage: true });

    // A note for the first case, by its label inside that case's article; then sign all.
    const NOTE = 'I think of her and her two children every day.';
    const first = page.getByRole('article', { name: month.appeals[0].caseName });
    await first.getByLabel('A personal note (optional)').fill(NOTE);
    await first.getByLabel(/Full name/).check();
    await page.getByRole('button', { name: 'Sign all', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Thank you' }).waitFor();
    const confirmation = (await page.locator('main').textContent()) ?? '';
    for (const official of month.appeals.flatMap((appeal) => appeal.officials)) expect(confirmation).toContain(`${official.title} ${official.name}`);
    const confirmationViolations = await axeViolations(page);
    expect(blocking(confirmationViolations)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'signed-375.png'), fullPage: true });

    // Each official's SMTP server receives the letter in the official's language, the note in the first case's.
    const { rows: letters } = await app.db.query<{ id: string; appeal_id: string; official_id: string }>(`SELECT id, appeal_id, official_id FROM letters WHERE supporter_id = $1`, [member.id]);
    expect(letters).toHaveLength(4);
    const received = await waitFor(
      async () => {
        const mine = sink.messages.filter((message) => letters.some((letter) => letter.id === message.letterId));
        return mine.length === letters.length ? mine : undefined;
      },
      () => `${sink.messages.filter((message) => letters.some((letter) => letter.id === message.letterId)).length} of ${letters.length} letters received`,
    );
    for (const message of received) {
      const letter = letters.find((row) => row.id === message.letterId)!;
      const appeal = month.appeals.find((candidate) => candidate.appealId === letter.appeal_id)!;
      const official = appeal.officials.find((candidate) => candidate.id === letter.official_id)!;
      expect(message.to).toEqual([official.email]);
      if (official.language === 'ru') {
        // The Russian letter names the case in Russian (issue 10): no English word of the case.
        expect(message.subject).toBe(`Обращение по делу: ${appeal.caseNameRu}`);
        expect(message.text).toContain('С уважением');
        expect(message.text).not.toContain(appeal.caseName);
      } else {
        expect(message.subject).toBe(`Appeal on behalf of ${appeal.caseName}`);
        expect(message.text).toContain('Yours respectfully');
      }
      if (appeal === month.appeals[0]) expect(message.text).toContain(NOTE);
      else expect(message.text).not.toContain(NOTE);
    }

    // Back on the page, both cases show as signed; "My letters" lists them, and passes axe too, as does joining.
    await page.goto(signUrl);
    await expect(page.getByText(/Signed on /).count()).resolves.toBe(2);
    await page.getByRole('link', { name: 'My letters' }).click();
    await page.getByRole('heading', { level: 1, name: 'My letters' }).waitFor();
    await expect(page.getByText('You have signed 4 letters for 2 cases.').count()).resolves.toBe(1);
    expect(blocking(await axeViolations(page))).toEqual([]);
    await page.goto(`${app.config.publicUrl}/join`);
    expect(blocking(await axeViolations(page))).toEqual([]);
    await context.close();
  });
});
