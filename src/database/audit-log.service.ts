import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** What staff do that the audit log records. */
export const AUDIT_ACTIONS = [
  'appeal.launch',
  'appeal.pause',
  'appeal.resume',
  'appeal.cancel',
  'case.outcome',
  'supporter.role',
  'supporter.deactivate',
  'supporter.activate',
  'supporters.import',
  'staff.invite',
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

  /** Newest first, a page of `limit` after the row `before` (keyset on (at, id)). */
  async page(limit: number, before?: string): Promise<AuditEntry[]> {
    return this.db.query<AuditEntry[]>(
      `SELECT id, at, actor_id AS "actorId", action, subject_type AS "subjectType", subject_id AS "subjectId", detail FROM audit_log
        WHERE $2::uuid IS NULL OR (at, id) < (SELECT at, id FROM audit_log WHERE id = $2::uuid)
        ORDER BY at DESC, id DESC LIMIT $1`,
      [limit, before ?? null],
    );
  }
}
