import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { mailTag } from '../src/common/mail/mail-tags';
import { InboundMailService } from '../src/inbound/inbound-mail.service';
import { buildArf, buildDsn, buildReply } from './helpers/dsn';
import { aCase, anAppealTemplate, anOfficial, aSupporter } from './helpers/factories';
import { memberMails } from './helpers/member-mail';
import { freePort } from './helpers/own-servers';
import { SmtpSink } from './helpers/smtp-sink';
import { startTestApp, TestApp } from './helpers/test-app';
import { waitFor } from './helpers/wait';

const DOMAIN = 'inbound.test';
const MAX_BYTES = 64 * 1024;

/** What an SMTP client got back: accepted, or the server's code and text. */
type Delivery = { accepted: true; response: string } | { accepted: false; code: number | undefined; response: string };

/**
 * The inbound listener on real SMTP: letters sent through an appeal to a sink, then the
 * reports and replies about them sent to qalam's own listener with nodemailer, and what
 * changed read back from Postgres and the API.
 */
describe('inbound mail', () => {
  let sink: SmtpSink;
  let app: TestApp;
  let port: number;
  let coordinator: string;
  let memberToken: string;
  let caseId: string;
  let templateId: string;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    port = await freePort();
    app = await startTestApp('inbound', {
      SMTP_URL: sink.url,
      MAIL_FROM: 'letters@qalam.example',
      INBOUND_DOMAIN: DOMAIN,
      INBOUND_SMTP_PORT: String(port),
      INBOUND_MAX_BYTES: String(MAX_BYTES),
      RECONCILE_SECONDS: '1',
      ORG_POSTAL_ADDRESS: '12 Rue des Lilas\\n75011 Paris',
      PRINT_DIR: mkdtempSync(join(tmpdir(), 'qalam-print-')),
    });
    const body = aSupporter({ role: 'coordinator' });
    expect((await app.api.post('/api/supporters', body, app.adminToken)).status).toBe(201);
    coordinator = await app.api.login(body.email, body.password);
    const member = aSupporter();
    expect((await app.api.post('/api/supporters', member, coordinator)).status).toBe(201);
    memberToken = await app.api.login(member.email, member.password);
    caseId = (await app.api.post('/api/cases', aCase(), coordinator)).body.id;
    templateId = (await app.api.post('/api/templates', anAppealTemplate(), coordinator)).body.id;
  });

  afterAll(async () => {
    await app?.close();
    await sink?.stop();
  });

  const send = async (raw: string | Buffer, to: string[], from = 'MAILER-DAEMON@mx.ministry.test'): Promise<Delivery> => {
    const transport = createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, tls: { rejectUnauthorized: false } });
    try {
      const info = await transport.sendMail({ envelope: { from, to }, raw });
      // Accepted is queued on disk; what it changes is applied behind the 250: wait for that.
      await app.nest.get(InboundMailService).settled();
      return { accepted: true, response: info.response };
    } catch (error) {
      const failure = error as { responseCode?: number; response?: string; message: string };
      return { accepted: false, code: failure.responseCode, response: failure.response ?? failure.message };
    } finally {
      transport.close();
    }
  };

  const tagOf = (kind: 'letter' | 'member', id: string) => mailTag(app.config.appSecret, { kind, id });
  const bounceAddress = (kind: 'letter' | 'member', id: string) => `bounce+${tagOf(kind, id)}@${DOMAIN}`;

  const signAs = async (appealId: string): Promise<{ supporterId: string; token: string }> => {
    const body = aSupporter();
    const created = await app.api.post('/api/supporters', body, coordinator);
    expect(created.status).toBe(201);
    const token = await app.api.login(body.email, body.password);
    expect((await app.api.post(`/api/appeals/${appealId}/signatures`, {}, token)).status).toBe(201);
    return { supporterId: created.body.id, token };
  };

  /** An appeal to one new official, signed by one member, its letter sent to the sink; the letter's id. */
  const sentLetter = async (channel = 'email', officialOverrides: Record<string, unknown> = {}): Promise<{ letterId: string; officialId: string; officialEmail: string; appealId: string }> => {
    const official = await app.api.post('/api/officials', anOfficial(officialOverrides), coordinator);
    expect(official.status).toBe(201);
    const appeal = await app.api.post('/api/appeals', { caseId, title: `By ${channel}`, templateIds: [templateId], officialIds: [official.body.id], channel }, coordinator);
    expect(appeal.status).toBe(201);
    expect((await app.api.post(`/api/appeals/${appeal.body.id}/launch`, undefined, coordinator)).status).toBe(200);
    await signAs(appeal.body.id);
    const letter = await waitFor(
      async () => (await app.db.query<{ id: string }>(`SELECT id FROM letters WHERE appeal_id = $1 AND status = 'sent'`, [appeal.body.id])).rows[0],
      async () => `letters: ${JSON.stringify((await app.db.query(`SELECT status FROM letters WHERE appeal_id = $1`, [appeal.body.id])).rows)}`,
    );
    expect(sink.messages.some((message) => message.letterId === letter.id)).toBe(true);
    return { letterId: letter.id, officialId: official.body.id, officialEmail: official.body.email, appealId: appeal.body.id };
  };

  const letterRow = async (id: string) =>
    (await app.db.query<{ status: string; channel: string | null; delayed_at: Date | null; delay_status: string | null }>(`SELECT status, channel, delayed_at, delay_status FROM letters WHERE id = $1`, [id])).rows[0];
  const count = async (sql: string, parameters: unknown[] = []) => (await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, parameters)).rows[0].n;
  /** Everything an inbound message may change, to compare before and after one that must change nothing. */
  const snapshot = async () => ({
    letters: (await app.db.query(`SELECT id, status, channel, delayed_at FROM letters ORDER BY id`)).rows,
    suppressions: await count('suppressions'),
    flagged: await count('officials WHERE flagged_at IS NOT NULL'),
    unsubscribed: await count('supporters WHERE unsubscribed_at IS NOT NULL OR email_undeliverable_at IS NOT NULL'),
  });
  const metric = async (kind: string): Promise<number> => {
    const text = (await app.api.get('/metrics')).body as string;
    const match = new RegExp(`^qalam_inbound_mail_total\\{kind="${kind}"\\} (\\d+)`, 'm').exec(text);
    return match ? Number(match[1]) : NaN;
  };

  it('marks a letter bounced on a 5.1.1 DSN: its address suppressed, its official flagged, counted in stats and /metrics, once', async () => {
    const { letterId, officialId, officialEmail, appealId } = await sentLetter();
    const before = await metric('bounce');
    const dsn = buildDsn({ to: bounceAddress('letter', letterId), status: '5.1.1', recipient: officialEmail, original: { messageId: `<letter-${letterId}@qalam.example>` } });
    const delivered = await send(dsn, [bounceAddress('letter', letterId)]);
    expect(delivered.accepted).toBe(true);

    await expect(letterRow(letterId)).resolves.toMatchObject({ status: 'bounced' });
    const { rows: suppressed } = await app.db.query(`SELECT reason FROM suppressions WHERE address = $1`, [officialEmail.toLowerCase()]);
    expect(suppressed).toEqual([{ reason: 'bounce 5.1.1' }]);
    const official = await app.api.get(`/api/officials/${officialId}`, coordinator);
    expect(official.body).toMatchObject({ id: officialId, email: officialEmail, flagReason: 'bounce 5.1.1' });
    expect(typeof official.body.flaggedAt).toBe('string');
    const stats = await app.api.get(`/api/stats/appeals/${appealId}`, coordinator);
    expect(stats.body.letters).toMatchObject({ total: 1, bounced: 1, sent: 0 });
    await expect(metric('bounce')).resolves.toBe(before + 1);
    const overview = await app.api.get('/api/stats/overview', app.adminToken);
    expect(overview.body.inbound.bounces).toBeGreaterThanOrEqual(1);

    // The same DSN again (an MTA retrying): accepted, nothing more changes or is counted.
    const rows = await count('inbound_mail');
    const state = await snapshot();
    expect((await send(dsn, [bounceAddress('letter', letterId)])).accepted).toBe(true);
    await expect(count('inbound_mail')).resolves.toBe(rows);
    await expect(snapshot()).resolves.toEqual(state);
    await expect(metric('bounce')).resolves.toBe(before + 1);
  });

  it('takes reports arriving at once together (one transaction): each letter bounced and recorded once, a repeat in the same batch too', async () => {
    const first = await sentLetter();
    const second = await sentLetter();
    const dsnOf = (letterId: string) => buildDsn({ to: bounceAddress('letter', letterId), status: '5.1.1' });
    const rows = await count(`inbound_mail WHERE kind = 'bounce'`);
    const answers = await Promise.all([first, second, first, second, first].map(({ letterId }) => send(dsnOf(letterId), [bounceAddress('letter', letterId)])));
    expect(answers.every((answer) => answer.accepted)).toBe(true);
    await expect(count(`inbound_mail WHERE kind = 'bounce'`)).resolves.toBe(rows + 2);
    await expect(letterRow(first.letterId)).resolves.toMatchObject({ status: 'bounced' });
    await expect(letterRow(second.letterId)).resolves.toMatchObject({ status: 'bounced' });
    await expect(count('suppressions WHERE address = ANY($1)', [[first.officialEmail.toLowerCase(), second.officialEmail.toLowerCase()]])).resolves.toBe(2);
    const stats = await app.api.get(`/api/stats/appeals/${first.appealId}`, coordinator);
    expect(stats.body.letters).toMatchObject({ total: 1, bounced: 1 });
  });

  it('queues a bounced letter of an email-then-post appeal for post, counted once', async () => {
    const { letterId, appealId } = await sentLetter('email-then-post', { postalAddress: 'Prosecutor General\n10 Rudaki Avenue\n734025 Dushanbe' });
    expect((await send(buildDsn({ to: bounceAddress('letter', letterId), status: '5.2.1' }), [bounceAddress('letter', letterId)])).accepted).toBe(true);
    await expect(letterRow(letterId)).resolves.toMatchObject({ status: 'queued', channel: 'post' });
    const stats = await app.api.get(`/api/stats/appeals/${appealId}`, coordinator);
    expect(stats.body.letters).toMatchObject({ total: 1, queued: 1, bounced: 0, sent: 0 });
  });

  it('records a 4.4.1 DSN as a delay: the letter stays sent', async () => {
    const { letterId, officialEmail } = await sentLetter();
    const before = await metric('delay');
    expect((await send(buildDsn({ to: bounceAddress('letter', letterId), status: '4.4.1' }), [bounceAddress('letter', letterId)])).accepted).toBe(true);
    const letter = await letterRow(letterId);
    expect(letter).toMatchObject({ status: 'sent', delay_status: '4.4.1' });
    expect(letter.delayed_at).toBeInstanceOf(Date);
    await expect(count('suppressions WHERE address = $1', [officialEmail.toLowerCase()])).resolves.toBe(0);
    await expect(metric('delay')).resolves.toBe(before + 1);
  });

  it('changes nothing for a forged tag (the right shape, a wrong MAC), and keeps it for review', async () => {
    const { letterId } = await sentLetter();
    const good = tagOf('letter', letterId);
    const forged = `${good.slice(0, -4)}${good.slice(-4) === '0000' ? '1111' : '0000'}`;
    const state = await snapshot();
    const ignored = await count(`inbound_mail WHERE kind = 'ignored'`);
    expect((await send(buildDsn({ to: `bounce+${forged}@${DOMAIN}`, status: '5.1.1' }), [`bounce+${forged}@${DOMAIN}`])).accepted).toBe(true);
    await expect(snapshot()).resolves.toEqual(state);
    await expect(letterRow(letterId)).resolves.toMatchObject({ status: 'sent' });
    await expect(count(`inbound_mail WHERE kind = 'ignored'`)).resolves.toBe(ignored + 1);
  });

  it('refuses mail for any other domain (no open relay)', async () => {
    const refused = await send(buildReply({ to: 'someone@elsewhere.example', from: 'a@b.example', subject: 'relay?', text: 'relay me' }), ['someone@elsewhere.example'], 'a@b.example');
    expect(refused).toMatchObject({ accepted: false, code: 550 });
    const sub = await send(buildReply({ to: `x@sub.${DOMAIN}`, from: 'a@b.example', subject: 'relay?', text: 'relay me' }), [`x@sub.${DOMAIN}`], 'a@b.example');
    expect(sub).toMatchObject({ accepted: false, code: 550 });
  });

  it('keeps garbage for review and refuses an oversized message, storing nothing of it; the app stays healthy', async () => {
    const state = await snapshot();
    const unreadable = await count(`inbound_mail WHERE kind = 'unreadable'`);
    const garbage = Buffer.from([0x00, 0xff, 0xfe, 0x0d, 0x0a, 0x3a, 0x3a, 0x0d, 0x0a, ...Buffer.from('\x1b[31m not mail at all \u0000\r\n--\r\nContent-Type: multipart/report; boundary=\r\n')]);
    expect((await send(garbage, [`abuse@${DOMAIN}`])).accepted).toBe(true);
    expect((await send('Content-Type: multipart/report; report-type=delivery-status; boundary="x"\r\n\r\n--x\r\nContent-Type: message/delivery-status\r\n\r\nAction: failed\r\n', [`postmaster@${DOMAIN}`])).accepted).toBe(true);
    await expect(count(`inbound_mail WHERE kind = 'unreadable'`)).resolves.toBe(unreadable + 2);
    const { rows } = await app.db.query<{ raw: Buffer }>(`SELECT raw FROM inbound_mail WHERE kind = 'unreadable' ORDER BY received_at DESC, id LIMIT 2`);
    expect(rows.some((row) => row.raw.equals(garbage))).toBe(true);

    const rowsBefore = await count('inbound_mail');
    const oversized = buildReply({ to: `reply+x@${DOMAIN}`, from: 'a@b.example', subject: 'big', text: 'x'.repeat(MAX_BYTES + 1024) });
    const refused = await send(oversized, [`abuse@${DOMAIN}`]);
    expect(refused.accepted).toBe(false);
    expect(refused).toMatchObject({ code: 552 });
    await expect(count('inbound_mail')).resolves.toBe(rowsBefore);
    await expect(snapshot()).resolves.toEqual(state);
    expect((await app.api.get('/health')).status).toBe(200);
    // And the listener still takes mail.
    expect((await send('hello', [`abuse@${DOMAIN}`])).accepted).toBe(true);
  });

  it("stores a reply on the letter's case, lists it for coordinators and adds it to the timeline once", async () => {
    const { letterId, officialId, officialEmail, appealId } = await sentLetter();
    const replyTo = `reply+${tagOf('letter', letterId)}@${DOMAIN}`;
    const forwardedBefore = sink.messages.length;
    expect((await send(buildReply({ to: replyTo, from: officialEmail, subject: 'Re: Release her', text: 'Your letter was received and forwarded to the court.' }), [replyTo], officialEmail)).accepted).toBe(true);

    const list = await app.api.get(`/api/cases/${caseId}/replies`, coordinator);
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ page: 1, limit: 50 });
    const reply = list.body.items.find((item: { letterId: string }) => item.letterId === letterId);
    expect(reply).toMatchObject({ officialId, letterId, appealId, from: officialEmail, subject: 'Re: Release her', caseEventId: null });
    expect(reply.text).toContain('forwarded to the court');
    expect(typeof reply.officialName).toBe('string');
    // Never forwarded to anyone: the sink got nothing more.
    expect(sink.messages.length).toBe(forwardedBefore);

    const event = await app.api.post(`/api/cases/${caseId}/replies/${reply.id}/event`, {}, coordinator);
    expect(event.status).toBe(201);
    expect(event.body).toMatchObject({ caseId, kind: 'official-reply' });
    expect(event.body.description).toContain('Re: Release her');
    expect((await app.api.post(`/api/cases/${caseId}/replies/${reply.id}/event`, {}, coordinator)).status).toBe(409);
    const caseView = await app.api.get(`/api/cases/${caseId}`, coordinator);
    expect(caseView.body.events.filter((e: { kind: string }) => e.kind === 'official-reply')).toHaveLength(1);
    const again = await app.api.get(`/api/cases/${caseId}/replies`, coordinator);
    expect(again.body.items.find((item: { id: string }) => item.id === reply.id).caseEventId).toBe(event.body.id);
  });

  it('applies what was accepted but not yet applied when its process stopped: the queue is drained again every few seconds', async () => {
    const { letterId, officialEmail } = await sentLetter();
    const replyTo = `reply+${tagOf('letter', letterId)}@${DOMAIN}`;
    // As a process that answered 250 and stopped before applying leaves it: a row in the queue only.
    const raw = Buffer.from(buildReply({ to: replyTo, from: officialEmail, subject: 'Re: left in the queue', text: 'Received before a restart.' }));
    await app.db.query(`INSERT INTO inbound_queue (raw, recipients) VALUES ($1, $2)`, [raw, [replyTo]]);
    const reply = await waitFor(
      async () => (await app.db.query<{ subject: string; kind: string }>(`SELECT kind, subject FROM inbound_mail WHERE letter_id = $1`, [letterId])).rows[0],
      async () => `queue: ${await count('inbound_queue')}`,
      15_000,
    );
    expect(reply).toEqual({ kind: 'reply', subject: 'Re: left in the queue' });
    await expect(count('inbound_queue')).resolves.toBe(0);
  });

  it('unsubscribes a member on an ARF report about their mail', async () => {
    const member = aSupporter();
    const created = await app.api.post('/api/supporters', member, coordinator);
    const supporterId = created.body.id;
    const arf = buildArf({ to: `abuse@${DOMAIN}`, original: { returnPath: bounceAddress('member', supporterId), tag: tagOf('member', supporterId), to: member.email, messageId: `<member-invitation-x@qalam.example>` } });
    expect((await send(arf, [`abuse@${DOMAIN}`], 'feedback@fbl.mailbox.test')).accepted).toBe(true);
    const { rows } = await app.db.query(`SELECT unsubscribed_at IS NOT NULL AS unsubscribed, active FROM supporters WHERE id = $1`, [supporterId]);
    expect(rows).toEqual([{ unsubscribed: true, active: false }]);
    await expect(count(`inbound_mail WHERE kind = 'complaint' AND supporter_id = $1`, [supporterId])).resolves.toBe(1);
  });

  it('marks a member undeliverable on a 5.x.x DSN about their mail, and the next member mail skips them', async () => {
    const appeal = await app.api.post('/api/appeals', { caseId, title: 'Invited', templateIds: [templateId], officialIds: [(await app.api.post('/api/officials', anOfficial(), coordinator)).body.id] }, coordinator);
    const bouncing = aSupporter();
    const bouncingId = (await app.api.post('/api/supporters', bouncing, coordinator)).body.id;
    const staying = aSupporter();
    expect((await app.api.post('/api/supporters', staying, coordinator)).status).toBe(201);
    const open = async (month: string) => {
      const cycle = await app.api.post('/api/cycles', { month, title: `Letters of ${month}`, appealIds: [appeal.body.id] }, coordinator);
      expect(cycle.status).toBe(201);
      expect((await app.api.post(`/api/cycles/${cycle.body.id}/open`, undefined, coordinator)).status).toBe(200);
    };
    const invited = (email: string) => memberMails(sink, 'invitation').filter((message) => message.to.includes(email)).length;
    await open('2031-01');
    await waitFor(async () => (invited(bouncing.email) === 1 && invited(staying.email) === 1 ? true : undefined), () => 'the first invitations');

    const address = bounceAddress('member', bouncingId);
    expect((await send(buildDsn({ to: address, status: '5.1.1', recipient: bouncing.email }), [address])).accepted).toBe(true);
    const { rows } = await app.db.query(`SELECT email_undeliverable_at IS NOT NULL AS undeliverable, unsubscribed_at FROM supporters WHERE id = $1`, [bouncingId]);
    expect(rows).toEqual([{ undeliverable: true, unsubscribed_at: null }]);

    await open('2031-02');
    await waitFor(async () => (invited(staying.email) === 2 ? true : undefined), () => 'the second invitation');
    expect(invited(bouncing.email)).toBe(1);

    // A new address is deliverable again: the mark goes with the old one, wherever the email is changed (a trigger clears it).
    await app.db.query(`UPDATE supporters SET name = 'Renamed' WHERE id = $1`, [bouncingId]);
    await expect(count('supporters WHERE id = $1 AND email_undeliverable_at IS NOT NULL', [bouncingId])).resolves.toBe(1);
    await app.db.query(`UPDATE supporters SET email = $2 WHERE id = $1`, [bouncingId, `new-${bouncing.email}`]);
    const after = await app.db.query(`SELECT email_undeliverable_at FROM supporters WHERE id = $1`, [bouncingId]);
    expect(after.rows).toEqual([{ email_undeliverable_at: null }]);
  });

  it('lists suppressions, lifts one (audited), and clears an official flag (audited)', async () => {
    const { letterId, officialId, officialEmail } = await sentLetter();
    expect((await send(buildDsn({ to: bounceAddress('letter', letterId), status: '5.1.1' }), [bounceAddress('letter', letterId)])).accepted).toBe(true);
    const list = await app.api.get('/api/suppressions?limit=500', coordinator);
    expect(list.status).toBe(200);
    expect(list.body.items).toContainEqual(expect.objectContaining({ address: officialEmail.toLowerCase(), reason: 'bounce 5.1.1' }));

    const lifted = await app.api.request('DELETE', `/api/suppressions/${encodeURIComponent(officialEmail)}`, { token: coordinator });
    expect(lifted.status).toBe(200);
    expect(lifted.body).toMatchObject({ address: officialEmail.toLowerCase() });
    await expect(count('suppressions WHERE address = $1', [officialEmail.toLowerCase()])).resolves.toBe(0);
    expect((await app.api.request('DELETE', `/api/suppressions/${encodeURIComponent(officialEmail)}`, { token: coordinator })).status).toBe(404);
    const { rows: audit } = await app.db.query(`SELECT action, detail FROM audit_log WHERE action = 'suppression.lift'`);
    expect(audit).toContainEqual({ action: 'suppression.lift', detail: { reason: 'bounce 5.1.1', officialIds: [officialId] } });

    const unflagged = await app.api.post(`/api/officials/${officialId}/unflag`, undefined, coordinator);
    expect(unflagged.status).toBe(200);
    expect(unflagged.body).toMatchObject({ id: officialId, flaggedAt: null, flagReason: null });
    await expect(count(`audit_log WHERE action = 'official.unflag' AND subject_id = $1`, [officialId])).resolves.toBe(1);
  });

  it('keeps the new routes to coordinators: 401 anonymous, 403 a member, 404 bad ids, 400 bad bodies', async () => {
    const unknown = '5b0c3f1e-8a7d-4c2b-9e6f-0a1b2c3d4e5f';
    const routes: [string, string][] = [
      ['GET', `/api/cases/${caseId}/replies`],
      ['POST', `/api/cases/${caseId}/replies/${unknown}/event`],
      ['GET', '/api/suppressions'],
      ['DELETE', '/api/suppressions/office%40ministry.test'],
      ['POST', `/api/officials/${unknown}/unflag`],
    ];
    for (const [method, path] of routes) {
      expect([method, path, (await app.api.request(method, path)).status]).toEqual([method, path, 401]);
      expect([method, path, (await app.api.request(method, path, { token: memberToken })).status]).toEqual([method, path, 403]);
    }
    for (const [method, path] of [
      ['GET', '/api/cases/not-a-uuid/replies'],
      ['GET', `/api/cases/${unknown}/replies`],
      ['POST', `/api/cases/${caseId}/replies/not-a-uuid/event`],
      ['POST', `/api/cases/${caseId}/replies/${unknown}/event`],
      ['POST', `/api/cases/${unknown}/replies/${unknown}/event`],
      ['POST', '/api/officials/not-a-uuid/unflag'],
      ['POST', `/api/officials/${unknown}/unflag`],
      ['DELETE', '/api/suppressions/nobody%40nowhere.example'],
    ]) {
      expect([method, path, (await app.api.request(method, path, { token: coordinator })).status]).toEqual([method, path, 404]);
    }
    const badBody = await app.api.post(`/api/cases/${caseId}/replies/${unknown}/event`, { description: 5 }, coordinator);
    expect(badBody.status).toBe(400);
    expect(JSON.stringify(badBody.body)).toContain('description');
    expect((await app.api.request('DELETE', '/api/suppressions/not-an-address', { token: coordinator })).status).toBe(400);
    expect((await app.api.get('/api/suppressions?limit=0', coordinator)).status).toBe(400);
  });
});
