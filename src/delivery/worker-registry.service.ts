import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConnectionWatch, outageOf } from '../common/outage';
import { QALAM_CONFIG, QalamConfig } from '../config/config';

/**
 * This worker process in Postgres, with a heartbeat that also lists the batches it is
 * running. Letters it claims carry its id; when its heartbeat stops for a lease, other
 * workers take its claims over, and letters of a batch it no longer runs (its record failed
 * while Postgres was away) are resolved from their progress marks by whoever runs the batch.
 */
@Injectable()
export class WorkerRegistryService implements OnApplicationBootstrap {
  private readonly logger = new Logger(WorkerRegistryService.name);
  readonly workerId = `${hostname().slice(0, 40)}-${process.pid}-${randomBytes(4).toString('hex')}`;
  /** Postgres as this worker sees it: lost and back, one line each. */
  readonly postgres = new ConnectionWatch('Postgres', this.logger);
  private readonly held = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private beating: Promise<void> | null = null;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(QALAM_CONFIG) private readonly config: QalamConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.db.query(`INSERT INTO delivery_workers (id, host, pid) VALUES ($1, $2, $3)`, [this.workerId, hostname().slice(0, 100), process.pid]);
    const every = Math.max(500, (this.config.deliveryLeaseSeconds * 1000) / 4);
    this.timer = setInterval(() => {
      // One beat at a time: a beat that waited out an outage must not overwrite a newer one.
      this.beating ??= this.beat().finally(() => (this.beating = null));
    }, every);
    this.timer.unref();
  }

  /** Marks a batch as run by this process; false when this process runs it already (a second run must wait). */
  hold(batchId: string): boolean {
    if (this.held.has(batchId)) return false;
    this.held.add(batchId);
    return true;
  }

  release(batchId: string): void {
    this.held.delete(batchId);
  }

  /**
   * Called once the queue worker has drained, never before: while a row is here, nobody
   * takes our claims over.
   */
  async retire(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.beating;
    await this.db.query(`DELETE FROM delivery_workers WHERE id = $1`, [this.workerId]).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    // The list is read once a connection is ours, as the statement goes: read while waiting
    // for the pool, it could miss a batch claimed meanwhile yet carry a later seen_at, and a
    // batch claimed half a lease before that would look abandoned. One claimed after the
    // statement waits for the next beat (takers allow half a lease).
    const runner = this.db.createQueryRunner();
    try {
      await runner.connect();
      await runner.query(`UPDATE delivery_workers SET seen_at = now(), batches = $2::bigint[] WHERE id = $1`, [this.workerId, [...this.held]]);
      this.postgres.back();
    } catch (error) {
      if (outageOf(error)) this.postgres.lost(error);
      else this.logger.warn(`Heartbeat failed: ${(error as Error).message.slice(0, 200)}`);
    } finally {
      // A beat never rejects: it runs from a timer.
      await runner.release().catch(() => undefined);
    }
  }
}
