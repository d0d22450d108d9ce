import type { Pool } from 'pg';

/** An error body's message as a list: Nest sends one string or an array of them. */
export function messagesOf(body: unknown): string[] {
  const message = (body as { message?: unknown } | undefined)?.message;
  if (Array.isArray(message)) return message.map(String);
  return typeof message === 'string' ? [message] : [];
}

/** How many rows a table holds (optionally under a condition), read straight from Postgres. */
export async function countRows(db: Pool, table: string, where = 'true', params: unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ count: number }>(`SELECT count(*)::int AS count FROM ${table} WHERE ${where}`, params);
  return rows[0].count;
}

/** The row count of every table in the schema: a refused request must leave all of them as they were. */
export async function tableCounts(db: Pool): Promise<Record<string, number>> {
  const { rows: tables } = await db.query<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`);
  const counts: Record<string, number> = {};
  for (const { name } of tables) counts[name] = (await db.query<{ count: number }>(`SELECT count(*)::int AS count FROM "${name}"`)).rows[0].count;
  return counts;
}
