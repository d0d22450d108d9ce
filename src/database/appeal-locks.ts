import type { EntityManager } from 'typeorm';

/**
 * The advisory lock of an appeal, held until the transaction ends. A status change (launch,
 * pause, cancel, a cycle's open, a case's outcome) takes it exclusively; a signature takes
 * it shared, so a cancel waits for signatures in flight and no letter is left queued in an
 * appeal that no longer takes them.
 */
const APPEAL_LOCK = `hashtextextended('appeal/' || a.id::text, 0)`;

/**
 * Takes the exclusive lock of each appeal, in one order (by id) whoever asks, so two
 * transactions locking overlapping sets cannot deadlock. One statement for any number of ids.
 */
export async function lockAppeals(manager: EntityManager, appealIds: readonly string[]): Promise<void> {
  if (appealIds.length === 0) return;
  // Sorted here, not by ORDER BY: the locks are taken in the order unnest yields the ids.
  const ordered = [...new Set(appealIds.map((id) => id.toLowerCase()))].sort();
  await manager.query(`SELECT pg_advisory_xact_lock(${APPEAL_LOCK}) FROM unnest($1::uuid[]) AS a(id)`, [ordered]);
}

/** Takes an appeal's lock shared with other signers, exclusive of a status change. */
export async function lockAppealShared(manager: EntityManager, appealId: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock_shared(${APPEAL_LOCK}) FROM (SELECT $1::uuid AS id) AS a`, [appealId]);
}

/** Takes the shared lock of each appeal, in the one order (by id) every locker takes them, in one statement. */
export async function lockAppealsShared(manager: EntityManager, appealIds: readonly string[]): Promise<void> {
  if (appealIds.length === 0) return;
  const ordered = [...new Set(appealIds.map((id) => id.toLowerCase()))].sort();
  await manager.query(`SELECT pg_advisory_xact_lock_shared(${APPEAL_LOCK}) FROM unnest($1::uuid[]) AS a(id)`, [ordered]);
}
