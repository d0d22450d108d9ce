import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { preparedQuery } from '../database/prepared';
import { takesMessages } from '../cases/case-filters';
import { reachableMember } from '../supporters/member-filters';
import { Cycle, CycleStatus } from './cycle.entity';
import type { CycleView, MemberAppealView, MemberCycleView } from './dto/cycle.dto';

/** What a cycle's signing page shows every member alike: the cycle, its appeals without anyone's signature. */
export type CycleContentRow = Omit<MemberCycleView, 'appeals' | 'member' | 'messageBoxes'> & { appeals: Omit<MemberAppealView, 'signed' | 'signature'>[] };

/**
 * A member's own part of the page: their row (null if no such supporter), whether the cycle
 * is open to them (open, and they a reachable member: a sign link works), their message
 * boxes, and their signatures, by appeal id.
 */
export interface MemberPartRow {
  member: MemberCycleView['member'] | null;
  open: boolean;
  /** The month's cases that take messages now (takesMessages), each with the text of the member's message held for it, if one waits. */
  messageBoxes: { caseId: string; heldText: string | null }[];
  signatures: Record<string, NonNullable<MemberAppealView['signature']>>;
}

/** What the coordinator's reminder checks, read with the cycle's row locked. */
export interface ReminderStateRow {
  status: CycleStatus;
  reminder_after_days: number | null;
  opened_at: Date | null;
  reminded_at: Date | null;
  due_at: Date | null;
}

/**
 * The cycles and cycle_appeals tables. Their invitations (cycle_invitations) are member
 * mail's, in mailings/, which the worker shares; a cycle's view only counts them. Methods that take a manager run in the caller's transaction.
 */
@Injectable()
export class CyclesRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** A draft cycle bundling these appeals, in the coordinator's order (the order members read the cases in). */
  async insertDraft(manager: EntityManager, draft: { month: string; title: string; reminderAfterDays: number | null; appealIds: string[] }): Promise<string> {
    const cycle = await manager.save(Cycle, manager.create(Cycle, { month: draft.month, title: draft.title, reminderAfterDays: draft.reminderAfterDays, status: 'draft' }));
    await manager.query(`INSERT INTO cycle_appeals (cycle_id, appeal_id, position) SELECT $1, id, position - 1 FROM unnest($2::uuid[]) WITH ORDINALITY AS a(id, position)`, [
      cycle.id,
      draft.appealIds,
    ]);
    return cycle.id;
  }

  async findView(id: string): Promise<CycleView | null> {
    const [view] = await this.views(`c.id = $1`, [id]);
    return view ?? null;
  }

  /** A page of cycles, newest month first, and how many there are. */
  async page(page: number, limit: number): Promise<{ items: CycleView[]; total: number }> {
    const [items, [{ total }]] = await Promise.all([
      this.views(`true ORDER BY c.month DESC, c.created_at DESC, c.id LIMIT $1 OFFSET $2`, [limit, (page - 1) * limit]),
      this.db.query<{ total: number }[]>(`SELECT count(*)::int AS total FROM cycles`),
    ]);
    return { items, total };
  }

  /** The cycle's status, its row locked until the transaction ends (null if there is none). */
  async lockStatus(manager: EntityManager, id: string): Promise<CycleStatus | null> {
    const [cycle] = await manager.query<{ status: CycleStatus }[]>(`SELECT status FROM cycles WHERE id = $1 FOR UPDATE`, [id]);
    return cycle?.status ?? null;
  }

  /** The cycle's appeals, by id. */
  async appealIdsOf(manager: EntityManager, id: string): Promise<string[]> {
    const rows = await manager.query<{ appeal_id: string }[]>(`SELECT appeal_id FROM cycle_appeals WHERE cycle_id = $1 ORDER BY appeal_id`, [id]);
    return rows.map((row) => row.appeal_id);
  }

  async markOpen(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`UPDATE cycles SET status = 'open', opened_at = now(), updated_at = now() WHERE id = $1`, [id]);
  }

  /** Whether the cycle is open and the supporter a reachable member (what a sign link needs). */
  async isOpenToMember(cycleId: string, supporterId: string): Promise<boolean> {
    const [row] = await preparedQuery<{ ok: boolean }>(
      this.db,
      'qalam_cycle_open_to_member',
      `SELECT true AS ok FROM supporters s, cycles c WHERE s.id = $1 AND c.id = $2 AND c.status = 'open' AND ${reachableMember('s')}`,
      [supporterId, cycleId],
    );
    return Boolean(row);
  }

  /**
   * What a cycle's signing page shows every member alike, in one statement: the cycle and its
   * appeals in order, each with its case (translations, timeline), officials and templates.
   * Null for a draft or unknown cycle. Kept in memory by CycleContentService.
   */
  async memberContent(cycleId: string): Promise<CycleContentRow | null> {
    const [row] = await this.db.query<CycleContentRow[]>(
      `SELECT c.id, trim(c.month) AS month, c.title, c.status, c.opened_at AS "openedAt",
              coalesce((
                SELECT json_agg(json_build_object(
                  'id', a.id, 'title', a.title, 'status', a.status, 'deadline', to_char(a.deadline, 'YYYY-MM-DD'), 'position', ca.position,
                  'case', json_build_object('id', k.id, 'name', k.name, 'country', k.country, 'profession', k.profession, 'status', k.status,
                    'summary', k.summary, 'charges', k.charges, 'detainedOn', to_char(k.detained_on, 'YYYY-MM-DD'),
                    'gender', k.gender, 'translations', k.translations, 'risk', k.risk,
                    'events', coalesce((SELECT json_agg(json_build_object('occurredOn', to_char(e.occurred_on, 'YYYY-MM-DD'), 'kind', e.kind,
                                          'description', e.description, 'sourceUrl', e.source_url) ORDER BY e.occurred_on, e.created_at, e.id)
                                          FROM case_events e WHERE e.case_id = k.id), '[]'::json)),
                  'officials', coalesce((SELECT json_agg(json_build_object('id', o.id, 'name', o.name, 'title', o.title, 'language', o.language,
                                          'salutation', o.salutation, 'organisation', o.organisation) ORDER BY o.name, o.id)
                                          FROM appeal_officials ao JOIN officials o ON o.id = ao.official_id WHERE ao.appeal_id = a.id), '[]'::json),
                  -- The coordinator's order, the letter sender's: the first is the fallback language. With
                  -- their texts, so that the page renders the letters through the one rendering path.
                  'templates', coalesce((SELECT json_agg(json_build_object('id', t.id, 'language', t.language, 'kind', t.kind, 'subject', t.subject,
                                          'body', t.body, 'version', t.version) ORDER BY at.position)
                                          FROM appeal_templates at JOIN templates t ON t.id = at.template_id WHERE at.appeal_id = a.id AND t.kind = 'appeal'), '[]'::json)
                ) ORDER BY ca.position)
                  FROM cycle_appeals ca JOIN appeals a ON a.id = ca.appeal_id JOIN cases k ON k.id = a.case_id
                 WHERE ca.cycle_id = c.id), '[]'::json) AS appeals
         FROM cycles c WHERE c.id = $1 AND c.status <> 'draft'`,
      [cycleId],
    );
    return row ?? null;
  }

  /**
   * What is the member's own on the page (a statement prepared once per connection): their
   * row, and their signature of each of the cycle's appeals with its letters, by appeal id.
   * The letters are looked up by supporter alone (the leading column of
   * letters_supporter_appeal_official, a member's few letters): letters has no index on
   * signature_id, and given the appeal too, a plan made while letters still looked small
   * (a burst of signers grows it faster than it is analysed) scanned every letter of the
   * appeal by letters_appeal. A letter the retention scrub unlinked is no longer the
   * member's, as on their letters page.
   */
  async memberPart(cycleId: string, supporterId: string): Promise<MemberPartRow> {
    const [row] = await preparedQuery<MemberPartRow>(
      this.db,
      'qalam_cycle_member_part',
      `SELECT (SELECT json_build_object('id', s.id, 'name', s.name, 'language', s.language, 'country', s.country, 'city', s.city, 'signatureStyle', s.signature_style)
                 FROM supporters s WHERE s.id = $2) AS member,
              EXISTS (SELECT 1 FROM supporters s, cycles c WHERE s.id = $2 AND c.id = $1 AND c.status = 'open' AND ${reachableMember('s')}) AS open,
              coalesce((SELECT json_agg(json_build_object('caseId', k.id,
                                 'heldText', (SELECT m.text FROM messages m WHERE m.case_id = k.id AND m.supporter_id = $2 AND m.status = 'held' LIMIT 1)))
                          FROM cases k
                         WHERE k.id IN (SELECT a.case_id FROM cycle_appeals ca JOIN appeals a ON a.id = ca.appeal_id WHERE ca.cycle_id = $1) AND ${takesMessages('k')}), '[]'::json) AS "messageBoxes",
              coalesce((SELECT json_object_agg(sg.appeal_id, json_build_object('id', sg.id, 'note', sg.note, 'signatureStyle', sg.signature_style,
                                 'autoSigned', sg.auto_signed, 'createdAt', sg.created_at,
                                 'letters', coalesce((SELECT json_agg(json_build_object('officialId', l.official_id, 'status', l.status) ORDER BY l.official_id)
                                                        FROM letters l WHERE l.supporter_id = $2 AND l.signature_id = sg.id), '[]'::json)))
                          FROM cycle_appeals ca JOIN signatures sg ON sg.appeal_id = ca.appeal_id AND sg.supporter_id = $2
                         WHERE ca.cycle_id = $1), '{}'::json) AS signatures`,
      [cycleId, supporterId],
    );
    return row;
  }

  /** Null if the appeal is not one of the cycle's; else whether the supporter is (still) a reachable member. */
  async appealInCycle(cycleId: string, appealId: string, supporterId: string): Promise<{ reachable: boolean } | null> {
    const [inCycle] = await preparedQuery<{ reachable: boolean }>(
      this.db,
      'qalam_cycle_appeal_of_member',
      `SELECT EXISTS (SELECT 1 FROM supporters s WHERE s.id = $3 AND ${reachableMember('s')}) AS reachable FROM cycle_appeals WHERE cycle_id = $1 AND appeal_id = $2`,
      [cycleId, appealId, supporterId],
    );
    return inCycle ?? null;
  }

  /** What the coordinator's reminder checks, with the cycle's row locked (null if there is none). */
  async lockReminderState(manager: EntityManager, id: string): Promise<ReminderStateRow | null> {
    const [cycle] = await manager.query<ReminderStateRow[]>(
      `SELECT status, reminder_after_days, opened_at, reminded_at, opened_at + make_interval(days => coalesce(reminder_after_days, 0)) AS due_at
         FROM cycles WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return cycle ?? null;
  }

  /** Begins the cycle's one reminder round now. */
  async markReminded(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`UPDATE cycles SET reminded_at = now(), updated_at = now() WHERE id = $1`, [id]);
  }

  /** Begins the reminder round of every open cycle whose reminderAfterDays have passed, in one statement; returns their ids. */
  async beginDueReminderRounds(): Promise<string[]> {
    const [updated] = await this.db.query<[{ id: string }[], number]>(
      `UPDATE cycles SET reminded_at = now(), updated_at = now()
        WHERE status = 'open' AND reminder_after_days IS NOT NULL AND reminded_at IS NULL
          AND opened_at <= now() - make_interval(days => reminder_after_days)
        RETURNING id`,
    );
    return updated.map((row) => row.id);
  }

  private views(where: string, params: unknown[]): Promise<CycleView[]> {
    return this.db.query<CycleView[]>(
      `SELECT c.id, trim(c.month) AS month, c.title, c.status, c.reminder_after_days AS "reminderAfterDays",
              coalesce((SELECT array_agg(ca.appeal_id ORDER BY ca.position) FROM cycle_appeals ca WHERE ca.cycle_id = c.id), '{}') AS "appealIds",
              c.opened_at AS "openedAt", c.reminded_at AS "remindedAt", c.created_at AS "createdAt",
              (SELECT json_build_object('total', count(*), 'invited', count(ci.invited_at), 'reminded', count(ci.reminded_at))
                 FROM cycle_invitations ci WHERE ci.cycle_id = c.id) AS invitations
         FROM cycles c WHERE ${where}`,
      params,
    );
  }
}
