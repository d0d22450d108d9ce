import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
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
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(CycleMailService) private readonly cycleMail: CycleMailService,
    @Inject(QALAM_CONFIG) private readonly config: QalamConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.check()
        .catch((error: Error) => this.logger.warn(`Cycle check failed: ${error.message}`))
        .finally(() => (this.running = null));
    }, this.config.reconcileSeconds * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Returns how many members' mails it queued. */
  async check(): Promise<number> {
    return this.db.transaction(async (manager) => {
      const [{ leader }] = await manager.query<{ leader: boolean }[]>(`SELECT pg_try_advisory_xact_lock(hashtextextended('qalam/cycle-reminders', 0)) AS leader`);
      if (!leader) return 0;
      const reminders = await this.cycleMail.startDueReminders();
      if (reminders > 0) this.logger.log(`Queued ${reminders} reminders`);
      const lost = await this.cycleMail.requeueLost(this.cycleMail.graceSeconds);
      if (lost > 0) this.logger.warn(`Queued again ${lost} invitations or reminders still due`);
      return reminders + lost;
    });
  }
}
