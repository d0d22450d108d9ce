import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
import { LetterQueueService } from './letter-queue.service';

/**
 * Postgres is the truth, Redis the transport: letters `queued` in Postgres whose batch has
 * no job (Redis was flushed, or restarted without persistence), and letters a dead worker
 * left `sending`, get their batch enqueued again. One worker at a time does it.
 */
@Injectable()
export class ReconcilerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReconcilerService.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(LetterQueueService) private readonly queue: LetterQueueService,
    @Inject(QALAM_CONFIG) private readonly config: QalamConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.reconcile()
        .catch((error: Error) => this.logger.warn(`Reconcile failed: ${error.message}`))
        .finally(() => (this.running = null));
    }, this.config.reconcileSeconds * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Returns how many batches it enqueued. */
  async reconcile(): Promise<number> {
    return this.db.transaction(async (manager) => {
      const [{ leader }] = await manager.query<{ leader: boolean }[]>(`SELECT pg_try_advisory_xact_lock(hashtextextended('qalam/reconciler', 0)) AS leader`);
      if (!leader) return 0;
      // Give a fresh fan-out time to enqueue its own batches before calling them lost.
      const grace = Math.max(5, this.config.reconcileSeconds);
      // The counters say which appeals have letters waiting; only their letters are read.
      const rows = await manager.query<{ batch_id: string }[]>(
        `WITH pending AS (SELECT DISTINCT appeal_id FROM letter_counts WHERE status IN ('queued', 'sending') AND count > 0)
         SELECT DISTINCT l.batch_id FROM letters l JOIN pending p ON p.appeal_id = l.appeal_id JOIN appeals a ON a.id = l.appeal_id
           LEFT JOIN delivery_workers w ON w.id = l.claimed_by
          WHERE (l.status = 'queued' AND a.status = 'open' AND l.updated_at < now() - make_interval(secs => $1))
             OR (l.status = 'sending' AND (w.id IS NULL OR w.seen_at < now() - make_interval(secs => $2)))`,
        [grace, this.config.deliveryLeaseSeconds],
      );
      await manager.query(`DELETE FROM paced_claims WHERE claimed_at < now() - interval '1 hour'`);
      let enqueued = 0;
      for (let start = 0; start < rows.length; start += 1000) {
        const missing = await this.queue.withoutJob(rows.slice(start, start + 1000).map((row) => row.batch_id));
        enqueued += await this.queue.enqueueBatches(missing);
      }
      if (enqueued > 0) this.logger.warn(`Re-enqueued ${enqueued} batches that had no job`);
      return enqueued;
    });
  }
}
