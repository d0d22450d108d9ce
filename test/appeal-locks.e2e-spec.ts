import { DataSource } from 'typeorm';
import { lockAppealShared, lockAppeals } from '../src/database/appeal-locks';
import { createDataSource } from '../src/database/data-source';
import { startTestApp, TestApp } from './helpers/test-app';

/** The one helper every status change and signature takes the appeal lock through, on real Postgres. */
describe('appeal locks', () => {
  let app: TestApp;
  let db: DataSource;
  const first = '0b6f2c1e-1111-4a2b-9c3d-000000000001';
  const second = '0b6f2c1e-2222-4a2b-9c3d-000000000002';

  beforeAll(async () => {
    app = await startTestApp('appeal-locks');
    db = await createDataSource(app.config.databaseUrl).initialize();
  });
  afterAll(async () => {
    await db?.destroy();
    await app?.close();
  });

  /** Whether another session could take the appeal's lock now (exclusively, or shared). */
  async function freeFor(id: string, shared: boolean): Promise<boolean> {
    const fn = shared ? 'pg_try_advisory_xact_lock_shared' : 'pg_try_advisory_xact_lock';
    const client = await app.db.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ ok: boolean }>(`SELECT ${fn}(hashtextextended('appeal/' || $1::text, 0)) AS ok`, [id]);
      await client.query('ROLLBACK');
      return rows[0].ok;
    } finally {
      client.release();
    }
  }

  it('locks each appeal once, whatever the case or repetition of its id, until the transaction ends', async () => {
    await db.transaction(async (manager) => {
      await lockAppeals(manager, [second, first.toUpperCase(), first]);
      const [{ held }] = await manager.query<{ held: number }[]>(`SELECT count(*)::int AS held FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()`);
      expect(held).toBe(2);
      await expect(freeFor(first, true)).resolves.toBe(false);
      await expect(freeFor(second, false)).resolves.toBe(false);
    });
    await expect(freeFor(first, false)).resolves.toBe(true);
    await expect(freeFor(second, false)).resolves.toBe(true);
  });

  it('takes no lock for no appeal, and a shared lock that other signers share but a status change does not', async () => {
    await db.transaction(async (manager) => {
      await lockAppeals(manager, []);
      const [{ held }] = await manager.query<{ held: number }[]>(`SELECT count(*)::int AS held FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()`);
      expect(held).toBe(0);
      await lockAppealShared(manager, first);
      await expect(freeFor(first, true)).resolves.toBe(true);
      await expect(freeFor(first, false)).resolves.toBe(false);
    });
  });
});
