import { writeFileSync } from 'node:fs';
import { Pool } from 'pg';
import { aCase, anAppealTemplate, anOfficial } from './helpers/factories';
import { addAutoSigners, anAppeal, countBy, LetterRecord, lettersOf } from './helpers/delivery';
import { freePort, OwnPostgres, OwnRedis } from './helpers/own-servers';
import { QalamProcess } from './helpers/processes';
import { SmtpSink } from './helpers/smtp-sink';
import { ADMIN, Api } from './helpers/test-app';
import { waitFor } from './helpers/wait';

/**
 * The engine survives its servers restarting, with the app left running: a Postgres
 * cluster and a Redis of this spec's own (on ports of their own, so that nothing else on the
 * machine is disturbed) are stopped and started again mid-appeal, mid-launch and
 * mid-invitations, and the SMTP server goes away for longer than five attempts take.
 *
 * Timings are scaled down and stated: the lease (20 s) outlives the Postgres outage, as the
 * default 60 s outlives an ordinary restart; the retry window is 30 s with backoff from
 * 200 ms capped at 1 s, so the five attempts are spent in about 3 s and the 15 s SMTP outage
 * stands for a relay down half an hour against the default 60-minute window.
 */
describe('delivery across restarts of Postgres, Redis and the SMTP server', () => {
  const postgres = new OwnPostgres();
  const redis = new OwnRedis();
  const sink = new SmtpSink({ light: true });
  let app: QalamProcess;
  let api: Api;
  let db: Pool;
  let token: string;
  const figures: string[] = [];

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  beforeAll(async () => {
    await postgres.init();
    await redis.start();
    await sink.start();
    const port = await freePort();
    const databaseUrl = `postgres://postgres@127.0.0.1:${postgres.port}/qalam_restarts`;
    app = new QalamProcess({
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: 'restarts',
      SMTP_URL: sink.url,
      PORT: String(port),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      APP_SECRET: 'test-secret-that-is-long-enough-0123456789',
      NODE_ENV: 'test',
      LOG_LEVEL: 'log',
      DELIVERY_LEASE_SECONDS: '20',
      SMTP_TIMEOUT_SECONDS: '5',
      RECONCILE_SECONDS: '1',
      RETRY_DELAY_MS: '200',
      RETRY_MAX_DELAY_MS: '1000',
      RETRY_WINDOW_MINUTES: '0.5',
      SMTP_POOL_SIZE: '5',
      DELIVERY_CONCURRENCY: '4',
      RATE_LIMIT_LOGIN_IP_PER_MINUTE: '10000',
      RATE_LIMIT_LOGIN_PER_MINUTE: '10000',
    });
    await app.started(/Listening on port/, 60_000);
    api = new Api(`http://127.0.0.1:${port}`);
    db = new Pool({ connectionString: databaseUrl, max: 2 });
    // The test's own connections break when Postgres stops: that is the scenario.
    db.on('error', () => undefined);
    token = await api.login(ADMIN.email, ADMIN.password);
  }, 120_000);

  afterAll(async () => {
    console.log(`restart figures:\n  ${figures.join('\n  ')}`);
    if (process.env.KEEP_APP_LOG) writeFileSync(process.env.KEEP_APP_LOG, app?.output ?? '');
    await app?.stop();
    await db?.end().catch(() => undefined);
    await sink.stop().catch(() => undefined);
    await redis.stop();
    postgres.destroy();
  });

  /** Polls `request` until it answers `status`; returns the milliseconds that took. */
  async function until(status: number, request: () => Promise<{ status: number }>, what: string, timeoutMs = 30_000): Promise<number> {
    const started = Date.now();
    let last = 0;
    await waitFor(
      async () => {
        last = (await request().catch(() => ({ status: 0 }))).status;
        return last === status ? true : undefined;
      },
      () => `${what}: still ${last}`,
      timeoutMs,
    );
    return Date.now() - started;
  }

  /** Milliseconds until the sink has received more than `count` messages. */
  async function deliveryResumes(count: number, what: string): Promise<number> {
    const started = Date.now();
    await waitFor(async () => (sink.messages.length > count ? true : undefined), () => `${what}: no delivery since ${count} messages`, 60_000);
    return Date.now() - started;
  }

  async function query<T>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await db.query(text, params)).rows as T[];
  }

  /** Letters of an appeal once every one is final (sent, failed, unknown), polled through Postgres' restarts. */
  async function final(appealId: string, timeoutMs: number): Promise<LetterRecord[]> {
    await waitFor(
      async () => {
        const rows = await query<{ pending: number; total: number }>(
          `SELECT count(*) FILTER (WHERE status IN ('queued', 'sending'))::int AS pending, count(*)::int AS total FROM letters WHERE appeal_id = $1`,
          [appealId],
        ).catch(() => []);
        return rows[0] && rows[0].total > 0 && rows[0].pending === 0 ? true : undefined;
      },
      async () => `letters by status: ${JSON.stringify(countBy(await lettersOf(db, appealId).catch(() => [])))}`,
      timeoutMs,
    );
    return lettersOf(db, appealId);
  }

  /** What no fault may leave: every sent letter received once, nothing received that is not sent, no Message-ID twice. */
  function expectExactlyOnce(letters: LetterRecord[]): void {
    const received = new Map<string, number>();
    for (const message of sink.messages) if (message.letterId) received.set(message.letterId, (received.get(message.letterId) ?? 0) + 1);
    const messageIds = new Map<string, number>();
    for (const message of sink.messages) messageIds.set(message.messageId, (messageIds.get(message.messageId) ?? 0) + 1);
    const problems: string[] = [];
    for (const [id, times] of messageIds) if (times > 1) problems.push(`Message-ID ${id} received ${times} times`);
    const ids = new Set(letters.map((letter) => letter.id));
    for (const letter of letters) {
      const times = received.get(letter.id) ?? 0;
      if (letter.status === 'sent' && times !== 1) problems.push(`${letter.id} is sent but was received ${times} times`);
      if (letter.status !== 'sent' && times > 0) problems.push(`${letter.id} was received but is ${letter.status} (${letter.last_error})`);
    }
    for (const id of received.keys()) if (!ids.has(id)) problems.push(`received ${id}, which is no letter of this appeal`);
    expect(problems.slice(0, 20)).toEqual([]);
  }

  it('restarts Postgres, then Redis, then the SMTP server during one appeal: every letter final, none twice, none unknown that was delivered', async () => {
    sink.reply = () => new Promise((resolve) => setTimeout(() => resolve({ accept: true }), 15));
    await addAutoSigners(db, 3000, 'restart');
    const { appealId } = await anAppeal(api, token, [{ email: 'prosecutor@tj-gov.example' }]);

    // Postgres: stopped with -m fast mid-appeal, back after 8 s.
    await waitFor(async () => (sink.messages.length >= 300 ? true : undefined), () => `only ${sink.messages.length} delivered`, 60_000);
    postgres.stop();
    const pgDown = Date.now();
    const refused = await api.get('/api/cases', token).catch(() => null);
    expect(refused?.status).toBe(503);
    expect(refused?.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(refused?.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    const health = await api.get('/health');
    expect(health.status).toBe(503);
    expect(health.body.error?.postgres?.status ?? health.body.details?.postgres?.status).toBe('down');
    expect(health.body.details?.redis?.status).toBe('up');
    await sleep(8000 - (Date.now() - pgDown));
    const beforePg = sink.messages.length;
    await postgres.start();
    const pgApiBack = await until(200, () => api.get('/api/cases', token), 'API after Postgres returned');
    const pgResume = await deliveryResumes(beforePg, 'after Postgres returned');
    figures.push(`Postgres down 8 s: API answered 200 ${pgApiBack} ms after it returned, delivery went on after ${pgResume} ms`);

    // Redis: SHUTDOWN NOSAVE mid-appeal, back empty after 4 s.
    const beforeRedisFault = sink.messages.length;
    await waitFor(async () => (sink.messages.length >= beforeRedisFault + 300 ? true : undefined), () => `only ${sink.messages.length} delivered`, 60_000);
    await redis.shutdown();
    const redisDown = Date.now();
    // A login counts against the rate limits in Redis: refused with 503, not 500.
    const login = await api.post('/api/auth/login', { email: ADMIN.email, password: ADMIN.password });
    expect(login.status).toBe(503);
    expect(login.headers.get('retry-after')).toMatch(/^\d+$/);
    const redisHealth = await api.get('/health');
    expect(redisHealth.status).toBe(503);
    expect(redisHealth.body.details?.redis?.status).toBe('down');
    expect(redisHealth.body.details?.postgres?.status).toBe('up');
    await sleep(4000 - (Date.now() - redisDown));
    const beforeRedis = sink.messages.length;
    await redis.start();
    const redisApiBack = await until(200, () => api.post('/api/auth/login', { email: ADMIN.email, password: ADMIN.password }), 'login after Redis returned');
    const redisResume = await deliveryResumes(beforeRedis, 'after Redis returned empty');
    figures.push(`Redis down 4 s, back empty: login answered 200 ${redisApiBack} ms after it returned, delivery went on after ${redisResume} ms`);

    // SMTP: the server goes away for 15 s (five attempts take about 3 s), then comes back on its port.
    const beforeSmtpFault = sink.messages.length;
    await waitFor(async () => (sink.messages.length >= beforeSmtpFault + 300 ? true : undefined), () => `only ${sink.messages.length} delivered`, 60_000);
    // Shut down as a mail server does (answers given, then 421, then closed): a letter it received was told 250.
    await sink.shutdown();
    await sleep(15_000);
    const beforeSmtp = sink.messages.length;
    await sink.start();
    const smtpResume = await deliveryResumes(beforeSmtp, 'after the SMTP server returned');
    figures.push(`SMTP down 15 s: delivery went on ${smtpResume} ms after it returned`);

    const letters = await final(appealId, 180_000);
    const counts = countBy(letters);
    figures.push(`appeal of 3000 letters through the three faults: ${JSON.stringify(counts)}`);
    expect(letters).toHaveLength(3000);
    expect(counts.failed ?? 0).toBe(0);
    expectExactlyOnce(letters);
    // Unknown only where the server may have the letter and did not say: never one it received.
    for (const letter of letters.filter((l) => l.status === 'unknown')) expect(sink.receptions.get(letter.id) ?? 0).toBe(0);
    expect(counts.unknown ?? 0).toBe(0);
    // The app never crashed and logged only JSON lines.
    expect(app.child.exitCode).toBeNull();
    const notJson = app.output.split('\n').filter((line) => line.trim() !== '' && !isJson(line));
    expect(notJson.slice(0, 5)).toEqual([]);
  }, 420_000);

  it('restarts Postgres during a launch of 100,000 letters: each letter exists once and is delivered once', async () => {
    sink.messages.length = 0;
    sink.receptions.clear();
    sink.reply = () => ({ accept: true });
    await db.query(`UPDATE supporters SET auto_sign = false`);
    await addAutoSigners(db, 100_000, 'launch');
    const { appealId } = await anAppeal(api, token, [{ email: 'minister@tj-gov.example' }], false);

    const launching = api.post(`/api/appeals/${appealId}/launch`, undefined, token).catch(() => ({ status: 0 }));
    // Stopped while the fan-out statement runs.
    await waitFor(
      async () => ((await query(`SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'WITH signed AS%'`)).length > 0 ? true : undefined),
      () => 'the fan-out never ran',
      60_000,
    );
    postgres.stop();
    const first = await launching;
    figures.push(`launch during the Postgres stop answered ${first.status}`);
    expect([200, 503]).toContain(first.status);
    await sleep(3000);
    await postgres.start();
    // What a coordinator does after a 503: launch again (409 once it is open).
    await until(200, () => api.get(`/api/appeals/${appealId}`, token), 'API after Postgres returned');
    const appeal = await api.get(`/api/appeals/${appealId}`, token);
    if (appeal.body.status === 'draft') await expect(api.post(`/api/appeals/${appealId}/launch`, undefined, token)).resolves.toMatchObject({ status: 200 });

    const letters = await final(appealId, 600_000);
    expect(letters).toHaveLength(100_000);
    expect(countBy(letters)).toEqual({ sent: 100_000 });
    const [{ signatures }] = await query<{ signatures: number }>(`SELECT count(*)::int AS signatures FROM signatures WHERE appeal_id = $1`, [appealId]);
    expect(signatures).toBe(100_000);
    expectExactlyOnce(letters);
    figures.push(`launch of 100,000 letters with Postgres stopped mid-fan-out: ${JSON.stringify(countBy(letters))}, received ${sink.messages.length}`);
  }, 900_000);

  it('restarts Postgres during a cycle’s invitations: each member invited once', async () => {
    sink.messages.length = 0;
    sink.receptions.clear();
    sink.reply = () => new Promise((resolve) => setTimeout(() => resolve({ accept: true }), 20));
    // Only the new members are reachable: the earlier ones unsubscribed.
    await db.query(`UPDATE supporters SET unsubscribed_at = now() WHERE role = 'member'`);
    await db.query(
      `INSERT INTO supporters (email, name, country, city, auto_sign) SELECT 'invited-' || n || '@members.example', 'Invited ' || n, 'CA', 'Toronto', false FROM generate_series(1, 2000) AS n`,
    );
    const created = await api.post('/api/cases', aCase(), token);
    const official = await api.post('/api/officials', anOfficial(), token);
    const template = await api.post('/api/templates', anAppealTemplate(), token);
    const appeal = await api.post('/api/appeals', { caseId: created.body.id, title: 'December', templateIds: [template.body.id], officialIds: [official.body.id] }, token);
    const cycle = await api.post('/api/cycles', { month: '2026-12', title: 'December letters', appealIds: [appeal.body.id] }, token);
    expect(cycle.status).toBe(201);
    await expect(api.post(`/api/cycles/${cycle.body.id}/open`, undefined, token)).resolves.toMatchObject({ status: 200 });

    const invitations = () => sink.messages.filter((message) => message.messageId.startsWith('<member-invitation-'));
    await waitFor(async () => (invitations().length >= 300 ? true : undefined), () => `only ${invitations().length} invitations`, 60_000);
    postgres.stop();
    await sleep(5000);
    const before = invitations().length;
    await postgres.start();
    const resumed = await deliveryResumes(sink.messages.length, 'invitations after Postgres returned');
    await waitFor(
      async () => {
        const [{ due }] = await query<{ due: number }>(`SELECT count(*)::int AS due FROM cycle_invitations WHERE cycle_id = $1 AND invited_at IS NULL`, [cycle.body.id]).catch(() => [{ due: -1 }]);
        return due === 0 && invitations().length >= 2000 ? true : undefined;
      },
      () => `${invitations().length} invitations received`,
      120_000,
    );
    const ids = invitations().map((message) => message.messageId);
    expect(ids).toHaveLength(2000);
    expect(new Set(ids).size).toBe(2000);
    expect(new Set(invitations().map((message) => message.to[0])).size).toBe(2000);
    figures.push(`cycle of 2000 invitations, Postgres stopped 5 s after ${before} were sent: resumed after ${resumed} ms, 2000 received, each once`);
  }, 300_000);
});

function isJson(line: string): boolean {
  try {
    return typeof JSON.parse(line) === 'object';
  } catch {
    return false;
  }
}
