import Redis from 'ioredis';
import { aCase, anAppealTemplate, anOfficial, aSupporter } from './helpers/factories';
import { countRows } from './helpers/responses';
import { ApiResponse, startTestApp, TestApp } from './helpers/test-app';

const LIMITS = { login: 3, loginIp: 6, signup: 2, signing: 2 };

describe('rate limits: login, signup and signing, counted in Redis', () => {
  let app: TestApp;
  let redis: Redis;
  let coordinator: string;
  const member = { email: '', password: '' };

  /** Counters start afresh for each test: they live in Redis under the app's prefix. */
  async function resetCounters(): Promise<void> {
    const keys = await redis.keys(`${app.config.queuePrefix}:rate:*`);
    if (keys.length > 0) await redis.del(...keys);
  }

  function expectTooMany(response: ApiResponse): void {
    const retryAfter = Number(response.headers.get('retry-after'));
    expect({ status: response.status, retryAfterInWindow: retryAfter >= 1 && retryAfter <= 60 }).toEqual({ status: 429, retryAfterInWindow: true });
  }

  beforeAll(async () => {
    app = await startTestApp('rate_limits', {
      RATE_LIMIT_LOGIN_PER_MINUTE: String(LIMITS.login),
      RATE_LIMIT_LOGIN_IP_PER_MINUTE: String(LIMITS.loginIp),
      RATE_LIMIT_SIGNUP_PER_MINUTE: String(LIMITS.signup),
      RATE_LIMIT_SIGNING_PER_MINUTE: String(LIMITS.signing),
    });
    redis = new Redis(app.config.redisUrl);
    await resetCounters();
    const coordinatorBody = aSupporter({ role: 'coordinator' });
    expect((await app.api.post('/api/supporters', coordinatorBody, app.adminToken)).status).toBe(201);
    coordinator = await app.api.login(coordinatorBody.email, coordinatorBody.password);
    const memberBody = aSupporter();
    expect((await app.api.post('/api/supporters', memberBody, coordinator)).status).toBe(201);
    Object.assign(member, { email: memberBody.email, password: memberBody.password });
  });

  beforeEach(() => resetCounters());

  afterAll(async () => {
    redis?.disconnect();
    await app?.close();
  });

  it('refuses a login after RATE_LIMIT_LOGIN_PER_MINUTE tries on one email, even with the right password, with Retry-After', async () => {
    for (let i = 0; i < LIMITS.login; i++) expect((await app.api.post('/api/auth/login', { email: member.email, password: 'wrong-password' })).status).toBe(401);
    const locked = await app.api.post('/api/auth/login', { email: member.email, password: member.password });
    expectTooMany(locked);
    expect(locked.body).toEqual(expect.objectContaining({ statusCode: 429, error: 'Too Many Requests' }));
    expect(locked.body).not.toHaveProperty('accessToken');
    // Another address from the same IP is still heard: the email's counter is its own.
    expect((await app.api.post('/api/auth/login', { email: 'someone-else@members.example', password: 'wrong-password' })).status).toBe(401);
    // The same email in another case or with spaces is the same counter.
    expectTooMany(await app.api.post('/api/auth/login', { email: `  ${member.email.toUpperCase()} `, password: member.password }));
  });

  it('refuses logins from one IP after RATE_LIMIT_LOGIN_IP_PER_MINUTE tries over many emails', async () => {
    for (let i = 0; i < LIMITS.loginIp; i++) expect((await app.api.post('/api/auth/login', { email: `spray-${i}@members.example`, password: 'guess' })).status).toBe(401);
    expectTooMany(await app.api.post('/api/auth/login', { email: member.email, password: member.password }));
  });

  it('keeps no email in Redis, and every counter expires within the minute', async () => {
    await app.api.post('/api/auth/login', { email: member.email, password: 'wrong-password' });
    const keys = await redis.keys(`${app.config.queuePrefix}:rate:*`);
    expect(keys.length).toBe(2);
    expect(keys.filter((key) => key.includes('@') || key.includes(member.email.split('@')[0]))).toEqual([]);
    for (const key of keys) {
      const ttl = await redis.pttl(key);
      expect(ttl > 0 && ttl <= 60_000).toBe(true);
    }
  });

  it('refuses signups after RATE_LIMIT_SIGNUP_PER_MINUTE, on the API and the /join form alike, and writes nothing then', async () => {
    const signup = (n: number) => ({ email: `joiner-${n}@members.example`, name: `Joiner ${n}`, country: 'CA', consent: true, consentVersion: 'v1' });
    for (let i = 0; i < LIMITS.signup; i++) expect((await app.api.post('/api/signup', signup(i))).status).toBe(202);
    const before = await countRows(app.db, 'supporters');
    expectTooMany(await app.api.post('/api/signup', signup(99)));
    const form = await app.api.request('POST', '/join', { raw: 'email=joiner-100%40members.example&name=Joiner&country=CA&consent=yes', contentType: 'application/x-www-form-urlencoded' });
    expectTooMany(form);
    await expect(countRows(app.db, 'supporters')).resolves.toBe(before);
    await expect(countRows(app.db, 'supporters', `email IN ('joiner-99@members.example', 'joiner-100@members.example')`)).resolves.toBe(0);
  });

  it('refuses signing after RATE_LIMIT_SIGNING_PER_MINUTE, on the API and the /sign page alike, and writes nothing then', async () => {
    const record = await app.api.post('/api/cases', aCase(), coordinator);
    const official = await app.api.post('/api/officials', anOfficial(), coordinator);
    const template = await app.api.post('/api/templates', anAppealTemplate(), coordinator);
    const appeals: string[] = [];
    for (let i = 0; i <= LIMITS.signing; i++) {
      const appeal = await app.api.post('/api/appeals', { caseId: record.body.id, title: `Appeal ${i}`, templateIds: [template.body.id], officialIds: [official.body.id] }, coordinator);
      expect((await app.api.post(`/api/appeals/${appeal.body.id}/launch`, undefined, coordinator)).status).toBe(200);
      appeals.push(appeal.body.id);
    }
    await resetCounters();
    const token = await app.api.login(member.email, member.password);
    for (let i = 0; i < LIMITS.signing; i++) expect((await app.api.post(`/api/appeals/${appeals[i]}/signatures`, {}, token)).status).toBe(201);
    // Delivery goes on in the background (letters sent, counters kept): what a signature writes is its row and its letters.
    const written = async () => ({ signatures: await countRows(app.db, 'signatures'), letters: await countRows(app.db, 'letters') });
    const before = await written();
    expect(before).toEqual({ signatures: LIMITS.signing, letters: LIMITS.signing });
    expectTooMany(await app.api.post(`/api/appeals/${appeals[LIMITS.signing]}/signatures`, {}, token));
    expectTooMany(await app.api.request('POST', '/sign/not-a-real-token', { raw: 'action=sign', contentType: 'application/x-www-form-urlencoded' }));
    await expect(written()).resolves.toEqual(before);
  });

  it('answers an unknown email and a wrong password alike, after the same scrypt work', async () => {
    const attempt = async (email: string) => {
      await resetCounters();
      const started = process.hrtime.bigint();
      const response = await app.api.post('/api/auth/login', { email, password: 'wrong-password' });
      return { status: response.status, body: response.body as unknown, ms: Number(process.hrtime.bigint() - started) / 1e6 };
    };
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const unknown = [];
    const wrong = [];
    for (let i = 0; i < 7; i++) {
      unknown.push(await attempt(`nobody-${i}@members.example`));
      wrong.push(await attempt(member.email));
    }
    const alike = { status: 401, body: { statusCode: 401, message: 'Email or password is wrong', error: 'Unauthorized' } };
    expect([...unknown, ...wrong].map(({ status, body }) => ({ status, body }))).toEqual(Array(unknown.length + wrong.length).fill(alike));
    // scrypt (N=2^15) takes tens of milliseconds: both paths pay it, so their times are of a size.
    const ratio = median(unknown.map((answer) => answer.ms)) / median(wrong.map((answer) => answer.ms));
    expect({ ratio, alike: ratio > 0.5 && ratio < 2, scryptRan: median(unknown.map((answer) => answer.ms)) > 10 }).toEqual({ ratio, alike: true, scryptRan: true });
  });
});
