import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, NotFoundError } from '../common/errors';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
import { reachableMember } from '../supporters/member-filters';
import { MemberMailQueue } from '../delivery/member-mail.queue';
import { REMINDER_DUE } from '../delivery/reminder-due';

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
    @Inject(MemberMailQueue) private readonly queue: MemberMailQueue,
    @Inject(QALAM_CONFIG) private readonly config: QalamConfig,
  ) {}

  /** Queues every invitation of the cycle not yet sent; returns how many members that is. */
  async enqueueInvitations(cycleId: string): Promise<number> {
    return this.enqueuePaged('invitation', cycleId, `SELECT ci.supporter_id FROM cycle_invitations ci WHERE ci.cycle_id = $1 AND ci.invited_at IS NULL`);
  }

  /** Queues the reminders due in a cycle whose round has begun; returns how many members that is. */
  async enqueueReminders(cycleId: string): Promise<number> {
    return this.enqueuePaged(
      'reminder',
      cycleId,
      `SELECT ci.supporter_id FROM cycle_invitations ci JOIN cycles c ON c.id = ci.cycle_id JOIN supporters s ON s.id = ci.supporter_id
        WHERE ci.cycle_id = $1 AND ${REMINDER_DUE} AND ${reachableMember('s')}`,
    );
  }

  /**
   * The coordinator's reminder: begins the cycle's one reminder round now, once its
   * reminderAfterDays (when set) have passed since it opened.
   */
  async remind(cycleId: string): Promise<{ queued: number }> {
    await this.db.transaction(async (manager) => {
      const [cycle] = await manager.query<{ status: string; reminder_after_days: number | null; opened_at: Date | null; reminded_at: Date | null; due_at: Date | null }[]>(
        `SELECT status, reminder_after_days, opened_at, reminded_at, opened_at + make_interval(days => coalesce(reminder_after_days, 0)) AS due_at
           FROM cycles WHERE id = $1 FOR UPDATE`,
        [cycleId],
      );
      if (!cycle) throw new NotFoundError('Cycle');
      if (cycle.status !== 'open') throw new DomainError('cycle_not_open', `This cycle is ${cycle.status}: only an open cycle sends reminders`);
      if (cycle.reminded_at) {
        throw new DomainError('cycle_reminded', `Reminders for this cycle went out on ${new Date(cycle.reminded_at).toISOString()}: each member is reminded once`);
      }
      if (cycle.due_at && new Date(cycle.due_at) > new Date()) {
        throw new DomainError('cycle_reminder_early', `This cycle sends reminders ${cycle.reminder_after_days} days after it opened, from ${new Date(cycle.due_at).toISOString()}`);
      }
      await manager.query(`UPDATE cycles SET reminded_at = now(), updated_at = now() WHERE id = $1`, [cycleId]);
    });
    return { queued: await this.enqueueReminders(cycleId) };
  }

  /** Begins the reminder round of every open cycle whose reminderAfterDays have passed; returns how many members were queued. */
  async startDueReminders(): Promise<number> {
    const [updated] = await this.db.query<[{ id: string }[], number]>(
      `UPDATE cycles SET reminded_at = now(), updated_at = now()
        WHERE status = 'open' AND reminder_after_days IS NOT NULL AND reminded_at IS NULL
          AND opened_at <= now() - make_interval(days => reminder_after_days)
        RETURNING id`,
    );
        let queued = 0;
    for (const { id } of updated) queued += await this.enqueueReminders(id);
    return queued;
  }

  /**
   * Postgres is the truth: invitations and reminders still due while the queue is empty
   * had their job lost (Redis restarted without its data) and are queued again. A busy
   * queue may still hold them (or their retries, waiting out a backoff), so it is left alone.
   */
  async requeueLost(graceSeconds: number): Promise<number> {
    if (!(await this.queue.idle())) return 0;
    const cycles = await this.db.query<{ id: string; invitations: boolean; reminders: boolean }[]>(
      `SELECT c.id,
              EXISTS (SELECT 1 FROM cycle_invitations ci WHERE ci.cycle_id = c.id AND ci.invited_at IS NULL) AS invitations,
              c.reminded_at IS NOT NULL AND c.reminded_at < now() - make_interval(secs => $1) AS reminders
         FROM cycles c WHERE c.status = 'open' AND c.opened_at < now() - make_interval(secs => $1)`,
      [graceSeconds],
    );
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
    const cases = await this.db.query<{ case_id: string }[]>(
      `SELECT DISTINCT m.case_id FROM case_outcome_mails m JOIN cases k ON k.id = m.case_id JOIN supporters s ON s.id = m.supporter_id
        WHERE m.sent_at IS NULL AND k.status IN ('released', 'deceased') AND m.queued_at < now() - make_interval(secs => $1) AND ${reachableMember('s')}`,
      [graceSeconds],
    );
    let queued = 0;
    for (const { case_id: caseId } of cases) {
      let after = NO_ID;
      for (;;) {
        const rows = await this.db.query<{ supporter_id: string }[]>(
          `SELECT m.supporter_id FROM case_outcome_mails m JOIN supporters s ON s.id = m.supporter_id
            WHERE m.case_id = $1 AND m.sent_at IS NULL AND m.supporter_id > $2 AND ${reachableMember('s')} ORDER BY m.supporter_id LIMIT ${PAGE}`,
          [caseId, after],
        );
        if (rows.length === 0) break;
        await this.queue.enqueueThankYous(caseId, rows.map((row) => row.supporter_id));
        queued += rows.length;
        after = rows[rows.length - 1].supporter_id;
        if (rows.length < PAGE) break;
      }
    }
    return queued;
  }

  /** Pages through supporter ids by id, so a cycle of a million members never sits in memory. */
  private async enqueuePaged(kind: 'invitation' | 'reminder', cycleId: string, select: string): Promise<number> {
    let after = NO_ID;
    let members = 0;
    for (;;) {
      const rows = await this.db.query<{ supporter_id: string }[]>(`${select} AND ci.supporter_id > $2 ORDER BY ci.supporter_id LIMIT ${PAGE}`, [cycleId, after]);
      if (rows.length === 0) return members;
      await this.queue.enqueue(kind, cycleId, rows.map((row) => row.supporter_id));
      members += rows.length;
      after = rows[rows.length - 1].supporter_id;
      if (rows.length < PAGE) return members;
    }
  }

  /** How long a fresh cycle or reminder round is given to queue its own jobs before they count as lost. */
  get graceSeconds(): number {
    return Math.max(5, this.config.reconcileSeconds);
  }
}
