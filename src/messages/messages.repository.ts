import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { execute } from '../database/execute';
import { addressedForCards, awaitsCard } from './message-cards';
import { DONE_MESSAGE_STATUSES, MessageStatus } from './message.entity';

/** A message as moderation reads it: no name or email of its writer, their id only. */
export interface MessageRow {
  id: string;
  caseId: string;
  supporterId: string | null;
  text: string;
  language: string;
  status: MessageStatus;
  decidedBy: string | null;
  decidedAt: Date | null;
  createdAt: Date;
}

/** The decisions a coordinator takes on a held message. */
export type MessageDecision = 'approved' | 'rejected';

const COLUMNS = `id, case_id AS "caseId", supporter_id AS "supporterId", text, language, status, decided_by AS "decidedBy", decided_at AS "decidedAt", created_at AS "createdAt"`;

/** Every statement of the messages table. */
@Injectable()
export class MessagesRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /**
   * A new held message in the writer's language (their pages' and mail's: the card's fixed
   * phrases); null when the member has one held for the case already (the partial unique
   * index messages_one_held decides, so two posts at once make one message).
   */
  async insertHeld(caseId: string, supporterId: string, text: string): Promise<MessageRow | null> {
    const rows = await this.db.query<MessageRow[]>(
      `INSERT INTO messages (case_id, supporter_id, text, language)
       SELECT $1, s.id, $3, s.language FROM supporters s WHERE s.id = $2
       ON CONFLICT (case_id, supporter_id) WHERE status = 'held' AND supporter_id IS NOT NULL DO NOTHING
       RETURNING ${COLUMNS}`,
      [caseId, supporterId, text],
    );
    return rows[0] ?? null;
  }

  async find(id: string): Promise<MessageRow | null> {
    const [row] = await this.db.query<MessageRow[]>(`SELECT ${COLUMNS} FROM messages WHERE id = $1`, [id]);
    return row ?? null;
  }

  /** A case's messages, oldest first (the order they wait in), of one status or all. */
  async pageOfCase(caseId: string, status: MessageStatus | undefined, page: number, limit: number): Promise<{ rows: MessageRow[]; total: number }> {
    const [rows, [{ total }]] = await Promise.all([
      this.db.query<MessageRow[]>(
        `SELECT ${COLUMNS} FROM messages WHERE case_id = $1 AND ($2::text IS NULL OR status = $2) ORDER BY created_at, id LIMIT $3 OFFSET $4`,
        [caseId, status ?? null, limit, (page - 1) * limit],
      ),
      this.db.query<{ total: number }[]>(`SELECT count(*)::int AS total FROM messages WHERE case_id = $1 AND ($2::text IS NULL OR status = $2)`, [caseId, status ?? null]),
    ]);
    return { rows, total };
  }

  /** A case's messages by status (every status present, 0 when none). */
  async countsOfCase(caseId: string): Promise<Record<MessageStatus, number>> {
    const rows = await this.db.query<{ status: MessageStatus; count: number }[]>(`SELECT status, count(*)::int AS count FROM messages WHERE case_id = $1 GROUP BY status`, [caseId]);
    const counts: Record<MessageStatus, number> = { held: 0, approved: 0, rejected: 0, printed: 0, posted: 0 };
    for (const row of rows) counts[row.status] = row.count;
    return counts;
  }

  /**
   * Decides the messages of `ids` that are still held, in one statement inside the caller's
   * transaction (`held` is claimed by the WHERE: of two coordinators deciding at once, one
   * wins); returns the ids decided now.
   */
  async decideHeld(manager: EntityManager, ids: readonly string[], decision: MessageDecision, actorId: string, caseId?: string): Promise<{ id: string; caseId: string }[]> {
    if (ids.length === 0) return [];
    return manager.query<{ id: string; caseId: string }[]>(
      // Wrapped in a WITH so that the driver hands back the rows (a bare UPDATE answers [rows, count]).
      `WITH decided AS (
         UPDATE messages SET status = $2, decided_by = $3, decided_at = now(), updated_at = now()
          WHERE id = ANY($1::uuid[]) AND status = 'held' AND ($4::uuid IS NULL OR case_id = $4)
          RETURNING id, case_id)
       SELECT id, case_id AS "caseId" FROM decided ORDER BY id`,
      [ids, decision, actorId, caseId ?? null],
    );
  }

  /** Cases with messages waiting, most waiting first: the console home's list. */
  async heldByCase(limit: number): Promise<{ caseId: string; caseName: string; held: number }[]> {
    return this.db.query(
      `SELECT m.case_id AS "caseId", c.name AS "caseName", count(*)::int AS held
         FROM messages m JOIN cases c ON c.id = m.case_id
        WHERE m.status = 'held'
        GROUP BY m.case_id, c.name
        ORDER BY held DESC, c.name LIMIT $1`,
      [limit],
    );
  }

  /** Cases of `scope` (an appeal's, or a cycle's appeals') with approved messages not in a run, and whether each has an address for cards. */
  async awaitingCards(scope: CardScope): Promise<{ caseId: string; caseName: string; approved: number; addressed: boolean }[]> {
    return this.db.query(
      `SELECT c.id AS "caseId", c.name AS "caseName", count(*)::int AS approved, ${addressedForCards('c')} AS addressed
         FROM messages m JOIN cases c ON c.id = m.case_id
        WHERE ${awaitsCard('m')} AND ${caseScope(scope, '$1')}
        GROUP BY c.id, c.name ORDER BY c.name`,
      [scopeIdOf(scope)],
    );
  }

  /** Gives a new cards run every approved message of `scope` whose case has an address for cards, in one statement; returns how many. */
  async attachToPrintRun(manager: EntityManager, runId: string, scope: CardScope): Promise<number> {
    return execute(
      manager,
      `UPDATE messages m SET print_run_id = $2, updated_at = now() FROM cases c
        WHERE c.id = m.case_id AND ${addressedForCards('c')} AND ${awaitsCard('m')} AND ${caseScope(scope, '$1')}`,
      [scopeIdOf(scope), runId],
    );
  }

  /** A rendered cards run: its approved messages are `printed`. */
  async markPrinted(manager: EntityManager, runId: string): Promise<number> {
    return execute(manager, `UPDATE messages SET status = 'printed', updated_at = now() WHERE print_run_id = $1 AND status = 'approved'`, [runId]);
  }

  /** A cards run marked posted. */
  async markPosted(manager: EntityManager, runId: string): Promise<number> {
    return execute(manager, `UPDATE messages SET status = 'posted', updated_at = now() WHERE print_run_id = $1 AND status = 'printed'`, [runId]);
  }

  /** A cards run discarded or failed: its messages are approved and in no run again. */
  async releaseFromPrintRun(manager: EntityManager, runId: string): Promise<number> {
    return execute(manager, `UPDATE messages SET status = 'approved', print_run_id = NULL, updated_at = now() WHERE print_run_id = $1 AND status IN ('approved', 'printed')`, [runId]);
  }

  // Retention (RETENTION_DAYS): one batch per call, how many rows changed.

  /** Empties the text and removes the member of one batch of old messages of solidarity that are done with. */
  async scrubOld(before: Date, limit: number): Promise<number> {
    const [, changed] = await this.db.query<[unknown, number]>(
      `UPDATE messages SET text = '', supporter_id = NULL WHERE id IN (
         SELECT id FROM messages WHERE created_at < $1 AND status = ANY($2::text[]) AND (text <> '' OR supporter_id IS NOT NULL)
          LIMIT $3 FOR UPDATE SKIP LOCKED)`,
      [before, DONE_MESSAGE_STATUSES, limit],
    );
    return changed;
  }
}

/** What a cards run takes: the approved messages of an appeal's case, or of a cycle's appeals' cases. */
export type CardScope = { appealId: string } | { cycleId: string };

function caseScope(scope: CardScope, parameter: string): string {
  return 'appealId' in scope
    ? `m.case_id = (SELECT case_id FROM appeals WHERE id = ${parameter})`
    : `m.case_id IN (SELECT a.case_id FROM cycle_appeals ca JOIN appeals a ON a.id = ca.appeal_id WHERE ca.cycle_id = ${parameter})`;
}

function scopeIdOf(scope: CardScope): string {
  return 'appealId' in scope ? scope.appealId : scope.cycleId;
}
