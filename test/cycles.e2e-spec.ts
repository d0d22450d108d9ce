import { DataSource } from 'typeorm';
import { CyclesRepository } from '../src/cycles/cycles.repository';
import { CycleContentService } from '../src/cycles/cycle-content.service';
import { ChangeNoticesService } from '../src/database/change-notices.service';
import { CyclesService } from '../src/cycles/cycles.service';
import { createDataSource } from '../src/database/data-source';
import { LinkInvalidError } from '../src/supporters/member-errors';
import { anAppeal, LaunchedAppeal } from './helpers/delivery';
import { aSupporter } from './helpers/factories';
import { headerOf, kindOf, letters, memberMails, memberTokens, QueueWatch, tokenIn } from './helpers/member-mail';
import { countRows, messagesOf } from './helpers/responses';
import { SmtpSink } from './helpers/smtp-sink';
import { startTestApp, TestApp } from './helpers/test-app';
import { signToken, withPayload } from './helpers/tokens';
import { waitFor } from './helpers/wait';

const PUBLIC_URL = 'https://letters.example.org';

interface Member {
  id: string;
  email: string;
  token: string;
}

describe('cycles: open, invite, remind, unsubscribe', () => {
  let sink: SmtpSink;
  let app: TestApp;
  let queue: QueueWatch;
  let coordinator: string;
  let coordinatorEmail: string;
  let launched: LaunchedAppeal;
  let drafted: LaunchedAppeal;
  let cycleId: string;
  const members: Record<'autoSigner' | 'english' | 'russian' | 'quiet', Member> = {} as never;
  const tokens = () => memberTokens(app.config);

  async function aMember(overrides: Record<string, unknown>): Promise<Member> {
    const body = aSupporter(overrides);
    const created = await app.api.post('/api/supporters', body, coordinator);
    expect(created.status).toBe(201);
    return { id: created.body.id, email: body.email, token: await app.api.login(body.email, body.password) };
  }

  const mailsTo = (member: Member, kind?: 'invitation' | 'reminder') => memberMails(sink, kind).filter((message) => message.to[0] === member.email);

  /** Waits for this many member emails of a kind, then for the queue to drain, so that a mail too many would be seen. */
  async function settle(kind: 'invitation' | 'reminder', count: number): Promise<void> {
    await waitFor(
      async () => (memberMails(sink, kind).length >= count ? true : undefined),
      async () => `${memberMails(sink, kind).length} of ${count} ${kind}s; queue ${JSON.stringify(await queue.counts())}`,
      15_000,
    );
    await queue.idle();
  }

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    app = await startTestApp('cycles', { SMTP_URL: sink.url, MAIL_FROM: 'letters@qalam.example', ORG_NAME: 'Pen Friends', PUBLIC_URL, RECONCILE_SECONDS: '1', RETRY_DELAY_MS: '200' });
    queue = new QueueWatch(app.config);
    const coordinatorBody = aSupporter({ role: 'coordinator' });
    coordinatorEmail = coordinatorBody.email;
    expect((await app.api.post('/api/supporters', coordinatorBody, app.adminToken)).status).toBe(201);
    coordinator = await app.api.login(coordinatorBody.email, coordinatorBody.password);

    members.autoSigner = await aMember({ autoSign: true, name: 'Auto Signer' });
    members.english = await aMember({ name: 'Elena English' });
    members.russian = await aMember({ name: 'Ruslan Russkiy', language: 'ru' });
    members.quiet = await aMember({ name: 'Quinn Quiet' });
    // Added straight to Postgres without confirming, as a public signup is: it must get nothing.
    await app.db.query(`INSERT INTO supporters (email, name, country, auto_sign, confirmed_at) VALUES ('pending-auto@members.example', 'Pending Auto', 'CA', true, NULL),
      ('pending@members.example', 'Pending Member', 'CA', false, NULL)`);

    launched = await anAppeal(app.api, coordinator, [{}, {}], true);
    drafted = await anAppeal(app.api, coordinator, [{ language: 'ru' }], false);
    const event = { occurredOn: '2025-02-01', kind: 'sentenced', description: 'Sentenced to eight years', sourceUrl: 'https://example.org/news' };
    expect((await app.api.post(`/api/cases/${drafted.caseId}/events`, event, coordinator)).status).toBe(201);
  });

  afterAll(async () => {
    await queue?.close();
    await app?.close();
    await sink?.stop();
  });

  it('creates a cycle of draft and open appeals in order, and names every bad field', async () => {
    const bad = await app.api.post('/api/cycles', { month: '2025-13', title: '', appealIds: [], reminderAfterDays: 61 }, coordinator);
    expect(bad.status).toBe(400);
    const problems = messagesOf(bad.body).join('\n');
    for (const field of ['month', 'title', 'appealIds', 'reminderAfterDays']) expect(problems).toContain(field);

    const unknown = await app.api.post('/api/cycles', { month: '2025-06', title: 'June', appealIds: ['5b0c3f1e-8a7d-4c2b-9e6f-0a1b2c3d4e5f'] }, coordinator);
    expect(unknown.status).toBe(400);
    expect(messagesOf(unknown.body)).toEqual([expect.stringMatching(/appealIds: no such appeal/)]);

    const asMember = await app.api.post('/api/cycles', { month: '2025-06', title: 'June', appealIds: [drafted.appealId] }, members.english.token);
    expect(asMember.status).toBe(403);

    const created = await app.api.post('/api/cycles', { month: '2025-06', title: 'June letters', appealIds: [drafted.appealId, launched.appealId], reminderAfterDays: 3 }, coordinator);
    expect(created.status).toBe(201);
    expect(created.body).toEqual(
      expect.objectContaining({ month: '2025-06', title: 'June letters', status: 'draft', reminderAfterDays: 3, appealIds: [drafted.appealId, launched.appealId], openedAt: null, invitations: { total: 0, invited: 0, reminded: 0 } }),
    );
    cycleId = created.body.id;
    const fetched = await app.api.get(`/api/cycles/${cycleId}`, coordinator);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(created.body);
    await expect(app.api.get('/api/cycles', coordinator)).resolves.toEqual(expect.objectContaining({ status: 200, body: { items: [created.body], total: 1, page: 1, limit: 50 } }));
    expect((await app.api.get('/api/cycles/not-a-uuid', coordinator)).status).toBe(404);
  });

  it('opens: signs the auto-signers to every appeal and invites every other confirmed member once, with a working sign link', async () => {
    const opened = await app.api.post(`/api/cycles/${cycleId}/open`, undefined, coordinator);
    expect(opened.status).toBe(200);
    expect(opened.body).toEqual(expect.objectContaining({ status: 'open', openedAt: expect.any(String), invitations: expect.objectContaining({ total: 3 }) }));
    await expect(app.api.get(`/api/appeals/${drafted.appealId}`, coordinator)).resolves.toEqual(expect.objectContaining({ body: expect.objectContaining({ status: 'open' }) }));

    await settle('invitation', 3);
    // The auto-signer's letters, and nobody else's, reached every official of both appeals.
    const officials = [...launched.officials, ...drafted.officials].map((official) => official.email).sort();
    await waitFor(
      async () => (letters(sink).length >= officials.length ? true : undefined),
      () => `${letters(sink).length} of ${officials.length} letters`,
    );
    await queue.idle();
    expect(letters(sink).map((letter) => letter.to[0]).sort()).toEqual(officials);
    const { rows: signers } = await app.db.query(`SELECT DISTINCT supporter_id FROM letters`);
    expect(signers).toEqual([{ supporter_id: members.autoSigner.id }]);

    // One invitation each to the members who do not auto-sign; none to the auto-signer, the
    // unconfirmed, the coordinator or the admin.
    const invitations = memberMails(sink, 'invitation');
    expect(invitations.map((message) => message.to[0]).sort()).toEqual([members.english.email, members.russian.email, members.quiet.email].sort());
    await expect(countRows(app.db, 'cycle_invitations', 'cycle_id = $1 AND invited_at IS NOT NULL', [cycleId])).resolves.toBe(3);

    for (const [member, subject] of [
      [members.english, 'This month\'s appeal: June letters'],
      [members.russian, 'Обращение этого месяца: June letters'],
    ] as const) {
      const [invitation] = mailsTo(member, 'invitation');
      expect(invitation.subject).toBe(subject);
      expect(invitation.fromHeader).toContain('Pen Friends');
      // The first case of the cycle is the invitation's headline.
      expect(invitation.text).toContain('Rukhshona Khakimova');
      const signToken = tokenIn(invitation.text, PUBLIC_URL, '/sign/');
      expect(tokens().verify('sign', signToken)).toEqual({ supporterId: member.id, cycleId });
      // RFC 8058: a one-click https unsubscribe, and a link the member can see.
      expect(headerOf(invitation, 'List-Unsubscribe')).toMatch(new RegExp(`^<${PUBLIC_URL}/api/unsubscribe/[A-Za-z0-9_.-]+>$`));
      expect(headerOf(invitation, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect(tokens().verify('unsubscribe', tokenIn(invitation.text, PUBLIC_URL, '/unsubscribe/'))).toEqual({ supporterId: member.id });
      // The letters' own sign link is not a way to unsubscribe, nor an API token.
      expect(tokens().verify('unsubscribe', signToken)).toBeNull();
    }
    expect(mailsTo(members.autoSigner)).toEqual([]);
    expect(sink.messages.filter((message) => message.to[0] === coordinatorEmail || message.to[0].startsWith('pending'))).toEqual([]);
  });

  it('refuses to open a cycle twice (409) and invites nobody again', async () => {
    const before = sink.messages.length;
    const again = await app.api.post(`/api/cycles/${cycleId}/open`, undefined, coordinator);
    expect(again.status).toBe(409);
    expect(messagesOf(again.body)).toEqual([expect.stringMatching(/opens once/)]);
    await queue.idle();
    expect(sink.messages.length).toBe(before);
    await expect(countRows(app.db, 'signatures', 'supporter_id = $1', [members.autoSigner.id])).resolves.toBe(2);
  });

  it('reminds the members who have not signed every appeal, once, after the days the coordinator set', async () => {
    // English signs both appeals, Russian one of them, Quiet nothing.
    for (const appealId of [drafted.appealId, launched.appealId]) {
      expect((await app.api.post(`/api/appeals/${appealId}/signatures`, {}, members.english.token)).status).toBe(201);
    }
    expect((await app.api.post(`/api/appeals/${launched.appealId}/signatures`, {}, members.russian.token)).status).toBe(201);

    const early = await app.api.post(`/api/cycles/${cycleId}/remind`, undefined, coordinator);
    expect(early.status).toBe(409);
    expect(messagesOf(early.body)).toEqual([expect.stringMatching(/3 days after it opened/)]);

    // Three days pass; the workers' periodic check (every second here) sends the reminders.
    await app.db.query(`UPDATE cycles SET opened_at = opened_at - interval '3 days 1 minute' WHERE id = $1`, [cycleId]);
    await settle('reminder', 2);
    const reminders = memberMails(sink, 'reminder');
    expect(reminders.map((message) => message.to[0]).sort()).toEqual([members.russian.email, members.quiet.email].sort());
    expect(mailsTo(members.russian, 'reminder')[0].subject).toBe('Напоминание: Обращение этого месяца: June letters');
    expect(mailsTo(members.quiet, 'reminder')[0].subject).toBe("Reminder: This month's appeal: June letters");
    for (const reminder of reminders) {
      expect(headerOf(reminder, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect(reminder.text).toContain(`${PUBLIC_URL}/unsubscribe/`);
    }

    // Never twice: the coordinator's button is refused, and the timer finds nobody more.
    const again = await app.api.post(`/api/cycles/${cycleId}/remind`, undefined, coordinator);
    expect(again.status).toBe(409);
    expect(messagesOf(again.body)).toEqual([expect.stringMatching(/each member is reminded once/)]);
    await waitFor(
      async () => ((await app.db.query(`SELECT now() - reminded_at > interval '2 seconds' AS passed FROM cycles WHERE id = $1`, [cycleId])).rows[0].passed ? true : undefined),
      () => 'two timer rounds after the reminders',
    );
    await queue.idle();
    expect(memberMails(sink, 'reminder')).toHaveLength(2);
    await expect(app.api.get(`/api/cycles/${cycleId}`, coordinator)).resolves.toEqual(
      expect.objectContaining({ body: expect.objectContaining({ invitations: { total: 3, invited: 3, reminded: 2 } }) }),
    );
  });

  it('unsubscribes with one POST (idempotent), never with a GET, and then sends nothing more: no invitation, no auto-signed letter', async () => {
    const [invitation] = mailsTo(members.quiet, 'invitation');
    const oneClick = headerOf(invitation, 'List-Unsubscribe')!.slice(1, -1).replace(PUBLIC_URL, '');

    // A mail scanner following the link changes nothing.
    const scanned = await app.api.get(oneClick);
    expect(scanned.status).toBe(404);
    await expect(countRows(app.db, 'supporters', 'id = $1 AND unsubscribed_at IS NULL AND active', [members.quiet.id])).resolves.toBe(1);

    // What a mail program sends for RFC 8058's one click.
    const post = () => app.api.request('POST', oneClick, { raw: 'List-Unsubscribe=One-Click', contentType: 'application/x-www-form-urlencoded' });
    const first = await post();
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ unsubscribed: true });
    const { rows: [after] } = await app.db.query(`SELECT unsubscribed_at, active FROM supporters WHERE id = $1`, [members.quiet.id]);
    expect(after).toEqual({ unsubscribed_at: expect.any(Date), active: false });
    const second = await post();
    expect(second.status).toBe(200);
    const { rows: [unchanged] } = await app.db.query(`SELECT unsubscribed_at FROM supporters WHERE id = $1`, [members.quiet.id]);
    expect(unchanged.unsubscribed_at).toEqual(after.unsubscribed_at);

    // The auto-signer leaves too; a letter still queued in their name is cancelled.
    const queued = await anAppeal(app.api, coordinator, [{}], false);
    const { rows: [signature] } = await app.db.query(`INSERT INTO signatures (appeal_id, supporter_id, signature_style, auto_signed) VALUES ($1, $2, 'full', true) RETURNING id`, [
      queued.appealId,
      members.autoSigner.id,
    ]);
    await app.db.query(`INSERT INTO letters (appeal_id, supporter_id, official_id, signature_id, batch_id) VALUES ($1, $2, $3, $4, 0)`, [
      queued.appealId,
      members.autoSigner.id,
      queued.officials[0].id,
      signature.id,
    ]);
    const left = await app.api.post(`/api/unsubscribe/${tokens().issue('unsubscribe', { supporterId: members.autoSigner.id })}`);
    expect(left.status).toBe(200);
    await expect(countRows(app.db, 'letters', `supporter_id = $1 AND appeal_id = $2 AND status = 'cancelled'`, [members.autoSigner.id, queued.appealId])).resolves.toBe(1);

    // Next month: everyone else is invited and signed, the two who left get nothing.
    const next = await anAppeal(app.api, coordinator, [{}], false);
    const july = await app.api.post('/api/cycles', { month: '2025-07', title: 'July letters', appealIds: [next.appealId] }, coordinator);
    expect(july.status).toBe(201);
    const before = { invitations: memberMails(sink, 'invitation').length, letters: letters(sink).length };
    expect((await app.api.post(`/api/cycles/${july.body.id}/open`, undefined, coordinator)).status).toBe(200);
    await settle('invitation', before.invitations + 2);
    const julyInvitations = memberMails(sink, 'invitation').slice(before.invitations);
    expect(julyInvitations.map((message) => message.to[0]).sort()).toEqual([members.english.email, members.russian.email].sort());
    expect(letters(sink).length).toBe(before.letters);
    await expect(countRows(app.db, 'letters', 'appeal_id = $1', [next.appealId])).resolves.toBe(0);
    await expect(countRows(app.db, 'signatures', 'appeal_id = $1', [next.appealId])).resolves.toBe(0);
    expect(sink.messages.filter((message) => message.to[0] === members.quiet.email && kindOf(message) !== null && message.messageId.includes(july.body.id))).toEqual([]);
  });

  it('refuses a tampered, expired or foreign unsubscribe link with 404 and a clear message', async () => {
    const genuine = tokens().issue('unsubscribe', { supporterId: members.english.id });
    const now = Math.floor(Date.now() / 1000);
    const refused = {
      tampered: withPayload(genuine, { sub: members.russian.id, aud: 'qalam:unsubscribe', iat: now, exp: now + 3600 }),
      expired: signToken({ sub: members.english.id, aud: 'qalam:unsubscribe', iat: now - 7200, exp: now - 3600 }, app.config.appSecret),
      'another secret': signToken({ sub: members.english.id, aud: 'qalam:unsubscribe', iat: now, exp: now + 3600 }, 'not-the-secret-of-this-app-0123456789'),
      'a sign link': tokens().issue('sign', { supporterId: members.english.id, cycleId }),
      'an access token': app.adminToken,
      garbage: 'not-a-token',
    };
    for (const [what, token] of Object.entries(refused)) {
      const response = await app.api.post(`/api/unsubscribe/${token}`);
      expect({ what, status: response.status }).toEqual({ what, status: 404 });
      expect(messagesOf(response.body)).toEqual([expect.stringMatching(/unsubscribe link is not valid/)]);
      // Nothing about whom the link was for.
      expect(JSON.stringify(response.body)).not.toMatch(/@|Elena|Ruslan/);
    }
    await expect(countRows(app.db, 'supporters', 'unsubscribed_at IS NOT NULL')).resolves.toBe(2);
  });

  it('gives the signing pages a member\'s view of the cycle, and refuses sign links that no longer apply', async () => {
    // The service the pages call, on the test's database (it reads Postgres only).
    const db: DataSource = await createDataSource(app.config.databaseUrl).initialize();
    try {
      const rows = new CyclesRepository(db);
      // A content service that hears no notices keeps nothing: every call reads Postgres.
      const cycles = new CyclesService(rows, null as never, db, null as never, null as never, null as never, tokens(), null as never, new CycleContentService(rows, new ChangeNoticesService(app.config)));
      // One statement: warm, it answers well inside the page's 100 ms (the median of five, so one slow tick on a busy machine does not count).
      await cycles.forMember(cycleId, members.russian.id);
      const timings: number[] = [];
      for (let run = 0; run < 5; run += 1) {
        const started = process.hrtime.bigint();
        await cycles.forMember(cycleId, members.russian.id);
        timings.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      expect(timings.sort((a, b) => a - b)[2]).toBeLessThan(50);
      const view = await cycles.forMember(cycleId, members.russian.id);
      expect(view).toEqual(
        expect.objectContaining({ id: cycleId, month: '2025-06', title: 'June letters', status: 'open', member: expect.objectContaining({ id: members.russian.id, language: 'ru', signatureStyle: 'full' }) }),
      );
      expect(view.appeals.map((appeal) => [appeal.id, appeal.position, appeal.signed])).toEqual([
        [drafted.appealId, 0, false],
        [launched.appealId, 1, true],
      ]);
      const [first, second] = view.appeals;
      expect(first.case).toEqual({
        id: drafted.caseId,
        name: 'Rukhshona Khakimova',
        country: 'TJ',
        profession: 'journalist',
        status: 'sentenced',
        summary: expect.stringContaining('eight years'),
        charges: 'Treason (Article 305 of the Criminal Code)',
        detainedOn: '2024-11-01',
        gender: null,
        translations: {},
        risk: 'normal',
        events: [{ occurredOn: '2025-02-01', kind: 'sentenced', description: 'Sentenced to eight years', sourceUrl: 'https://example.org/news' }],
      });
      expect(first.officials).toEqual([
        { id: drafted.officials[0].id, name: expect.any(String), title: 'Prosecutor General', language: 'ru', salutation: 'Dear Prosecutor General', organisation: 'Office of the Prosecutor General' },
      ]);
      expect(first.templates).toEqual([{ id: expect.any(String), language: 'en', kind: 'appeal', subject: expect.any(String), body: expect.any(String), version: 1 }]);
      expect(first.signature).toBeNull();
      expect(second.officials).toHaveLength(2);
      expect(second.signature).toEqual(expect.objectContaining({ autoSigned: false, note: null, signatureStyle: 'full' }));
      await expect(cycles.forMember('5b0c3f1e-8a7d-4c2b-9e6f-0a1b2c3d4e5f', members.russian.id)).rejects.toThrow(/Cycle not found/);

      const link = tokens().issue('sign', { supporterId: members.russian.id, cycleId });
      await expect(cycles.forSignLink(link)).resolves.toMatchObject({ id: cycleId, member: { id: members.russian.id } });
      for (const refused of [
        withPayload(link, { sub: members.english.id, cyc: cycleId, aud: 'qalam:sign', exp: Math.floor(Date.now() / 1000) + 3600 }),
        signToken({ sub: members.russian.id, cyc: cycleId, aud: 'qalam:sign', exp: Math.floor(Date.now() / 1000) - 60 }, app.config.appSecret),
        tokens().issue('sign', { supporterId: members.russian.id }),
        // Quiet unsubscribed: their old link no longer signs anything.
        tokens().issue('sign', { supporterId: members.quiet.id, cycleId }),
      ]) {
        await expect(cycles.forSignLink(refused)).rejects.toThrow(LinkInvalidError);
      }
    } finally {
      await db.destroy();
    }
  });

  it('retries an invitation the server deferred (4xx) and still delivers it exactly once', async () => {
    const deferred = new Map<string, number>();
    sink.reply = (message) => {
      if (kindOf(message) !== 'invitation' || message.to[0] !== members.english.email) return { accept: true };
      const seen = (deferred.get(message.messageId) ?? 0) + 1;
      deferred.set(message.messageId, seen);
      return seen === 1 ? { code: 451, message: '451 4.3.0 try again later' } : { accept: true };
    };
    try {
      const appeal = await anAppeal(app.api, coordinator, [{}], false);
      const cycle = await app.api.post('/api/cycles', { month: '2025-10', title: 'October letters', appealIds: [appeal.appealId] }, coordinator);
      const before = memberMails(sink, 'invitation').length;
      expect((await app.api.post(`/api/cycles/${cycle.body.id}/open`, undefined, coordinator)).status).toBe(200);
      await settle('invitation', before + 2);
      const october = memberMails(sink, 'invitation').filter((message) => message.messageId.includes(cycle.body.id));
      expect(october.map((message) => message.to[0]).sort()).toEqual([members.english.email, members.russian.email].sort());
      expect([...deferred.values()]).toEqual([2]);
      await expect(countRows(app.db, 'cycle_invitations', 'cycle_id = $1 AND invited_at IS NOT NULL', [cycle.body.id])).resolves.toBe(2);
    } finally {
      sink.reply = () => ({ accept: true });
    }
  });
});
