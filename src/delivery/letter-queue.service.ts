import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { JobName, JobOf, LETTER_BATCH_SIZE, LETTERS_QUEUE, MAX_LETTER_ATTEMPTS } from './jobs';

const JOB_OPTIONS = {
  attempts: MAX_LETTER_ATTEMPTS,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: true,
  removeOnFail: 1000,
};

/** Puts letters that are rows in Postgres onto the queue, as batches of ids. */
@Injectable()
export class LetterQueueService {
  constructor(
    @InjectQueue(LETTERS_QUEUE) private readonly queue: Queue<JobOf<JobName.SendLetters>, unknown, JobName>,
    @Inject(DataSource) private readonly db: DataSource,
  ) {}

  /** Enqueues the given letters in batches; `key` makes the job ids deterministic (no ':' allowed). */
  async enqueue(letterIds: string[], key: string): Promise<number> {
    const jobs = [];
    for (let start = 0; start < letterIds.length; start += LETTER_BATCH_SIZE) {
      const letterIds_ = letterIds.slice(start, start + LETTER_BATCH_SIZE);
      jobs.push({ name: JobName.SendLetters, data: { letterIds: letterIds_ }, opts: { ...JOB_OPTIONS, jobId: `letters-${key}-${start / LETTER_BATCH_SIZE}` } });
    }
    if (jobs.length > 0) await this.queue.addBulk(jobs);
    return jobs.length;
  }

  /**
   * Enqueues every letter of an appeal that is still queued, reading ids in keyset pages so
   * that a million letters never sit in memory at once.
   */
  async enqueueQueuedOfAppeal(appealId: string, key: string): Promise<number> {
    let after = '00000000-0000-0000-0000-000000000000';
    let page = 0;
    let total = 0;
    for (;;) {
      const rows = await this.db.query<{ id: string }[]>(
        `SELECT id FROM letters WHERE appeal_id = $1 AND status = 'queued' AND id > $2 ORDER BY id LIMIT 10000`,
        [appealId, after],
      );
      if (rows.length === 0) return total;
      await this.enqueue(rows.map((row) => row.id), `${key}-${page}`);
      total += rows.length;
      after = rows[rows.length - 1].id;
      page += 1;
    }
  }

  async counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized');
  }
}
