import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { reachableMember } from '../supporters/member-filters';

/** An exported row: one thank-you of a case's outcome to a supporter. */
export interface SupporterOutcomeMailRow {
  caseId: string;
  caseName: string;
  queuedAt: Date;
  sentAt: Date | null;
}

/** The case_outcome_mails table: one thank-you per supporter who wrote for a case that ended. */
@Injectable()
export class OutcomeMailsRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /**
   * A row per supporter to thank (a sent or bounced letter for the case, still reachable), in
   * one statement; returns the supporters to queue. Marking again (or released, then deceased)
   * finds the row and queues nothing more, except a thank-you never sent (its case was set
   * back before the worker ran).
   */
  async recordThankYous(manager: EntityManager, caseId: string): Promise<string[]> {
    const rows = await manager.query<{ supporter_id: string }[]>(
      `INSERT INTO case_outcome_mails (case_id, supporter_id)
       SELECT DISTINCT $1::uuid, l.supporter_id FROM letters l JOIN appeals a ON a.id = l.appeal_id JOIN supporters s ON s.id = l.supporter_id
        WHERE a.case_id = $1 AND l.status IN ('sent', 'bounced') AND ${reachableMember('s')}
       ON CONFLICT (case_id, supporter_id) DO UPDATE SET queued_at = now() WHERE case_outcome_mails.sent_at IS NULL
       RETURNING supporter_id`,
      [caseId],
    );
    return rows.map((row) => row.supporter_id);
  }

  /** How many supporters recordThankYous would queue now (those already thanked, sent, are not again). */
  async countToThank(caseId: string): Promise<number> {
    const [{ count }] = await this.db.query<{ count: number }[]>(
      `SELECT count(DISTINCT l.supporter_id)::int AS count FROM letters l JOIN appeals a ON a.id = l.appeal_id JOIN supporters s ON s.id = l.supporter_id
        WHERE a.case_id = $1 AND l.status IN ('sent', 'bounced') AND ${reachableMember('s')}
          AND NOT EXISTS (SELECT 1 FROM case_outcome_mails m WHERE m.case_id = $1 AND m.supporter_id = l.supporter_id AND m.sent_at IS NOT NULL)`,
      [caseId],
    );
    return count;
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
  async unsentSupportersOfCase(caseId: string, after: string, limit: number): Promise<string[]> {
    const rows = await this.db.query<{ supporter_id: string }[]>(
      `SELECT m.supporter_id FROM case_outcome_mails m JOIN supporters s ON s.id = m.supporter_id
        WHERE m.case_id = $1 AND m.sent_at IS NULL AND m.supporter_id > $2 AND ${reachableMember('s')} ORDER BY m.supporter_id LIMIT $3`,
      [caseId, after, limit],
    );
    return rows.map((row) => row.supporter_id);
  }

  /** A supporter's thank-yous for their data export, oldest first. */
  ofSupporter(supporterId: string): Promise<SupporterOutcomeMailRow[]> {
    return this.db.query(
      `SELECT m.case_id AS "caseId", c.name AS "caseName", m.queued_at AS "queuedAt", m.sent_at AS "sentAt"
         FROM case_outcome_mails m JOIN cases c ON c.id = m.case_id WHERE m.supporter_id = $1 ORDER BY m.queued_at`,
      [supporterId],
    );
  }

  async deleteOfSupporter(manager: EntityManager, supporterId: string): Promise<void> {
    await manager.query(`DELETE FROM case_outcome_mails WHERE supporter_id = $1`, [supporterId]);
  }
}
