import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, NotFoundError } from '../common/errors';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
import { MemberMailQueue } from '../delivery/member-mail.queue';
import { MailingsRepository } from '../mailings/mailings.repository';
import { CyclesRepository } from './cycles.repository';

/** Supporter ids are read from Postgres this many at a time. */
const PAGE = 10_000;
const NO_ID = '00000000-0000-0000-0000-000000000000';

/**
 * Queues a cycle's invitations and reminders, in batches of supporter ids. What is due is
 * always read from Postgres (`cycle_invitations`), so queueing again after a lost job, a
 * crash or a second click sends nothing twice: the worker claims each member's mail before
 * sending it.
 *
 *   enqueueInvitations(cycleId): Promise<number>       members whose invitation is still to send
 *   remind(cycleId): Promise<{ queued: number }>       the coordinator's reminder round (409 if early, twice or not open)
 *   startDueReminders(): Promise<number>               the timer's: rounds whose reminderAfterDays have passed
 *   requeueLost(graceSeconds): Promise<number>          the timer's: invitations and reminders whose jobs were lost
 */
@Injectable()
export class CycleMailService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(CyclesRepository) private readonly cycles: CyclesRepository,
    @Inject(MailingsRepository) private readonly mailings: MailingsRepository,
    @Inject(MemberMailQueue) private readonly queue: MemberMailQueue,
    @Inject(QALAM_CONFIG) private readonly config: QalamConfig,
  ) {}

  /** Queues every invitation of the cycle not yet sent; returns how many members that is. */
  async enqueueInvitations(cycleId: string): Promise<number> {
    return this.enqueuePaged('invitation', cycleId, (after) => this.mailings.unsentInvitations(cycleId, after, PAGE));
  }

  /** Queues the reminders due in a cycle whose round has begun; returns how many members that is. */
  async enqueueReminders(cycleId: string): Promise<number> {
    return this.enqueuePaged('reminder', cycleId, (after) => this.mailings.dueReminders(cycleId, after, PAGE));
  }

  /**
   * The coordinator's reminder: begins the cycle's one reminder round now, once its
   * reminderAfterDays (when set) have passed since it opened.
   */
  async remind(cycleId: string): Promise<{ queued: number }> {
    await this.db.transaction(async (manager) => {
      const cycle = await this.cycles.lockReminderState(manager, cycleId);
      if (!cycle) throw new NotFoundError('Cycle');
      if (cycle.status !== 'open') throw new DomainError('cycle_not_open', `This cycle is ${cycle.status}: only an open cycle sends reminders`);
      if (cycle.reminded_at) {
        throw new DomainError('cycle_reminded', `Reminders for this cycle went out on ${new Date(cycle.reminded_at).toISOString()}: each member is reminded once`);
      }
      if (cycle.due_at && new Date(cycle.due_at) > new Date()) {
        throw new DomainError('cycle_reminder_early', `This cycle sends reminders ${cycle.reminder_after_days} days after it opened, from ${new Date(cycle.due_at).toISOString()}`);
      }
      await this.cycles.markReminded(manager, cycleId);
    });
    return { queued: await this.enqueueReminders(cycleId) };
  }

  /** Begins the reminder round of every open cycle whose reminderAfterDays have passed; returns how many members were queued. */
  async startDueReminders(): Promise<number> {
    let queued = 0;
    for (const id of await this.cycles.beginDueReminderRounds()) queued += await this.enqueueReminders(id);
    return queued;
  }

  /**
   * Postgres is the truth: invitations and reminders still due while the queue is empty
   * had their job lost (Redis restarted without its data) and are queued again. A busy
   * queue may still hold them (or their retries, waiting out a backoff), so it is left alone.
   */
  async requeueLost(graceSeconds: number): Promise<number> {
    if (!(await this.queue.idle())) return 0;
    const cycles = await this.mailings.openCyclesWithMailDue(graceSeconds);
    let queued = 0;
    for (const cycle of cycles) {
      if (cycle.invitations) queued += await this.enqueueInvitations(cycle.id);
      if (cycle.reminders) queued += await this.enqueueReminders(cycle.id);
    }
    return queued + (await this.requeueLostThankYous(graceSeconds));
  }

  /**
   * Thank-yous of a case's outcome still unsent in Postgres while the queue is idle (the
   * caller checked): their jobs were lost, or never added because Redis was away when the
   * case was marked. The worker claims each before sending, so queueing again is safe.
   */
  private async requeueLostThankYous(graceSeconds: number): Promise<number> {
    const cases = await this.mailings.casesWithUnsentThankYous(graceSeconds);
    let queued = 0;
    for (const caseId of cases) {
      let after = NO_ID;
      for (;;) {
        const rows = await this.mailings.unsentThankYousOfCase(caseId, after, PAGE);
        if (rows.length === 0) break;
        await this.queue.enqueueThankYous(caseId, rows);
        queued += rows.length;
        after = rows[rows.length - 1];
        if (rows.length < PAGE) break;
      }
    }
    return queued;
  }

  /** Pages through supporter ids by id, so a cycle of a million members never sits in memory. */
  private async enqueuePaged(kind: 'invitation' | 'reminder', cycleId: string, next: (after: string) => Promise<string[]>): Promise<number> {
    let after = NO_ID;
    let members = 0;
    for (;;) {
      const supporterIds = await next(after);
      if (supporterIds.length === 0) return members;
      await this.queue.enqueue(kind, cycleId, supporterIds);
      members += supporterIds.length;
      after = supporterIds[supporterIds.length - 1];
      if (supporterIds.length < PAGE) return members;
    }
  }

  /** How long a fresh cycle or reminder round is given to queue its own jobs before they count as lost. */
  get graceSeconds(): number {
    return Math.max(5, this.config.reconcileSeconds);
  }
}
