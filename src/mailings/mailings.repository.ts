import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { CaseMailRow } from '../cases/cases.repository';
import { MEMBER_MAIL_COLUMNS, MemberMailRow, reachableMember } from '../supporters/member-filters';
import { REMINDER_DUE } from './reminder-due';

/** A supporter's invitation for their data export. */
export interface SupporterInvitationRow {
  cycleId: string;
  month: string;
  title: string;
  invitedAt: Date | null;
  remindedAt: Date | null;
}

/** An exported row: one thank-you of a case's outcome to a supporter. */
export interface SupporterOutcomeMailRow {
  caseId: string;
  caseName: string;
  queuedAt: Date;
  sentAt: Date | null;
}

/** An open cycle's title and its first case: the invitation template speaks of one case, the month's headline. */
export type CycleHeadlineRow = CaseMailRow & { title: string };

const REACHABLE = reachableMember('s');

/**
 * The tables of member mail: cycle_invitations (an invitation and a reminder per member and
 * cycle) and case_outcome_mails (a thank-you per supporter and ended case). A record folder
 * of its own, below delivery, so that the worker that claims and sends the mail and the
 * features that write and watch the rows (cycles, outcomes, members) share one repository.
 * Rows are written set-based (one INSERT ... SELECT per cycle or case), read in pages of
 * supporter ids, and claimed before they are sent (the timestamp set where it was null), so
 * a member is never mailed twice however often a job runs. Methods that take a manager run
 * in the caller's transaction.
 */
@Injectable()
export class MailingsRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  // cycle_invitations

  /** An invitation to be sent to every reachable member who does not auto-sign; staff accounts are not invited. One statement. */
  async inviteMembers(manager: EntityManager, cycleId: string): Promise<void> {
    await manager.query(
      `INSERT INTO cycle_invitations (cycle_id, supporter_id)
       SELECT $1, s.id FROM supporters s WHERE s.role = 'member' AND NOT s.auto_sign AND ${reachableMember('s')}
       ON CONFLICT DO NOTHING`,
      [cycleId],
    );
  }

  /** The next `limit` members (by id, after `after`) whose invitation to the cycle is still to send. */
  async unsentInvitations(cycleId: string, after: string, limit: number): Promise<string[]> {
    const rows = await this.db.query<{ supporter_id: string }[]>(
      `SELECT ci.supporter_id FROM cycle_invitations ci WHERE ci.cycle_id = $1 AND ci.invited_at IS NULL AND ci.supporter_id > $2 ORDER BY ci.supporter_id LIMIT $3`,
      [cycleId, after, limit],
    );
    return rows.map((row) => row.supporter_id);
  }

  /** The next `limit` reachable members (by id, after `after`) whose reminder is due in a cycle whose round has begun. */
  async dueReminders(cycleId: string, after: string, limit: number): Promise<string[]> {
    const rows = await this.db.query<{ supporter_id: string }[]>(
      `SELECT ci.supporter_id FROM cycle_invitations ci JOIN cycles c ON c.id = ci.cycle_id JOIN supporters s ON s.id = ci.supporter_id
        WHERE ci.cycle_id = $1 AND ${REMINDER_DUE} AND ${reachableMember('s')} AND ci.supporter_id > $2 ORDER BY ci.supporter_id LIMIT $3`,
      [cycleId, after, limit],
    );
    return rows.map((row) => row.supporter_id);
  }

  /**
   * Open cycles older than `graceSeconds`: whether invitations are still to send, and whether
   * their reminder round began more than `graceSeconds` ago.
   */
  openCyclesWithMailDue(graceSeconds: number): Promise<{ id: string; invitations: boolean; reminders: boolean }[]> {
    return this.db.query(
      `SELECT c.id,
              EXISTS (SELECT 1 FROM cycle_invitations ci WHERE ci.cycle_id = c.id AND ci.invited_at IS NULL) AS invitations,
              c.reminded_at IS NOT NULL AND c.reminded_at < now() - make_interval(secs => $1) AS reminders
         FROM cycles c WHERE c.status = 'open' AND c.opened_at < now() - make_interval(secs => $1)`,
      [graceSeconds],
    );
  }

  /**
   * What an invitation of the cycle reads: its title and first case, in the coordinator's
   * order; null unless the cycle is open. Here rather than in cycles/, which the worker that
   * sends the invitation may not import.
   */
  async openCycleHeadline(cycleId: string): Promise<CycleHeadlineRow | null> {
    const [cycle] = await this.db.query<CycleHeadlineRow[]>(
      `SELECT c.title, k.name, k.country, k.profession, k.status, k.summary, k.charges, to_char(k.detained_on, 'YYYY-MM-DD') AS detained_on, k.gender, k.translations
         FROM cycles c JOIN cycle_appeals ca ON ca.cycle_id = c.id JOIN appeals a ON a.id = ca.appeal_id JOIN cases k ON k.id = a.case_id
        WHERE c.id = $1 AND c.status = 'open' ORDER BY ca.position LIMIT 1`,
      [cycleId],
    );
    return cycle ?? null;
  }

  /** Claims the invitations of these members that are still to send, to those still reachable; returns them. */
  async claimInvitations(cycleId: string, supporterIds: string[]): Promise<MemberMailRow[]> {
    // An UPDATE answers [rows, affected].
    const [claimed] = await this.db.query<[MemberMailRow[], number]>(
      `WITH due AS (
         SELECT ci.supporter_id FROM cycle_invitations ci JOIN supporters s ON s.id = ci.supporter_id
          WHERE ci.cycle_id = $1 AND ci.supporter_id = ANY($2::uuid[]) AND ci.invited_at IS NULL AND ${REACHABLE}
          FOR UPDATE OF ci SKIP LOCKED)
       UPDATE cycle_invitations ci SET invited_at = now() FROM due, supporters s
        WHERE ci.cycle_id = $1 AND ci.supporter_id = due.supporter_id AND s.id = due.supporter_id
       RETURNING ${MEMBER_MAIL_COLUMNS}`,
      [cycleId, supporterIds],
    );
    return claimed;
  }

  /** Drops the unsent invitations of these members who are no longer reachable, so the periodic check stops looking for them. */
  async dropUnreachableInvitations(cycleId: string, supporterIds: string[]): Promise<void> {
    await this.db.query(
      `DELETE FROM cycle_invitations ci USING supporters s
        WHERE ci.cycle_id = $1 AND ci.supporter_id = ANY($2::uuid[]) AND ci.invited_at IS NULL AND s.id = ci.supporter_id AND NOT (${REACHABLE})`,
      [cycleId, supporterIds],
    );
  }

  /** Claims the reminders of these members: invited before the round began, not yet reminded, and not signed every appeal still open. */
  async claimReminders(cycleId: string, supporterIds: string[]): Promise<MemberMailRow[]> {
    // An UPDATE answers [rows, affected].
    const [claimed] = await this.db.query<[MemberMailRow[], number]>(
      `WITH due AS (
         SELECT ci.supporter_id FROM cycle_invitations ci JOIN cycles c ON c.id = ci.cycle_id JOIN supporters s ON s.id = ci.supporter_id
          WHERE ci.cycle_id = $1 AND ci.supporter_id = ANY($2::uuid[]) AND ${REMINDER_DUE} AND ${REACHABLE}
          FOR UPDATE OF ci SKIP LOCKED)
       UPDATE cycle_invitations ci SET reminded_at = now() FROM due, supporters s
        WHERE ci.cycle_id = $1 AND ci.supporter_id = due.supporter_id AND s.id = due.supporter_id
       RETURNING ${MEMBER_MAIL_COLUMNS}`,
      [cycleId, supporterIds],
    );
    return claimed;
  }

  /** Gives back the invitation (or reminder) claims of these members, for the job's next attempt. */
  async releaseCycleMail(kind: 'invitation' | 'reminder', cycleId: string, supporterIds: string[]): Promise<void> {
    const column = kind === 'invitation' ? 'invited_at' : 'reminded_at';
    await this.db.query(`UPDATE cycle_invitations SET ${column} = NULL WHERE cycle_id = $1 AND supporter_id = ANY($2::uuid[])`, [cycleId, supporterIds]);
  }

  /** A supporter's invitations for their data export, by month. */
  invitationsOfSupporter(supporterId: string): Promise<SupporterInvitationRow[]> {
    return this.db.query(
      `SELECT cy.id AS "cycleId", cy.month, cy.title, i.invited_at AS "invitedAt", i.reminded_at AS "remindedAt"
         FROM cycle_invitations i JOIN cycles cy ON cy.id = i.cycle_id WHERE i.supporter_id = $1 ORDER BY cy.month, cy.id`,
      [supporterId],
    );
  }

  async deleteInvitationsOfSupporter(manager: EntityManager, supporterId: string): Promise<void> {
    await manager.query(`DELETE FROM cycle_invitations WHERE supporter_id = $1`, [supporterId]);
  }

  // case_outcome_mails

  /**
   * A row per supporter to thank (a sent or bounced letter for the case, still reachable), in
   * one statement; returns the supporters to queue. Marking again (or released, then deceased)
   * finds the row and queues nothing more, except a thank-you never sent (its case was set
   * back before the worker ran).
   */
  async recordThankYous(manager: EntityManager, caseId: string): Promise<string[]> {
    const rows = await manager.query<{ supporter_id: string }[]>(
      `INSERT INTO case_outcome_mails (case_id, supporter_id)
       SELECT DISTINCT $1::uuid, s.id FROM supporters s
        WHERE ${reachableMember('s')}
          AND (s.id IN (SELECT l.supporter_id FROM letters l JOIN appeals a ON a.id = l.appeal_id WHERE a.case_id = $1 AND l.status IN ('sent', 'bounced', 'posted'))
               -- letters whose link the retention scrub removed
               OR s.id IN (SELECT c.supporter_id FROM supporter_letter_counts c WHERE c.case_id = $1 AND c.status IN ('sent', 'bounced', 'posted') AND c.count > 0))
       ON CONFLICT (case_id, supporter_id) DO UPDATE SET queued_at = now() WHERE case_outcome_mails.sent_at IS NULL
       RETURNING supporter_id`,
      [caseId],
    );
    return rows.map((row) => row.supporter_id);
  }

  /** Cases that ended with a thank-you queued more than `graceSeconds` ago, unsent, to a reachable member. */
  async casesWithUnsentThankYous(graceSeconds: number): Promise<string[]> {
    const rows = await this.db.query<{ case_id: string }[]>(
      `SELECT DISTINCT m.case_id FROM case_outcome_mails m JOIN cases k ON k.id = m.case_id JOIN supporters s ON s.id = m.supporter_id
        WHERE m.sent_at IS NULL AND k.status IN ('released', 'deceased') AND m.queued_at < now() - make_interval(secs => $1) AND ${reachableMember('s')}`,
      [graceSeconds],
    );
    return rows.map((row) => row.case_id);
  }

  /** The next `limit` reachable supporters (by id, after `after`) whose thank-you of this case is unsent. */
  async unsentThankYousOfCase(caseId: string, after: string, limit: number): Promise<string[]> {
    const rows = await this.db.query<{ supporter_id: string }[]>(
      `SELECT m.supporter_id FROM case_outcome_mails m JOIN supporters s ON s.id = m.supporter_id
        WHERE m.case_id = $1 AND m.sent_at IS NULL AND m.supporter_id > $2 AND ${reachableMember('s')} ORDER BY m.supporter_id LIMIT $3`,
      [caseId, after, limit],
    );
    return rows.map((row) => row.supporter_id);
  }

  /** Claims the unsent thank-yous of these reachable supporters, each with their letters for the case that went (sent, bounced, or posted) counted now. */
  async claimThankYous(caseId: string, supporterIds: string[]): Promise<(MemberMailRow & { letters_sent: number })[]> {
    // An UPDATE answers [rows, affected].
    const [claimed] = await this.db.query<[(MemberMailRow & { letters_sent: number })[], number]>(
      `WITH due AS (
         SELECT m.supporter_id FROM case_outcome_mails m JOIN supporters s ON s.id = m.supporter_id
          WHERE m.case_id = $1 AND m.supporter_id = ANY($2::uuid[]) AND m.sent_at IS NULL AND ${REACHABLE}
          FOR UPDATE OF m SKIP LOCKED)
       UPDATE case_outcome_mails m SET sent_at = now() FROM due, supporters s
        WHERE m.case_id = $1 AND m.supporter_id = due.supporter_id AND s.id = due.supporter_id
       RETURNING ${MEMBER_MAIL_COLUMNS},
         (SELECT count(*)::int FROM letters l JOIN appeals a ON a.id = l.appeal_id
           WHERE a.case_id = $1 AND l.supporter_id = s.id AND l.status IN ('sent', 'bounced', 'posted'))
         + (SELECT coalesce(sum(c.count), 0)::int FROM supporter_letter_counts c
             WHERE c.case_id = $1 AND c.supporter_id = s.id AND c.status IN ('sent', 'bounced', 'posted')) AS letters_sent`,
      [caseId, supporterIds],
    );
    return claimed;
  }

  /** Gives back the thank-you claims of these supporters, for the job's next attempt. */
  async releaseThankYous(caseId: string, supporterIds: string[]): Promise<void> {
    await this.db.query(`UPDATE case_outcome_mails SET sent_at = NULL WHERE case_id = $1 AND supporter_id = ANY($2::uuid[])`, [caseId, supporterIds]);
  }

  /** A supporter's thank-yous for their data export, oldest first. */
  thankYousOfSupporter(supporterId: string): Promise<SupporterOutcomeMailRow[]> {
    return this.db.query(
      `SELECT m.case_id AS "caseId", c.name AS "caseName", m.queued_at AS "queuedAt", m.sent_at AS "sentAt"
         FROM case_outcome_mails m JOIN cases c ON c.id = m.case_id WHERE m.supporter_id = $1 ORDER BY m.queued_at`,
      [supporterId],
    );
  }

  async deleteThankYousOfSupporter(manager: EntityManager, supporterId: string): Promise<void> {
    await manager.query(`DELETE FROM case_outcome_mails WHERE supporter_id = $1`, [supporterId]);
  }

  /** How many supporters a thank-you round would queue now (those already thanked, sent, are not again). */
  async countToThank(caseId: string): Promise<number> {
    const [{ count }] = await this.db.query<{ count: number }[]>(
      `SELECT count(DISTINCT l.supporter_id)::int AS count FROM letters l JOIN appeals a ON a.id = l.appeal_id JOIN supporters s ON s.id = l.supporter_id
        WHERE a.case_id = $1 AND l.status IN ('sent', 'bounced', 'posted') AND ${reachableMember('s')}
          AND NOT EXISTS (SELECT 1 FROM case_outcome_mails m WHERE m.case_id = $1 AND m.supporter_id = l.supporter_id AND m.sent_at IS NOT NULL)`,
      [caseId],
    );
    return count;
  }
}
