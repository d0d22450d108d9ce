import type { Browser, Page } from 'playwright-core';
import { createTransport } from 'nodemailer';
import { mailTag } from '../../src/common/mail/mail-tags';
import { InboundMailService } from '../../src/inbound/inbound-mail.service';
import { buildDsn, buildReply } from '../helpers/dsn';
import { aSupporter } from '../helpers/factories';
import { freePort } from '../helpers/own-servers';
import { SmtpSink } from '../helpers/smtp-sink';
import { ADMIN, TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait';
import { startBrowserApp } from './helpers/browser-app';
import { launchChromium } from './helpers/chromium';
import { aMonth, Month } from './helpers/month';
import { pageChecker, signInThroughForm } from './helpers/page-check';

const DOMAIN = 'inbound.test';

/**
 * What the inbound listener found, in the console: a real 5.1.1 DSN bounces one official's
 * letter and a real reply answers another's; a coordinator sees the flag and the suppression
 * on the home page and the deliverability page, lifts the suppression and clears the flag,
 * reads the reply on the case and adds it to the timeline. Every page passes axe at 375 and
 * 1280 px (screenshots in test-artifacts/console-deliverability-*.png, console-replies-*.png).
 */
describe('console: deliverability and replies', () => {
  let sink: SmtpSink;
  let app: TestApp;
  let browser: Browser;
  let inboundPort: number;
  let month: Month;
  let letters: { id: string; officialId: string; email: string }[];

  const deliver = async (raw: string, to: string) => {
    const transport = createTransport({ host: '127.0.0.1', port: inboundPort, secure: false, ignoreTLS: true });
    try {
      await transport.sendMail({ envelope: { from: 'MAILER-DAEMON@mx.ministry.test', to: [to] }, raw });
      await app.nest.get(InboundMailService).settled();
    } finally {
      transport.close();
    }
  };
  const tagged = (purpose: 'bounce' | 'reply', letterId: string) => `${purpose}+${mailTag(app.config.appSecret, { kind: 'letter', id: letterId })}@${DOMAIN}`;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    inboundPort = await freePort();
    [app, browser] = await Promise.all([
      startBrowserApp('console_deliverability', { SMTP_URL: sink.url, INBOUND_DOMAIN: DOMAIN, INBOUND_SMTP_PORT: String(inboundPort), RECONCILE_SECONDS: '1' }),
      launchChromium(),
    ]);
    month = await aMonth(app.api, app.adminToken, 1, 'deliverability');
    const member = aSupporter();
    expect((await app.api.post('/api/supporters', member, app.adminToken)).status).toBe(201);
    const memberToken = await app.api.login(member.email, member.password);
    expect((await app.api.post(`/api/appeals/${month.appeals[0].appealId}/signatures`, {}, memberToken)).status).toBe(201);
    letters = await waitFor(async () => {
      const { rows } = await app.db.query<{ id: string; official_id: string; email: string }>(
        `SELECT l.id, l.official_id, o.email FROM letters l JOIN officials o ON o.id = l.official_id WHERE l.appeal_id = $1 AND l.status = 'sent' ORDER BY o.language`,
        [month.appeals[0].appealId],
      );
      return rows.length === 2 ? rows.map((row) => ({ id: row.id, officialId: row.official_id, email: row.email })) : undefined;
    }, () => 'both letters sent');
    // The English official's letter bounces; the Russian official answers theirs.
    const [bounced, answered] = letters;
    await deliver(buildDsn({ to: tagged('bounce', bounced.id), status: '5.1.1', recipient: bounced.email }), tagged('bounce', bounced.id));
    await deliver(
      buildReply({ to: tagged('reply', answered.id), from: answered.email, subject: 'Re: Rukhshona Khakimova', text: 'Your letter was received.\n\nThe case is under review by the Prosecutor General.' }),
      tagged('reply', answered.id),
    );
    await waitFor(async () => (await app.db.query(`SELECT 1 FROM inbound_mail WHERE kind = 'reply'`)).rows[0], () => 'the reply stored');
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await sink?.stop();
  });

  const signedIn = async (next: string): Promise<Page> => {
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signInThroughForm(page, app.api.baseUrl, ADMIN, next);
    return page;
  };

  it('shows the flagged official and the suppressed address, lifts the one and clears the other, both audited', async () => {
    const [bounced] = letters;
    const problems: string[] = [];
    const page = await signedIn('/console');
    const check = pageChecker(page, problems);
    await expect(page.locator('#deliverability').textContent()).resolves.toContain('1 flagged officials, 1 suppressed addresses');
    await page.locator('#deliverability a').click();
    await page.waitForURL(`${app.api.baseUrl}/console/deliverability`);
    await expect(page.locator(`[data-official-id="${bounced.officialId}"]`).textContent()).resolves.toContain('bounce 5.1.1');
    await expect(page.locator(`tr[data-address="${bounced.email.toLowerCase()}"]`).textContent()).resolves.toContain('bounce 5.1.1');
    await check('deliverability');

    // The official's own page says it is flagged.
    await page.goto(`${app.api.baseUrl}/console/officials/${bounced.officialId}`);
    await expect(page.locator('[data-flag]').textContent()).resolves.toContain('Flagged: bounce 5.1.1');
    await page.goto(`${app.api.baseUrl}/console/deliverability`);

    await page.getByRole('button', { name: `Lift the suppression of ${bounced.email.toLowerCase()}` }).click();
    await page.waitForURL(/done=lifted/);
    await expect(page.getByRole('status').textContent()).resolves.toContain('The suppression is lifted');
    await expect(app.db.query(`SELECT address FROM suppressions`).then((result) => result.rows)).resolves.toEqual([]);

    await page.getByRole('button', { name: /Clear the flag/ }).click();
    await page.waitForURL(/done=unflagged/);
    const { rows: official } = await app.db.query(`SELECT flagged_at, flag_reason FROM officials WHERE id = $1`, [bounced.officialId]);
    expect(official).toEqual([{ flagged_at: null, flag_reason: null }]);
    await expect(page.locator('#flagged-heading').textContent()).resolves.toBe('Flagged officials (0)');
    await check('deliverability-done');

    const { rows: audit } = await app.db.query<{ action: string }>(`SELECT action FROM audit_log WHERE action IN ('suppression.lift', 'official.unflag') ORDER BY action`);
    expect(audit.map((row) => row.action)).toEqual(['official.unflag', 'suppression.lift']);
    // A post in the session without its CSRF token is refused.
    const forged = await page.context().request.post(`${app.api.baseUrl}/console/deliverability/unflag`, { form: { officialId: bounced.officialId }, headers: { origin: app.api.baseUrl }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    expect(problems).toEqual([]);
  });

  it("shows an official's reply on its case and adds it to the timeline once", async () => {
    const caseId = month.appeals[0].caseId;
    const problems: string[] = [];
    const page = await signedIn(`/console/cases/${caseId}`);
    const check = pageChecker(page, problems);
    await page.getByRole('link', { name: 'Replies from officials (1)' }).click();
    await page.waitForURL(`${app.api.baseUrl}/console/cases/${caseId}/replies`);
    await expect(page.locator('.reply-subject').textContent()).resolves.toBe('Re: Rukhshona Khakimova');
    await expect(page.locator('.message-text').textContent()).resolves.toContain('The case is under review by the Prosecutor General.');
    await check('replies');

    await page.getByRole('button', { name: 'Add to the timeline reply 1' }).click();
    await page.waitForURL(/done=added/);
    await expect(page.getByText('On the case’s timeline.', { exact: true }).count()).resolves.toBe(1);
    await expect(page.getByRole('button', { name: 'Add to the timeline reply 1' }).count()).resolves.toBe(0);
    const { rows: events } = await app.db.query<{ kind: string; description: string }>(`SELECT kind, description FROM case_events WHERE case_id = $1 AND kind = 'official-reply'`, [caseId]);
    expect(events).toHaveLength(1);
    expect(events[0].description).toContain('The case is under review by the Prosecutor General.');
    await check('replies-added');

    await page.goto(`${app.api.baseUrl}/console/cases/${caseId}`);
    await expect(page.locator('.timeline').textContent()).resolves.toContain('official-reply');
    expect(problems).toEqual([]);
  });

  it('sends anonymous visitors to the login form', async () => {
    const anonymous = await fetch(`${app.api.baseUrl}/console/deliverability`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/login?next=%2Fconsole%2Fdeliverability');
    const replies = await fetch(`${app.api.baseUrl}/console/cases/${month.appeals[0].caseId}/replies`, { redirect: 'manual' });
    expect(replies.status).toBe(303);
  });
});
