import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { execute } from '../database/execute';
import { reachableMember } from '../supporters/member-filters';
import type { LetterStatus } from './letter.entity';

/** Where new letters are numbered into batches: `base` the first batch number reserved, `size` letters per batch. */
export interface BatchNumbering {
  base: string;
  size: number;
}

/** A supporter's letter as their data export lists it. */
export interface SupporterLetterRow {
  id: string;
  appealId: string;
  caseId: string;
  caseName: string;
  officialName: string;
  officialTitle: string;
  status: LetterStatus;
  sentAt: Date | null;
  createdAt: Date;
}

/**
 * Every statement that writes the letters table, apart from the worker's claim and record
 * statements (delivery/letter-sender.service.ts). Letters are created set-based: one
 * INSERT ... SELECT per fan-out, never a statement per supporter or per letter. Methods that
 * take a manager run inside the caller's transaction.
 */
@Injectable()
export class LettersRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** Reserves a block of `blockSize` batch numbers for one fan-out; returns its first number. */
  async reserveBatchBlock(manager: EntityManager, blockSize: number): Promise<string> {
    const [{ base }] = await manager.query<{ base: string }[]>(`SELECT (nextval('letter_batch_blocks') * $1::bigint)::text AS base`, [blockSize]);
    return base;
  }

  /**
   * Signs every auto-sign member (active, confirmed, not unsubscribed) to an appeal that has
   * just become open in this transaction, and creates their letters, in one statement
   * (supporters are never loaded into memory; no signature of the appeal exists yet, so no
   * ON CONFLICT). Returns how many letters were created.
   */
  signAutoSignersAndWrite(manager: EntityManager, appealId: string, batches: BatchNumbering): Promise<number> {
    return execute(
      manager,
      `WITH signed AS (
         INSERT INTO signatures (appeal_id, supporter_id, signature_style, auto_signed)
         SELECT $1, s.id, s.signature_style, true FROM supporters s WHERE s.auto_sign AND ${reachableMember('s')}
         RETURNING id, supporter_id)
       INSERT INTO letters (appeal_id, supporter_id, official_id, signature_id, batch_id)
       SELECT $1, sg.supporter_id, ao.official_id, sg.id, $2::bigint + (row_number() OVER () - 1) / $3
         FROM signed sg JOIN appeal_officials ao ON ao.appeal_id = $1`,
      [appealId, batches.base, batches.size],
    );
  }

  /**
   * The same for several appeals that may already be open, in one statement: a member who
   * signed one already keeps that signature and its letters (ON CONFLICT). Returns how many
   * letters were created and the last batch number written (conflicts leave gaps).
   */
  async signAutoSignersAndWriteForAppeals(manager: EntityManager, appealIds: string[], batches: BatchNumbering): Promise<{ created: number; lastBatch: string | null }> {
    const [{ created, last }] = await manager.query<{ created: number; last: string | null }[]>(
      `WITH signed AS (
         INSERT INTO signatures (appeal_id, supporter_id, signature_style, auto_signed)
         SELECT a.id, s.id, s.signature_style, true FROM unnest($1::uuid[]) AS a(id) CROSS JOIN supporters s
          WHERE s.auto_sign AND ${reachableMember('s')}
         ON CONFLICT (supporter_id, appeal_id) DO NOTHING
         RETURNING id, appeal_id, supporter_id),
       written AS (
         INSERT INTO letters (appeal_id, supporter_id, official_id, signature_id, batch_id)
         SELECT sg.appeal_id, sg.supporter_id, ao.official_id, sg.id, $2::bigint + (row_number() OVER () - 1) / $3
           FROM signed sg JOIN appeal_officials ao ON ao.appeal_id = sg.appeal_id
         ON CONFLICT (supporter_id, appeal_id, official_id) DO NOTHING
         RETURNING batch_id)
       SELECT count(*)::int AS created, max(batch_id)::text AS last FROM written`,
      [appealIds, batches.base, batches.size],
    );
    return { created, lastBatch: last };
  }

  /**
   * How many letters launching this draft would create now: the members signAutoSignersAndWrite
   * signs (auto-sign and reachable) times the appeal's officials, by the same rule.
   */
  async countForAutoSigners(appealId: string): Promise<{ letters: number; members: number; officials: number }> {
    const [row] = await this.db.query<{ members: number; officials: number }[]>(
      `SELECT (SELECT count(*)::int FROM supporters s WHERE s.auto_sign AND ${reachableMember('s')}) AS members,
              (SELECT count(*)::int FROM appeal_officials ao WHERE ao.appeal_id = $1) AS officials`,
      [appealId],
    );
    return { letters: row.members * row.officials, members: row.members, officials: row.officials };
  }

  /** The letters of one signature, one per official of its appeal; none in an unconfirmed member's name. Returns how many were created. */
  writeForSignature(manager: EntityManager, signatureId: string, batches: BatchNumbering): Promise<number> {
    return execute(
      manager,
      `INSERT INTO letters (appeal_id, supporter_id, official_id, signature_id, batch_id)
       SELECT s.appeal_id, s.supporter_id, ao.official_id, s.id, $2::bigint + (row_number() OVER () - 1) / $3
         FROM signatures s JOIN appeal_officials ao ON ao.appeal_id = s.appeal_id
         JOIN supporters sp ON sp.id = s.supporter_id AND sp.confirmed_at IS NOT NULL
        WHERE s.id = $1
       ON CONFLICT (supporter_id, appeal_id, official_id) DO NOTHING`,
      [signatureId, batches.base, batches.size],
    );
  }

  /** A member who unsubscribed: the letters auto-signed in their name and still queued are never sent. */
  cancelQueuedAutoSigned(manager: EntityManager, supporterId: string): Promise<number> {
    return execute(
      manager,
      `UPDATE letters l SET status = 'cancelled', last_error = 'the supporter unsubscribed', updated_at = now()
         FROM signatures sg WHERE sg.id = l.signature_id AND sg.auto_signed AND l.supporter_id = $1 AND l.status = 'queued'`,
      [supporterId],
    );
  }

  /** An appeal cancelled: its letters still queued are never sent. */
  cancelQueuedOfAppeal(manager: EntityManager, appealId: string): Promise<number> {
    return execute(
      manager,
      `UPDATE letters SET status = 'cancelled', last_error = 'appeal cancelled', updated_at = now() WHERE appeal_id = $1 AND status = 'queued'`,
      [appealId],
    );
  }

  /** A case's outcome (released, deceased): its letters still queued are never sent; a worker that claims them later finds none. */
  cancelQueuedOfCase(manager: EntityManager, caseId: string, status: string): Promise<number> {
    return execute(
      manager,
      `UPDATE letters l SET status = 'cancelled', last_error = 'case ' || $2, updated_at = now()
         FROM appeals a WHERE a.id = l.appeal_id AND a.case_id = $1 AND l.status = 'queued'`,
      [caseId, status],
    );
  }

  /**
   * A supporter who deleted their data: queued letters would otherwise be sent in their name.
   * A letter being sent right now was claimed with its signer already read; it completes.
   * Status changes go through the letter_counts trigger, so the counts stay exact.
   */
  cancelQueuedOfDeletedSupporter(manager: EntityManager, supporterId: string): Promise<number> {
    return execute(
      manager,
      `UPDATE letters SET status = 'cancelled', last_error = 'The supporter deleted their data', updated_at = now() WHERE supporter_id = $1 AND status = 'queued'`,
      [supporterId],
    );
  }

  /** Their letters stay, with no supporter; the status stays as it is, so the counters (by appeal and official) do not move. */
  detachSupporter(manager: EntityManager, supporterId: string): Promise<number> {
    return execute(manager, `UPDATE letters SET supporter_id = NULL WHERE supporter_id = $1`, [supporterId]);
  }

  /** The batches that hold an appeal's queued letters (to enqueue them again after a pause). */
  async queuedBatchesOfAppeal(appealId: string): Promise<string[]> {
    const rows = await this.db.query<{ batch_id: string }[]>(`SELECT DISTINCT batch_id FROM letters WHERE appeal_id = $1 AND status = 'queued'`, [appealId]);
    return rows.map((row) => row.batch_id);
  }

  /** A supporter's letters for one appeal, by official. */
  ofSignerInAppeal(supporterId: string, appealId: string): Promise<{ id: string; officialId: string; status: LetterStatus }[]> {
    return this.db.query(`SELECT id, official_id AS "officialId", status FROM letters WHERE supporter_id = $1 AND appeal_id = $2 ORDER BY official_id`, [supporterId, appealId]);
  }

  /** A supporter's letters for their data export, oldest first. */
  forExportOfSupporter(supporterId: string): Promise<SupporterLetterRow[]> {
    return this.db.query(
      `SELECT l.id, a.id AS "appealId", c.id AS "caseId", c.name AS "caseName", o.name AS "officialName", o.title AS "officialTitle",
              l.status, l.sent_at AS "sentAt", l.created_at AS "createdAt"
         FROM letters l JOIN appeals a ON a.id = l.appeal_id JOIN cases c ON c.id = a.case_id JOIN officials o ON o.id = l.official_id
        WHERE l.supporter_id = $1 ORDER BY l.created_at, l.id`,
      [supporterId],
    );
  }
}
