import { Client } from 'pg';
import { adminDatabaseUrl } from './helpers/env';

/** Drops whatever databases this run left behind (a spec that crashed before its own cleanup). */
export default async function globalTeardown(): Promise<void> {
  const run = process.env.QALAM_TEST_RUN;
  if (!run) return;
  const client = new Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`qalam_test_${run}_%`]);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
