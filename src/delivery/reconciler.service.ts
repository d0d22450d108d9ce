import { goesByEmail } from '../letters/letter-channel';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { asLeader, PeriodicTask } from '../common/periodic-task';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
import { PrintRunsRepository } from '../printing/print-runs.repository';
import { LetterQueueService } from './letter-queue.service';
import { PrintRunQueue } from './print-run.queue';

/**
 * Postgres is the truth, Redis the transport: letters `queued` in Postgres whose batch has
 * no job (Redis was flushed, or restarted without persistence), and letters left `sending`
 * by a dead worker or by a live one that no longer runs their batch, get their batch
 * enqueued again; its next run resolves them from their progress marks. One worker at a
 * time does it.
 */
@Injectable()
export class ReconcilerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReconcilerService.name);
  private readonly task = new PeriodicTask('Reconcile', this.logger);

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(LetterQueueService) private readonly queue: LetterQueueService,
    @Inject(QALAM_CONFIG) private readonly config: QalamConfig,
    @Inject(PrintRunsRepository) private readonly printRuns: PrintRunsRepository,
    @Inject(PrintRunQueue) private readonly printQueue: PrintRunQueue,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start(this.config.reconcileSeconds, () => this.reconcile());
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** Returns how many batches it enqueued. */
  async reconcile(): Promise<number> {
    return asLeader(this.db, 'qalam/reconciler', 0, async (manager) => {
      // Give a fresh fan-out time to enqueue its own batches before calling them lost.
      const grace = Math.max(5, this.config.reconcileSeconds);
      // The counters say which appeals have letters waiting; only their letters are read.
      const rows = await manager.query<{ batch_id: string }[]>(
        `WITH pending AS (SELECT appeal_id FROM letter_counts WHERE status IN ('queued', 'sending') GROUP BY appeal_id HAVING sum(count) > 0)
         SELECT DISTINCT l.batch_id FROM letters l JOIN pending p ON p.appeal_id = l.appeal_id JOIN appeals a ON a.id = l.appeal_id
           JOIN officials o ON o.id = l.official_id LEFT JOIN delivery_workers w ON w.id = l.claimed_by
          WHERE (l.status = 'queued' AND a.status = 'open' AND ${goesByEmail('l', 'a', 'o')} AND l.updated_at < now() - make_interval(secs => $1))
             OR (l.status = 'sending' AND (w.id IS NULL OR w.seen_at < now() - make_interval(secs => $2)
                 -- a live worker that no longer runs the batch: its record failed and its job has gone
                 OR (w.seen_at > l.claimed_at + make_interval(secs => $2 / 2.0) AND NOT (l.batch_id = ANY(w.batches)))))`,
        [grace, this.config.deliveryLeaseSeconds],
      );
      await manager.query(`DELETE FROM paced_claims WHERE claimed_at < now() - interval '1 hour'`);
      let enqueued = 0;
      for (let start = 0; start < rows.length; start += 1000) {
        const missing = await this.queue.withoutJob(rows.slice(start, start + 1000).map((row) => row.batch_id));
        enqueued += await this.queue.enqueueBatches(missing);
      }
      if (enqueued > 0) this.logger.warn(`Re-enqueued ${enqueued} batches that had no job`);
      // A print run still rendering after a minute may have lost its job: its id makes a job still there a no-op.
      for (const runId of await this.printRuns.rendering()) await this.printQueue.enqueue(runId);
      return enqueued;
    });
  }
}
