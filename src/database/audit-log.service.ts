import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** What staff do that the audit log records. */
export const AUDIT_ACTIONS = [
  'appeal.launch',
  'appeal.pause',
  'appeal.resume',
  'appeal.cancel',
  'case.outcome',
  'message.approve',
  'message.reject',
  'note.approve',
  'note.reject',
  'supporter.role',
  'supporter.deactivate',
  'supporter.activate',
  'supporters.import',
  'officials.import',
  'staff.invite',
  'print.start',
  'print.posted',
  'print.discard',
  'suppression.lift',
  'official.unflag',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One row of the log: ids and counts only, never a name or an email. */
export interface AuditEntry {
  id: string;
  at: Date;
  actorId: string | null;
  action: AuditAction;
  subjectType: string;
  subjectId: string | null;
  detail: Record<string, unknown>;
}

/** A row as the admins' page shows it: the names of the actor and the subject as they are now (the log itself keeps ids only). */
export interface AuditRow extends AuditEntry {
  actorName: string | null;
  subjectLabel: string | null;
}

/**
 * The audit log of what staff did: who (the actor's id), when, what, on what. Written by the
 * services the actions go through, in their transaction when they have one, so an action
 * that rolls back leaves no row. Readable by admins in the console.
 */
@Injectable()
export class AuditLogService {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async record(
    entry: { actorId: string | null | undefined; action: AuditAction; subjectType: string; subjectId?: string | null; detail?: Record<string, unknown> },
    manager?: EntityManager,
  ): Promise<void> {
    await (manager ?? this.db.manager).query(`INSERT INTO audit_log (actor_id, action, subject_type, subject_id, detail) VALUES ($1, $2, $3, $4, $5)`, [
      entry.actorId ?? null,
      entry.action,
      entry.subjectType,
      entry.subjectId ?? null,
      JSON.stringify(entry.detail ?? {}),
    ]);
  }

  /** Newest first, a page of `limit` after the row `before` (keyset on (at, id)), with today's names of who and what. */
  async page(limit: number, before?: string): Promise<AuditRow[]> {
    return this.db.query<AuditRow[]>(
      `SELECT l.id, l.at, l.actor_id AS "actorId", l.action, l.subject_type AS "subjectType", l.subject_id AS "subjectId", l.detail,
              actor.name AS "actorName",
              CASE l.subject_type WHEN 'appeal' THEN a.title WHEN 'case' THEN c.name WHEN 'supporter' THEN s.name END AS "subjectLabel"
         FROM audit_log l
         LEFT JOIN supporters actor ON actor.id = l.actor_id
         LEFT JOIN appeals a ON l.subject_type = 'appeal' AND a.id = l.subject_id
         LEFT JOIN cases c ON l.subject_type = 'case' AND c.id = l.subject_id
         LEFT JOIN supporters s ON l.subject_type = 'supporter' AND s.id = l.subject_id
        WHERE $2::uuid IS NULL OR (l.at, l.id) < (SELECT at, id FROM audit_log WHERE id = $2::uuid)
        ORDER BY l.at DESC, l.id DESC LIMIT $1`,
      [limit, before ?? null],
    );
  }
}
