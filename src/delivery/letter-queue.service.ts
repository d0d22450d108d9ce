import { goesByEmail } from '../letters/letter-channel';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { watchQueue } from '../common/outage';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
import { DeliveryRedisService } from './delivery-redis.service';
import { jobIdOf, JobName, JobOf, LETTERS_QUEUE, MAX_LETTER_ATTEMPTS } from './jobs';

/** Batches are read from Postgres a page at a time, so a million letters never sit in memory. */
const BATCHES_PER_PAGE = 200;

export interface BatchRange {
  /** First batch id, inclusive. */
  from: string;
  /** Last batch id, exclusive. */
  to: string;
}

/** Puts letters that are rows in Postgres onto the queue, one job per batch. */
@Injectable()
export class LetterQueueService {
  constructor(
    @InjectQueue(LETTERS_QUEUE) private readonly queue: Queue<JobOf<JobName.SendLetters>, unknown, JobName>,
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(DeliveryRedisService) private readonly redis: DeliveryRedisService,
    @Inject(QALAM_CONFIG) private readonly config: QalamConfig,
  ) {
    watchQueue(queue, redis.watch, new Logger(LetterQueueService.name));
  }

  /** Enqueues every batch in the range that still has queued letters. */
  async enqueueRange(range: BatchRange): Promise<number> {
    let jobs = 0;
    // Batch ids of a fan-out are consecutive: page through them by id.
    for (let from = BigInt(range.from); from < BigInt(range.to); from += BigInt(BATCHES_PER_PAGE)) {
      const to = from + BigInt(BATCHES_PER_PAGE) < BigInt(range.to) ? from + BigInt(BATCHES_PER_PAGE) : BigInt(range.to);
      const batches = await this.db.query<{ batch_id: string; ids: string[] }[]>(
        `SELECT l.batch_id, array_agg(l.id ORDER BY l.id) AS ids FROM letters l JOIN appeals a ON a.id = l.appeal_id JOIN officials o ON o.id = l.official_id
          WHERE l.batch_id >= $1 AND l.batch_id < $2 AND l.status = 'queued' AND ${goesByEmail('l', 'a', 'o')} GROUP BY l.batch_id ORDER BY l.batch_id`,
        [from.toString(), to.toString()],
      );
      await this.add(batches.map((batch) => ({ batchId: batch.batch_id, letterIds: batch.ids })));
      jobs += batches.length;
    }
    return jobs;
  }

  /** Enqueues the given batches with the letters of theirs that are queued or mid-send; existing jobs are left alone. */
  async enqueueBatches(batchIds: string[]): Promise<number> {
    if (batchIds.length === 0) return 0;
    const batches = await this.db.query<{ batch_id: string; ids: string[] }[]>(
      `SELECT l.batch_id, array_agg(l.id ORDER BY l.id) AS ids FROM letters l JOIN appeals a ON a.id = l.appeal_id JOIN officials o ON o.id = l.official_id
        WHERE l.batch_id = ANY($1::bigint[]) AND (l.status = 'sending' OR (l.status = 'queued' AND ${goesByEmail('l', 'a', 'o')})) GROUP BY l.batch_id`,
      [batchIds],
    );
    await this.add(batches.map((batch) => ({ batchId: batch.batch_id, letterIds: batch.ids })));
    return batches.length;
  }

  /** Which of these batches have no job in Redis (never added, finished, or lost with Redis's data). */
  async withoutJob(batchIds: string[]): Promise<string[]> {
    if (batchIds.length === 0) return [];
    const pipeline = this.redis.client.pipeline();
    for (const batchId of batchIds) pipeline.exists(this.redis.jobKey(LETTERS_QUEUE, jobIdOf(batchId)));
    const results = (await pipeline.exec()) ?? [];
    return batchIds.filter((_, index) => results[index]?.[1] === 0);
  }

  private async add(payloads: JobOf<JobName.SendLetters>[]): Promise<void> {
    if (payloads.length === 0) return;
    await this.queue.addBulk(
      payloads.map((data) => ({
        name: JobName.SendLetters,
        data,
        opts: {
          jobId: jobIdOf(data.batchId),
          // Letters count their own attempts; the job may run more often (pacing, takeover).
          attempts: MAX_LETTER_ATTEMPTS * 2,
          backoff: { type: 'exponential', delay: this.config.retryDelayMs },
          // Finished and failed jobs leave Redis, so the reconciler can add them again.
          removeOnComplete: true,
          removeOnFail: true,
        },
      })),
    );
  }
}
