import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { execute } from '../database/execute';
import { reachableMember } from '../supporters/member-filters';
import { BATCH_BLOCK, LETTER_BATCH_SIZE } from './jobs';
import { BatchRange, LetterQueueService } from './letter-queue.service';

/**
 * Creates letters with set-based statements and hands their batches to the queue. Creation
 * runs inside the caller's transaction; enqueueing after it commits, so no job ever names a
 * letter that is not yet a row.
 */
@Injectable()
export class LettersService {
  private readonly logger = new Logger(LettersService.name);

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(LetterQueueService) private readonly queue: LetterQueueService,
  ) {}

  /**
   * Signs every auto-sign member (active, confirmed, not unsubscribed) to the appeal and
   * creates their letters in one statement: supporters are never loaded into memory. The
   * appeal must have just become open in the same transaction, so no signature of it exists
   * yet (no ON CONFLICT needed).
   */
  async createForAutoSigners(manager: EntityManager, appealId: string): Promise<BatchRange | null> {
    const base = await this.reserveBlock(manager);
    const created = await execute(
      manager,
      `WITH signed AS (
         INSERT INTO signatures (appeal_id, supporter_id, signature_style, auto_signed)
         SELECT $1, s.id, s.signature_style, true FROM supporters s WHERE s.auto_sign AND ${reachableMember('s')}
         RETURNING id, supporter_id)
       INSERT INTO letters (appeal_id, supporter_id, official_id, signature_id, batch_id)
       SELECT $1, sg.supporter_id, ao.official_id, sg.id, $2::bigint + (row_number() OVER () - 1) / $3
         FROM signed sg JOIN appeal_officials ao ON ao.appeal_id = $1`,
      [appealId, base, LETTER_BATCH_SIZE],
    );
    return created > 0 ? { from: base, to: (BigInt(base) + BigInt(Math.ceil(created / LETTER_BATCH_SIZE))).toString() } : null;
  }

  /**
   * Signs every auto-sign member (active, confirmed, not unsubscribed) to each of these
   * appeals and creates their letters, in one statement. The appeals may already be open,
   * so a member who signed one already keeps that signature and its letters (ON CONFLICT).
   */
  async createForAutoSignersOfAppeals(manager: EntityManager, appealIds: string[]): Promise<BatchRange | null> {
    const base = await this.reserveBlock(manager);
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
      [appealIds, base, LETTER_BATCH_SIZE],
    );
    // Letters skipped by a conflict leave gaps in the numbering: the range ends after the last batch written.
    return created > 0 && last ? { from: base, to: (BigInt(last) + 1n).toString() } : null;
  }

  /** The letters of one new signature, one per official of its appeal: a batch of their own. No letter goes in an unconfirmed member's name. */
  async createForSignature(manager: EntityManager, signatureId: string): Promise<BatchRange | null> {
    const base = await this.reserveBlock(manager);
    const created = await execute(
      manager,
      `INSERT INTO letters (appeal_id, supporter_id, official_id, signature_id, batch_id)
       SELECT s.appeal_id, s.supporter_id, ao.official_id, s.id, $2::bigint + (row_number() OVER () - 1) / $3
         FROM signatures s JOIN appeal_officials ao ON ao.appeal_id = s.appeal_id
         JOIN supporters sp ON sp.id = s.supporter_id AND sp.confirmed_at IS NOT NULL
        WHERE s.id = $1
       ON CONFLICT (supporter_id, appeal_id, official_id) DO NOTHING`,
      [signatureId, base, LETTER_BATCH_SIZE],
    );
    return created > 0 ? { from: base, to: (BigInt(base) + BigInt(Math.ceil(created / LETTER_BATCH_SIZE))).toString() } : null;
  }

  /**
   * Enqueues the batches of letters just committed. The letters are rows already: if Redis
   * (or Postgres, which the batches are read from) is away now, the reconciler enqueues them
   * once it is back, so the caller's work stands and is not reported as failed.
   */
  async enqueue(range: BatchRange | null): Promise<void> {
    if (!range) return;
    try {
      await this.queue.enqueueRange(range);
    } catch (error) {
      this.logger.warn(`Batches ${range.from} to ${range.to} not enqueued now (${(error as Error).message.slice(0, 120)}): the reconciler will enqueue them`);
    }
  }

  /** A member who unsubscribed: the letters auto-signed in their name and still queued are never sent. */
  async cancelQueuedAutoSigned(manager: EntityManager, supporterId: string): Promise<number> {
    return execute(
      manager,
      `UPDATE letters l SET status = 'cancelled', last_error = 'the supporter unsubscribed', updated_at = now()
         FROM signatures sg WHERE sg.id = l.signature_id AND sg.auto_signed AND l.supporter_id = $1 AND l.status = 'queued'`,
      [supporterId],
    );
  }

  /** Letters still queued are never sent. */
  async cancelQueued(manager: EntityManager, appealId: string): Promise<number> {
    return execute(
      manager,
      `UPDATE letters SET status = 'cancelled', last_error = 'appeal cancelled', updated_at = now() WHERE appeal_id = $1 AND status = 'queued'`,
      [appealId],
    );
  }

  /** A case's outcome (released, deceased): its letters still queued are never sent; a worker that claims them later finds none. */
  async cancelQueuedOfCase(manager: EntityManager, caseId: string, status: string): Promise<number> {
    return execute(
      manager,
      `UPDATE letters l SET status = 'cancelled', last_error = 'case ' || $2, updated_at = now()
         FROM appeals a WHERE a.id = l.appeal_id AND a.case_id = $1 AND l.status = 'queued'`,
      [caseId, status],
    );
  }

  /** Puts an appeal's queued letters back on the queue (after a pause), batch by batch. */
  async enqueueQueuedOfAppeal(appealId: string): Promise<number> {
    try {
      const rows = await this.db.query<{ batch_id: string }[]>(`SELECT DISTINCT batch_id FROM letters WHERE appeal_id = $1 AND status = 'queued'`, [appealId]);
      const missing = await this.queue.withoutJob(rows.map((row) => row.batch_id));
      return await this.queue.enqueueBatches(missing);
    } catch (error) {
      // The appeal is open again in Postgres: the reconciler finds its queued letters.
      this.logger.warn(`Letters of appeal ${appealId} not enqueued now (${(error as Error).message.slice(0, 120)}): the reconciler will enqueue them`);
      return 0;
    }
  }

  private async reserveBlock(manager: EntityManager): Promise<string> {
    const [{ base }] = await manager.query<{ base: string }[]>(`SELECT (nextval('letter_batch_blocks') * $1::bigint)::text AS base`, [BATCH_BLOCK]);
    return base;
  }
}
