import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { execute } from '../database/execute';

/** A suppressed address: an official's address that refused mail for good (a 5xx answer, a 5.x.x bounce). */
export interface SuppressionRow {
  address: string;
  reason: string;
  createdAt: Date;
}

/**
 * The suppressions table's statements, apart from the worker's, which records a 5xx answer in
 * the same statement as the letters it failed (delivery/letter-sender.service.ts).
 */
@Injectable()
export class SuppressionsRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** No more letters to this address; the first reason stands. True if it was not suppressed before. */
  async suppress(manager: EntityManager, address: string, reason: string): Promise<boolean> {
    return (await execute(manager, `INSERT INTO suppressions (address, reason) VALUES (lower($1), $2) ON CONFLICT (address) DO NOTHING`, [address, reason])) > 0;
  }

  /** suppress for many addresses in one statement; the first reason of each stands. */
  async suppressMany(manager: EntityManager, suppressions: { address: string; reason: string }[]): Promise<void> {
    if (suppressions.length === 0) return;
    await manager.query(
      `INSERT INTO suppressions (address, reason)
       SELECT DISTINCT ON (lower(address)) lower(address), reason FROM unnest($1::text[], $2::text[]) AS u(address, reason) ORDER BY lower(address)
       ON CONFLICT (address) DO NOTHING`,
      [suppressions.map((s) => s.address), suppressions.map((s) => s.reason)],
    );
  }

  /** Newest first. */
  async page(page: number, limit: number): Promise<{ rows: SuppressionRow[]; total: number }> {
    const [rows, [{ total }]] = await Promise.all([
      this.db.query<SuppressionRow[]>(`SELECT address, reason, created_at AS "createdAt" FROM suppressions ORDER BY created_at DESC, address LIMIT $1 OFFSET $2`, [limit, (page - 1) * limit]),
      this.db.query<{ total: number }[]>(`SELECT count(*)::int AS total FROM suppressions`),
    ]);
    return { rows, total };
  }

  /** Letters may go to the address again; the lifted row and the officials who have that address, or null if it was not suppressed. */
  async lift(manager: EntityManager, address: string): Promise<(SuppressionRow & { officialIds: string[] }) | null> {
    const [row] = await manager.query<(SuppressionRow & { officialIds: string[] })[]>(
      `WITH lifted AS (DELETE FROM suppressions WHERE address = lower($1) RETURNING address, reason, created_at)
       SELECT address, reason, created_at AS "createdAt",
              ARRAY(SELECT o.id FROM officials o WHERE lower(o.email) = lifted.address ORDER BY o.id)::text[] AS "officialIds"
         FROM lifted`,
      [address],
    );
    return row ?? null;
  }

  async count(): Promise<number> {
    const [{ count }] = await this.db.query<{ count: number }[]>(`SELECT count(*)::int AS count FROM suppressions`);
    return count;
  }
}
