import Redis from 'ioredis';
import { anAppeal } from './helpers/delivery';
import { Browserish } from './helpers/console';
import { aSupporter } from './helpers/factories';
import { startTestApp, TestApp } from './helpers/test-app';

/** How loopback clients appear to Express: the strings no table or Redis key may hold. */
const CLIENT_IPS = ['127.0.0.1', '::1', '::ffff:127.0.0.1'];

describe('no IP address is stored beyond the rate-limit windows', () => {
  let app: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    app = await startTestApp('no_ip_stored');
    redis = new Redis(app.config.redisUrl);
  });

  afterAll(async () => {
    redis?.disconnect();
    await app?.close();
  });

  it('after logins, a staff session, a signup and a signature: no text column holds the IP, and rate-limit keys are hashed and expire', async () => {
    const staff = aSupporter({ role: 'coordinator' });
    expect((await app.api.post('/api/supporters', staff, app.adminToken)).status).toBe(201);
    const coordinator = await app.api.login(staff.email, staff.password);
    expect((await app.api.post('/api/auth/login', { email: staff.email, password: 'a-wrong-password' })).status).toBe(401);
    // A console session (staff_sessions) through the login form.
    const browser = new Browserish(app.api.baseUrl);
    expect((await browser.signIn(staff.email, staff.password)).status).toBe(303);
    expect((await browser.get('/console')).status).toBe(200);
    // A signup (consent recorded) and a signature.
    expect((await app.api.post('/api/signup', { email: 'joiner@members.example', name: 'Joiner One', country: 'CA', consent: true, consentVersion: 'v1' })).status).toBe(202);
    const member = aSupporter();
    expect((await app.api.post('/api/supporters', member, coordinator)).status).toBe(201);
    const memberToken = await app.api.login(member.email, member.password);
    const appeal = await anAppeal(app.api, coordinator, [{}]);
    expect((await app.api.post(`/api/appeals/${appeal.appealId}/signatures`, { note: 'A note' }, memberToken)).status).toBe(201);

    // Every text-like column of every table in the app's schema, searched for the client's IP.
    const { rows: columns } = await app.db.query<{ table_name: string; column_name: string }>(
      `SELECT c.table_name, c.column_name FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
          AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'inet', 'cidr', 'ARRAY'))`,
    );
    expect(columns.length).toBeGreaterThan(20);
    const found: string[] = [];
    for (const { table_name: table, column_name: column } of columns) {
      const { rows } = await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}" WHERE "${column}"::text LIKE ANY($1::text[])`, [CLIENT_IPS.map((ip) => `%${ip}%`)]);
      if (rows[0].n > 0) found.push(`${table}.${column}`);
    }
    expect(found).toEqual([]);
    // Rows were written: the search looked at real data.
    await expect(app.db.query(`SELECT count(*)::int AS n FROM staff_sessions`).then((result) => result.rows[0].n)).resolves.toBeGreaterThan(0);

    // Redis: the rate-limit counters are keyed by a hash, and each expires within its one-minute window.
    const keys = await redis.keys(`${app.config.queuePrefix}:rate:*`);
    expect(keys.length).toBeGreaterThanOrEqual(3);
    expect(keys.filter((key) => CLIENT_IPS.some((ip) => key.includes(ip)))).toEqual([]);
    for (const key of keys) {
      const ttl = await redis.pttl(key);
      expect({ key, expires: ttl > 0 && ttl <= 60_000 }).toEqual({ key, expires: true });
    }
    // And nothing else in the app's Redis keys or string values names the IP.
    const all = await redis.keys(`${app.config.queuePrefix}:*`);
    expect(all.filter((key) => CLIENT_IPS.some((ip) => key.includes(ip)))).toEqual([]);
  });
});
