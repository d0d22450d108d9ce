import Redis from 'ioredis';
import { aCase, anAppealTemplate, anOfficial, aSupporter } from './helpers/factories';
import { startTestApp, TestApp } from './helpers/test-app';

/** Everything qalam keeps in Redis under its prefix, as text: job data sits there in clear. */
async function redisText(redis: Redis, prefix: string): Promise<string> {
  const parts: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'string') parts.push(key, (await redis.get(key)) ?? '');
      else if (type === 'hash') parts.push(key, JSON.stringify(await redis.hgetall(key)));
      else if (type === 'list') parts.push(key, ...(await redis.lrange(key, 0, -1)));
      else if (type === 'set') parts.push(key, ...(await redis.smembers(key)));
      else if (type === 'zset') parts.push(key, ...(await redis.zrange(key, 0, -1)));
      else if (type === 'stream') parts.push(key, JSON.stringify(await redis.xrange(key, '-', '+')));
      else parts.push(key);
    }
    cursor = next;
  } while (cursor !== '0');
  return parts.join('\n');
}

describe('privacy: job payloads in Redis carry ids, never names, addresses or notes', () => {
  let app: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    // An API process never sends: the jobs it queues stay in Redis for this test to read.
    app = await startTestApp('privacy', { QALAM_ROLE: 'api' });
    redis = new Redis(app.config.redisUrl);
  });

  afterAll(async () => {
    redis?.disconnect();
    await app?.close();
  });

  it('holds no personal data of a signer, a person signing up or an official in any key', async () => {
    const { api, adminToken } = app;
    const coordinatorBody = aSupporter({ role: 'coordinator' });
    expect((await api.post('/api/supporters', coordinatorBody, adminToken)).status).toBe(201);
    const coordinator = await api.login(coordinatorBody.email, coordinatorBody.password);
    const memberBody = aSupporter({ name: 'Zarina Privatova', city: 'Quietville' });
    expect((await api.post('/api/supporters', memberBody, coordinator)).status).toBe(201);
    const officialBody = anOfficial({ email: 'prosecutor-private@tj-gov.example' });
    const record = await api.post('/api/cases', aCase(), coordinator);
    const official = await api.post('/api/officials', officialBody, coordinator);
    const template = await api.post('/api/templates', anAppealTemplate(), coordinator);
    const appeal = await api.post('/api/appeals', { caseId: record.body.id, title: 'Free her', templateIds: [template.body.id], officialIds: [official.body.id] }, coordinator);
    expect((await api.post(`/api/appeals/${appeal.body.id}/launch`, undefined, coordinator)).status).toBe(200);
    const memberToken = await api.login(memberBody.email, memberBody.password);
    const note = 'My cousin was held in the same prison';
    const signed = await api.post(`/api/appeals/${appeal.body.id}/signatures`, { note }, memberToken);
    expect(signed.status).toBe(201);
    const joiner = { email: 'quiet-joiner@members.example', name: 'Quiet Joiner', country: 'CA', consent: true, consentVersion: 'v1' };
    expect((await api.post('/api/signup', joiner)).status).toBe(202);

    const text = await redisText(redis, app.config.queuePrefix);
    // The jobs are there (else this proves nothing): the letter's id is in Redis...
    expect(text).toContain(signed.body.letters[0].id);
    // ...and nothing that names a person.
    const secrets = [memberBody.email, memberBody.name, 'Quietville', note, officialBody.email, joiner.email, joiner.name];
    expect(secrets.filter((secret) => text.toLowerCase().includes(secret.toLowerCase()))).toEqual([]);
  });
});
