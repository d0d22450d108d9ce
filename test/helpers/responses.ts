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
