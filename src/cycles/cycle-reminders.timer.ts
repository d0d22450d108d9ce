import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { asLeader, PeriodicTask } from '../common/periodic-task';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
import { CycleMailService } from './cycle-mail.service';

/**
 * The workers' periodic look at open cycles, every RECONCILE_SECONDS: begins the reminder
 * round of a cycle whose reminderAfterDays have passed, and queues again invitations and
 * reminders whose jobs were lost. One worker at a time does it.
 */
@Injectable()
export class CycleRemindersTimer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CycleRemindersTimer.name);
  private readonly task = new PeriodicTask('Cycle check', this.logger);

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(CycleMailService) private readonly cycleMail: CycleMailService,
    @Inject(QALAM_CONFIG) private readonly config: QalamConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start(this.config.reconcileSeconds, () => this.check());
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** Returns how many members' mails it queued. */
  async check(): Promise<number> {
    return asLeader(this.db, 'qalam/cycle-reminders', 0, async () => {
      const reminders = await this.cycleMail.startDueReminders();
      if (reminders > 0) this.logger.log(`Queued ${reminders} reminders`);
      const lost = await this.cycleMail.requeueLost(this.cycleMail.graceSeconds);
      if (lost > 0) this.logger.warn(`Queued again ${lost} invitations or reminders still due`);
      return reminders + lost;
    });
  }
}
