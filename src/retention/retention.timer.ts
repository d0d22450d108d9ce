import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { asLeader, PeriodicTask } from '../common/periodic-task';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
import { RetentionService } from './retention.service';

/** How often the scrub runs: a day's cutoff moves slowly, an hour is soon enough. */
export const RETENTION_EVERY_SECONDS = 3600;

/** The workers' retention scrub, when RETENTION_DAYS is set; one worker at a time. */
@Injectable()
export class RetentionTimer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RetentionTimer.name);
  private readonly task = new PeriodicTask('Retention scrub', this.logger);

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(RetentionService) private readonly retention: RetentionService,
    @Inject(QALAM_CONFIG) private readonly config: QalamConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.retentionDays !== null) this.task.start(RETENTION_EVERY_SECONDS, () => this.run());
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** The lock only decides who runs: the batches commit one by one, outside its transaction. */
  async run(): Promise<void> {
    const days = this.config.retentionDays;
    if (days === null) return;
    await asLeader(this.db, 'qalam/retention', null, () => this.retention.scrub(days));
  }
}
