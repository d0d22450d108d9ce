import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * A named statement on TypeORM's own pg pool: Postgres parses and plans it once per
 * connection, and every later call only binds and executes it, without a query builder in
 * between. For the few reads that every request makes (who is calling); everything else
 * goes through the repositories' ordinary queries. Names must be unique per text.
 */
export async function preparedQuery<T>(db: DataSource, name: string, text: string, values: unknown[]): Promise<T[]> {
  const pool = (db.driver as unknown as { master: Pool }).master;
  return (await pool.query<T & object>({ name, text, values })).rows;
}
