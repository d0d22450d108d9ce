import { waitFor } from './helpers/wait';
import type { INestApplication } from '@nestjs/common';
import { CALLER_RECORD_TTL_MS, CallerRecordsService } from '../src/supporters/caller-records.service';
import { aSupporter } from './helpers/factories';
import { Api, startSecondApp, startTestApp, TestApp } from './helpers/test-app';

/**
 * The rule that keeps callers' records right while each API process keeps them in memory
 * (src/supporters/caller-records.service.ts): a deactivation or a role change holds at once
 * in the process that made it, and in every other process as soon as the supporters table's
 * notice arrives, whoever wrote the row; while the notices are not heard, nothing is kept.
 * Two API processes share one database here, as two replicas behind a load balancer would.
 */
describe('callers kept in memory, and the rule that keeps them right', () => {
  let first: TestApp;
  let second: INestApplication;
  let secondApi: Api;

  beforeAll(async () => {
    first = await startTestApp('caller_records');
    ({ nest: second, api: secondApi } = await startSecondApp(first.config));
  });

  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  /** A member with a password, signed in: their token, id and email. */
  async function aMember(): Promise<{ id: string; token: string; email: string }> {
    const body = aSupporter({ role: 'member', password: 'member-password-1' });
    const created = await first.api.post('/api/supporters', body, first.adminToken);
    expect(created.status).toBe(201);
    return { id: created.body.id, token: await first.api.login(body.email, 'member-password-1'), email: body.email };
  }

  /** Asks GET /api/me until `check` holds, for at most `withinMs`; returns how long it took. */
  async function until(api: Api, token: string, check: (status: number, body: any) => boolean, withinMs: number): Promise<number> {
    const started = Date.now();
    for (;;) {
      const me = await api.get('/api/me', token);
      if (check(me.status, me.body)) return Date.now() - started;
      if (Date.now() - started > withinMs) throw new Error(`GET /api/me still answers ${me.status} ${JSON.stringify(me.body)} after ${withinMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('keeps records only while it hears the notices, in both processes', () => {
    expect(first.nest.get(CallerRecordsService).keeping).toBe(true);
    expect(second.get(CallerRecordsService).keeping).toBe(true);
  });

  it('ends a deactivated member\'s token at once where it was done, and in the other process on the notice, well before the backstop', async () => {
    const member = await aMember();
    // Both processes now hold the member's record.
    expect((await first.api.get('/api/me', member.token)).status).toBe(200);
    expect((await secondApi.get('/api/me', member.token)).status).toBe(200);
    expect((await secondApi.get('/api/me', member.token)).body.active).toBe(true);

    expect((await first.api.patch(`/api/supporters/${member.id}`, { active: false }, first.adminToken)).status).toBe(200);
    // The process that deactivated: the very next request.
    expect((await first.api.get('/api/me', member.token)).status).toBe(401);
    // The other: on the table's notice, not the 10 s backstop.
    const took = await until(secondApi, member.token, (status) => status === 401, CALLER_RECORD_TTL_MS / 2);
    expect(took).toBeLessThan(CALLER_RECORD_TTL_MS / 2);

    // Reactivated, the same token works again in both.
    expect((await secondApi.patch(`/api/supporters/${member.id}`, { active: true }, first.adminToken)).status).toBe(200);
    expect((await secondApi.get('/api/me', member.token)).status).toBe(200);
    await until(first.api, member.token, (status) => status === 200, CALLER_RECORD_TTL_MS / 2);
  });

  it('applies a role change made by another writer (SQL, as an import or a script would) in both processes', async () => {
    const member = await aMember();
    expect((await first.api.get('/api/me', member.token)).body.role).toBe('member');
    expect((await secondApi.get('/api/me', member.token)).body.role).toBe('member');
    expect((await first.api.get('/api/supporters', member.token)).status).toBe(403);

    await first.db.query(`UPDATE supporters SET role = 'coordinator' WHERE id = $1`, [member.id]);
    await until(first.api, member.token, (status, body) => status === 200 && body.role === 'coordinator', CALLER_RECORD_TTL_MS / 2);
    await until(secondApi, member.token, (status, body) => status === 200 && body.role === 'coordinator', CALLER_RECORD_TTL_MS / 2);
    // The role is what the access check reads: the coordinator's route opens.
    expect((await secondApi.get('/api/supporters', member.token)).status).toBe(200);

    // Erased by SQL: the token opens nothing.
    await first.db.query(`DELETE FROM supporters WHERE id = $1`, [member.id]);
    await until(first.api, member.token, (status) => status === 401, CALLER_RECORD_TTL_MS / 2);
    await until(secondApi, member.token, (status) => status === 401, CALLER_RECORD_TTL_MS / 2);
  });

  it('drops everything when one statement changes more rows than a notice can name', async () => {
    const member = await aMember();
    for (let index = 0; index < 210; index += 1) await first.db.query(`INSERT INTO supporters (email, name, country) VALUES ($1, 'Bulk member', 'GB')`, [`bulk-${index}@members.example`]);
    expect((await secondApi.get('/api/me', member.token)).body.language).toBe('en');
    const { rowCount } = await first.db.query(`UPDATE supporters SET language = 'ru' WHERE role = 'member'`);
    expect(rowCount).toBeGreaterThan(200);
    await until(secondApi, member.token, (status, body) => status === 200 && body.language === 'ru', CALLER_RECORD_TTL_MS / 2);
  });

  it('keeps nothing while its listening connection is lost, and keeps again once it is back', async () => {
    const member = await aMember();
    const records = second.get(CallerRecordsService);
    expect((await secondApi.get('/api/me', member.token)).status).toBe(200);
    // Postgres ends the listener's connection (as a restart would).
    const ended = await first.db.query(`SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = 'qalam-change-notices' AND datname = current_database()`);
    expect(ended.rows.length).toBe(2);
    await waitFor(async () => (!records.keeping || undefined), () => 'the lost connection noticed', 5_000);
    // A change made while nobody listens is seen by the very next request all the same (were
    // the listener back already, it would have dropped everything when it came back).
    await first.db.query(`UPDATE supporters SET active = false WHERE id = $1`, [member.id]);
    expect((await secondApi.get('/api/me', member.token)).status).toBe(401);
    // It listens again on its own.
    await waitFor(async () => (records.keeping || undefined), () => 'listening again', 10_000);
    await first.db.query(`UPDATE supporters SET active = true WHERE id = $1`, [member.id]);
    await until(secondApi, member.token, (status) => status === 200, CALLER_RECORD_TTL_MS / 2);
  });
});
