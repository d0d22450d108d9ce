import type { SignatureStyle } from '../supporters/supporter.entity';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BatchNumbering, LettersRepository } from '../letters/letters.repository';
import { BATCH_BLOCK, LETTER_BATCH_SIZE } from './jobs';
import { BatchRange, LetterQueueService } from './letter-queue.service';

/**
 * Creates letters (LettersRepository's set-based statements) and hands their batches to the queue. Creation
 * runs inside the caller's transaction; enqueueing after it commits, so no job ever names a
 * letter that is not yet a row.
 */
/** The most batches `enqueueAll` lists by id; more go range by range. */
const MAX_LISTED_BATCHES = 1_000;

@Injectable()
export class LettersService {
  private readonly logger = new Logger(LettersService.name);

  constructor(
    @Inject(LettersRepository) private readonly letters: LettersRepository,
    @Inject(LetterQueueService) private readonly queue: LetterQueueService,
  ) {}

  /**
   * Signs every auto-sign member to the appeal, which has just become open in the same
   * transaction, and creates their letters, in one statement.
   */
  async createForAutoSigners(manager: EntityManager, appealId: string): Promise<BatchRange | null> {
    const batches = await this.numbering(manager);
    const created = await this.letters.signAutoSignersAndWrite(manager, appealId, batches);
    return rangeOf(batches.base, created);
  }

  /**
   * Signs every auto-sign member to each of these appeals and creates their letters, in one
   * statement; a member who signed one already keeps that signature and its letters.
   */
  async createForAutoSignersOfAppeals(manager: EntityManager, appealIds: string[]): Promise<BatchRange | null> {
    const batches = await this.numbering(manager);
    const { created, lastBatch } = await this.letters.signAutoSignersAndWriteForAppeals(manager, appealIds, batches);
    // Letters skipped by a conflict leave gaps in the numbering: the range ends after the last batch written.
    return created > 0 && lastBatch ? { from: batches.base, to: (BigInt(lastBatch) + 1n).toString() } : null;
  }

  /**
   * The letters of one new signature, one per official of its appeal: a batch of their own.
   * No letter goes in an unconfirmed member's name. `held` letters (a note waiting for
   * moderation) get no range: nothing is enqueued until the note is decided.
   */
  async createForSignature(manager: EntityManager, signatureId: string, status: 'queued' | 'held' = 'queued'): Promise<BatchRange | null> {
    const batches = await this.numbering(manager);
    const created = await this.letters.writeForSignature(manager, signatureId, batches, status);
    return status === 'held' ? null : rangeOf(batches.base, created);
  }

  /**
   * A member's signatures of several open appeals with their queued letters, in one statement
   * (SignaturesRepository.insertManyWithLetters) numbered in one block of batches reserved
   * first; the batches to enqueue once committed.
   */
  async signWithLetters(manager: EntityManager, supporterId: string, signatures: { appealId: string; note: string | null; signatureStyle: SignatureStyle }[]): Promise<BatchRange | null> {
    if (signatures.length === 0) return null;
    const batches = await this.numbering(manager);
    return rangeOf(batches.base, await this.letters.insertManyWithLetters(manager, supporterId, signatures, batches));
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

  /**
   * Enqueues the batches of several small ranges just committed (a member's signatures of a
   * month: a few batches each) in one read and one addBulk; as `enqueue`, a failure is left
   * to the reconciler. Ranges too large to list go one by one.
   */
  async enqueueAll(ranges: BatchRange[]): Promise<void> {
    const count = ranges.reduce((sum, range) => sum + Number(BigInt(range.to) - BigInt(range.from)), 0);
    if (count > MAX_LISTED_BATCHES) {
      for (const range of ranges) await this.enqueue(range);
      return;
    }
    const batchIds: string[] = [];
    for (const range of ranges) for (let batch = BigInt(range.from); batch < BigInt(range.to); batch += 1n) batchIds.push(batch.toString());
    if (batchIds.length === 0) return;
    try {
      await this.queue.enqueueBatches(batchIds);
    } catch (error) {
      this.logger.warn(`${batchIds.length} batches not enqueued now (${(error as Error).message.slice(0, 120)}): the reconciler will enqueue them`);
    }
  }

  /** Puts an appeal's queued letters back on the queue (after a pause), batch by batch. */
  async enqueueQueuedOfAppeal(appealId: string): Promise<number> {
    try {
      const missing = await this.queue.withoutJob(await this.letters.queuedBatchesOfAppeal(appealId));
      return await this.queue.enqueueBatches(missing);
    } catch (error) {
      // The appeal is open again in Postgres: the reconciler finds its queued letters.
      this.logger.warn(`Letters of appeal ${appealId} not enqueued now (${(error as Error).message.slice(0, 120)}): the reconciler will enqueue them`);
      return 0;
    }
  }

  private async numbering(manager: EntityManager): Promise<BatchNumbering> {
    return { base: await this.letters.reserveBatchBlock(manager, BATCH_BLOCK), size: LETTER_BATCH_SIZE };
  }
}

function rangeOf(base: string, created: number): BatchRange | null {
  return created > 0 ? { from: base, to: (BigInt(base) + BigInt(Math.ceil(created / LETTER_BATCH_SIZE))).toString() } : null;
}
