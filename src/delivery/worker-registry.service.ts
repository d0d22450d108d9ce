import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { QALAM_CONFIG, QalamConfig } from '../config/config';

/**
 * This worker process in Postgres, with a heartbeat. Letters it claims carry its id; when
 * its heartbeat stops for a lease, other workers take its claims over.
 */
@Injectable()
export class WorkerRegistryService implements OnApplicationBootstrap {
  private readonly logger = new Logger(WorkerRegistryService.name);
  readonly workerId = `${hostname().slice(0, 40)}-${process.pid}-${randomBytes(4).toString('hex')}`;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(QALAM_CONFIG) private readonly config: QalamConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.db.query(`INSERT INTO delivery_workers (id, host, pid) VALUES ($1, $2, $3)`, [this.workerId, hostname().slice(0, 100), process.pid]);
    const every = Math.max(500, (this.config.deliveryLeaseSeconds * 1000) / 4);
    this.timer = setInterval(() => {
      this.db.query(`UPDATE delivery_workers SET seen_at = now() WHERE id = $1`, [this.workerId]).catch((error: Error) => this.logger.warn(`Heartbeat failed: ${error.message}`));
    }, every);
    this.timer.unref();
  }

  /**
   * Called once the queue worker has drained, never before: while a row is here, nobody
   * takes our claims over.
   */
  async retire(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.db.query(`DELETE FROM delivery_workers WHERE id = $1`, [this.workerId]).catch(() => undefined);
  }
}
