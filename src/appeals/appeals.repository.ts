import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { CaseOfLetters, CaseRisk, CaseTranslations } from '../cases/case.entity';
import { preparedQuery } from '../database/prepared';
import { lettersAwaitingPostOf } from '../letters/letter-channel';
import type { LetterStatus } from '../letters/letter.entity';
import { addressedForCards, awaitsCard } from '../messages/message-cards';
import type { PrintFigures } from '../printing/print-runs.repository';
import type { TemplateKind } from '../templates/template-engine';
import { Appeal, AppealChannel, AppealModeration, AppealStatus } from './appeal.entity';

/** Appeals a filter selects; a field left null does not filter. */
export interface AppealFilter {
  status: AppealStatus | null;
  caseId: string | null;
}

export interface LetterCountRow {
  status: LetterStatus;
  count: number;
}

/** An appeal with its links and its letter counts by status, as a page of appeals reads it. */
/** A row as row_to_json gives it: its timestamps ISO strings. */
type AsJson<T> = Omit<T, 'launchedAt' | 'createdAt'> & { launchedAt: string | null } & ('createdAt' extends keyof T ? { createdAt: string } : unknown);

export interface AppealRow {
  id: string;
  caseId: string;
  title: string;
  channel: AppealChannel;
  moderation: AppealModeration;
  status: AppealStatus;
  deadline: string | null;
  launchedAt: Date | null;
  createdAt: Date;
  templateIds: string[];
  officialIds: string[];
  counts: LetterCountRow[];
}

/** A template of an appeal in a language other than English, with the case fields a launch checks. */
export interface LaunchTemplateRow {
  appeal_id: string;
  template_name: string;
  language: string;
  kind: TemplateKind;
  subject: string;
  body: string;
  name: string;
  profession: string | null;
  summary: string;
  charges: string | null;
  translations: CaseTranslations;
}

/** An official of an appeal and the addresses that appeal's channel may use. */
export interface AppealAddressRow {
  appealId: string;
  channel: AppealChannel;
  id: string;
  email: string | null;
  postalAddress: string | null;
}

/**
 * An appeal as its console page shows it: the appeal with its links and letter counts, its
 * case (the fields its letters are rendered from), its templates in the coordinator's order,
 * its officials by name, how many notes wait for moderation, how many letters and cards wait
 * for a print run, and its latest print runs, newest first.
 */
/**
 * What the console's appeal page shows that changes only with the content tables (see
 * src/database/content-changes.ts: every column here is one their triggers announce): the
 * appeal's title, deadline, case and links, its case, templates and officials.
 */
export interface AppealContentRow {
  id: string;
  caseId: string;
  title: string;
  deadline: string | null;
  createdAt: Date;
  templateIds: string[];
  officialIds: string[];
  case: CaseOfLetters;
  templates: { id: string; name: string; kind: TemplateKind; language: string; subject: string; body: string; version: number }[];
  officials: { id: string; name: string; title: string; salutation: string | null; organisation: string | null; language: string }[];
}

/** What the page reads every time it is opened: the appeal's state, letters, held notes and print runs. */
export interface AppealLiveRow {
  channel: AppealChannel;
  moderation: AppealModeration;
  status: AppealStatus;
  launchedAt: Date | null;
  counts: LetterCountRow[];
  heldNotes: number;
  awaitingPost: number;
  awaitingCards: number;
  /** As JSON gives them: `createdAt` an ISO string. */
  printRuns: (Omit<PrintFigures['runs'][number], 'createdAt'> & { createdAt: string })[];
  printRunsTotal: number;
}

export type AppealRecordRow = AppealContentRow & AppealLiveRow;

/** The content part of the appeal page's statement ($1 the appeal). */
const APPEAL_CONTENT_COLUMNS = `a.id, a.case_id AS "caseId", a.title, to_char(a.deadline, 'YYYY-MM-DD') AS deadline, a.created_at AS "createdAt",
       (SELECT coalesce(array_agg(t.template_id ORDER BY t.position), '{}') FROM appeal_templates t WHERE t.appeal_id = a.id) AS "templateIds",
       (SELECT coalesce(array_agg(o.official_id ORDER BY o.official_id), '{}') FROM appeal_officials o WHERE o.appeal_id = a.id) AS "officialIds",
       json_build_object('id', k.id, 'name', k.name, 'country', k.country, 'profession', k.profession, 'status', k.status, 'summary', k.summary, 'charges', k.charges,
                         'detainedOn', to_char(k.detained_on, 'YYYY-MM-DD'), 'gender', k.gender, 'translations', k.translations, 'risk', k.risk) AS "case",
       (SELECT coalesce(json_agg(json_build_object('id', tp.id, 'name', tp.name, 'kind', tp.kind, 'language', tp.language, 'subject', tp.subject, 'body', tp.body, 'version', tp.version) ORDER BY at.position), '[]')
          FROM appeal_templates at JOIN templates tp ON tp.id = at.template_id WHERE at.appeal_id = a.id) AS templates,
       (SELECT coalesce(json_agg(json_build_object('id', o.id, 'name', o.name, 'title', o.title, 'salutation', o.salutation, 'organisation', o.organisation, 'language', o.language) ORDER BY o.name, o.id), '[]')
          FROM appeal_officials ao JOIN officials o ON o.id = ao.official_id WHERE ao.appeal_id = a.id) AS officials`;

/** The live part ($1 the appeal, $2 how many print runs). */
const APPEAL_LIVE_COLUMNS = `a.channel, a.moderation, a.status, a.launched_at AS "launchedAt",
       (SELECT coalesce(json_agg(json_build_object('status', c.status, 'count', c.count)), '[]')
          FROM (SELECT r.status, sum(r.count)::int AS count FROM letter_counts r WHERE r.appeal_id = a.id GROUP BY r.status) c) AS counts,
       (SELECT count(*)::int FROM signatures s WHERE s.appeal_id = a.id AND s.note_status = 'held') AS "heldNotes",
       ${lettersAwaitingPostOf('a')} AS "awaitingPost",
       (SELECT count(*)::int FROM messages m WHERE m.case_id = k.id AND ${addressedForCards('k')} AND ${awaitsCard('m')}) AS "awaitingCards",
       (SELECT coalesce(json_agg(json_build_object('id', p.id, 'status', p.status, 'letters', p.letters, 'createdAt', p.created_at) ORDER BY p.created_at DESC, p.id DESC), '[]')
          FROM (SELECT id, status, letters, created_at FROM print_runs WHERE appeal_id = a.id ORDER BY created_at DESC, id DESC LIMIT $2) p) AS "printRuns",
       (SELECT count(*)::int FROM print_runs p WHERE p.appeal_id = a.id) AS "printRunsTotal"`;

const APPEAL_OF = `FROM appeals a JOIN cases k ON k.id = a.case_id WHERE a.id = $1`;

/** The appeals, appeal_templates and appeal_officials tables. Methods that take a manager run in the caller's transaction. */
@Injectable()
export class AppealsRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** A new draft appeal with its templates and officials, in the order given. */
  async insertDraft(manager: EntityManager, draft: { caseId: string; title: string; channel: AppealChannel; moderation: AppealModeration; deadline: string | null; templateIds: string[]; officialIds: string[] }): Promise<string> {
    const saved = await manager.save(Appeal, manager.create(Appeal, { caseId: draft.caseId, title: draft.title, channel: draft.channel, moderation: draft.moderation, deadline: draft.deadline, status: 'draft' }));
    // The coordinator's order is stored: the first template is the fallback language.
    await manager.query(`INSERT INTO appeal_templates (appeal_id, template_id, position) SELECT $1, t.id, t.position - 1 FROM unnest($2::uuid[]) WITH ORDINALITY AS t(id, position)`, [
      saved.id,
      draft.templateIds,
    ]);
    await manager.query(`INSERT INTO appeal_officials (appeal_id, official_id) SELECT $1, unnest($2::uuid[])`, [saved.id, draft.officialIds]);
    return saved.id;
  }

  findById(id: string, manager: EntityManager = this.db.manager): Promise<Appeal | null> {
    return manager.findOne(Appeal, { where: { id } });
  }

  /** The console's appeal page in one round trip, content and live parts, with its latest `printRuns` runs; null if there is no such appeal. */
  async recordOf(id: string, printRuns: number): Promise<AppealRecordRow | null> {
    // The record as one JSON object: the driver decodes one value, not twenty columns (two of them arrays it parses itself).
    const [row] = await preparedQuery<{ record: AsJson<AppealRecordRow> }>(this.db, 'qalam_appeal_record', `SELECT row_to_json(r) AS record FROM (SELECT ${APPEAL_CONTENT_COLUMNS}, ${APPEAL_LIVE_COLUMNS} ${APPEAL_OF}) r`, [
      id,
      printRuns,
    ]);
    if (!row) return null;
    const { launchedAt, createdAt, ...record } = row.record;
    return { ...record, launchedAt: launchedAt === null ? null : new Date(launchedAt), createdAt: new Date(createdAt) };
  }

  /** The live part of the appeal page alone (its content kept: AppealContentService); null if there is no such appeal. */
  async liveOf(id: string, printRuns: number): Promise<AppealLiveRow | null> {
    const [row] = await preparedQuery<{ record: AsJson<AppealLiveRow> }>(this.db, 'qalam_appeal_live', `SELECT row_to_json(r) AS record FROM (SELECT ${APPEAL_LIVE_COLUMNS} ${APPEAL_OF}) r`, [id, printRuns]);
    if (!row) return null;
    const { launchedAt, ...live } = row.record;
    return { ...live, launchedAt: launchedAt === null ? null : new Date(launchedAt) };
  }

  /** The appeal's template and official ids, each sorted by id. */
  async linksOf(id: string): Promise<{ templateIds: string[]; officialIds: string[] }> {
    const [links] = await this.db.query<{ templateIds: string[]; officialIds: string[] }[]>(
      `SELECT (SELECT coalesce(array_agg(template_id ORDER BY position), '{}') FROM appeal_templates WHERE appeal_id = $1) AS "templateIds",
              (SELECT coalesce(array_agg(official_id ORDER BY official_id), '{}') FROM appeal_officials WHERE appeal_id = $1) AS "officialIds"`,
      [id],
    );
    return links;
  }

  /** The appeal's status and its letters by status (letter_counts), in one statement; null if there is no such appeal. */
  async statusAndCountsOf(id: string): Promise<{ status: AppealStatus; counts: LetterCountRow[] } | null> {
    const [row] = await this.db.query<{ status: AppealStatus; counts: LetterCountRow[] }[]>(
      `SELECT a.status, (SELECT coalesce(json_agg(json_build_object('status', c.status, 'count', c.count)), '[]')
                           FROM (SELECT r.status, sum(r.count)::int AS count FROM letter_counts r WHERE r.appeal_id = a.id GROUP BY r.status) c) AS counts
         FROM appeals a WHERE a.id = $1`,
      [id],
    );
    return row ?? null;
  }

  /** The appeal's letters by status, from the letter_counts rollup. */
  letterCountsOf(id: string): Promise<LetterCountRow[]> {
    return this.db.query(`SELECT status, sum(count)::int AS count FROM letter_counts WHERE appeal_id = $1 GROUP BY status`, [id]);
  }

  /** A page of appeals, oldest first, each with its links and letter counts, and how many the filter selects (two statements). */
  async page(filter: AppealFilter, page: number, limit: number): Promise<{ rows: AppealRow[]; total: number }> {
    const params = [filter.status, filter.caseId];
    const where = `($1::text IS NULL OR a.status = $1) AND ($2::uuid IS NULL OR a.case_id = $2)`;
    const [rows, [{ total }]] = await Promise.all([
      this.db.query<AppealRow[]>(
        `SELECT a.id, a.case_id AS "caseId", a.title, a.channel, a.moderation, a.status, to_char(a.deadline, 'YYYY-MM-DD') AS deadline, a.launched_at AS "launchedAt", a.created_at AS "createdAt",
                (SELECT coalesce(array_agg(t.template_id ORDER BY t.position), '{}') FROM appeal_templates t WHERE t.appeal_id = a.id) AS "templateIds",
                (SELECT coalesce(array_agg(o.official_id ORDER BY o.official_id), '{}') FROM appeal_officials o WHERE o.appeal_id = a.id) AS "officialIds",
                (SELECT coalesce(json_agg(json_build_object('status', c.status, 'count', c.count)), '[]')
                   FROM (SELECT r.status, sum(r.count)::int AS count FROM letter_counts r WHERE r.appeal_id = a.id GROUP BY r.status) c) AS counts
           FROM appeals a WHERE ${where} ORDER BY a.created_at, a.id LIMIT $3 OFFSET $4`,
        [...params, limit, (page - 1) * limit],
      ),
      this.db.query<{ total: number }[]>(`SELECT count(*)::int AS total FROM appeals a WHERE ${where}`, params),
    ]);
    return { rows, total };
  }

  async statusOf(manager: EntityManager, id: string): Promise<AppealStatus | null> {
    const [row] = await manager.query<{ status: AppealStatus }[]>(`SELECT status FROM appeals WHERE id = $1`, [id]);
    return row?.status ?? null;
  }

  /** The risk of the appeal's case (null if there is no such appeal). */
  /** What signing an appeal needs of it, in the caller's transaction: its status, moderation and its case's risk (null if no such appeal). */
  async signingStateOf(manager: EntityManager, id: string): Promise<{ status: AppealStatus; moderation: AppealModeration; risk: CaseRisk } | null> {
    const [row] = await manager.query<{ status: AppealStatus; moderation: AppealModeration; risk: CaseRisk }[]>(
      `SELECT a.status, a.moderation, k.risk FROM appeals a JOIN cases k ON k.id = a.case_id WHERE a.id = $1`,
      [id],
    );
    return row ?? null;
  }

  /** signingStateOf for several appeals in one read, by id (an unknown id is absent). */
  async signingStatesOf(manager: EntityManager, ids: string[]): Promise<Map<string, { status: AppealStatus; moderation: AppealModeration; risk: CaseRisk }>> {
    const rows = await manager.query<{ id: string; status: AppealStatus; moderation: AppealModeration; risk: CaseRisk }[]>(
      `SELECT a.id, a.status, a.moderation, k.risk FROM appeals a JOIN cases k ON k.id = a.case_id WHERE a.id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map(({ id, ...state }) => [id, state]));
  }

  /** The status of each of these appeals that exists, by id. */
  statusesOf(ids: string[], manager: EntityManager = this.db.manager): Promise<{ id: string; status: AppealStatus }[]> {
    return manager.query(`SELECT id, status FROM appeals WHERE id = ANY($1::uuid[]) ORDER BY id`, [ids]);
  }

  /**
   * Moves the appeal to `to` if its status is one of `from`; the check and the change are one
   * statement, so two clicks cannot both win. A launch stamps launched_at. False if it did not move.
   */
  async moveStatus(manager: EntityManager, id: string, from: AppealStatus[], to: AppealStatus, launch: boolean): Promise<boolean> {
    const [rows] = await manager.query<[{ id: string }[], number]>(
      `UPDATE appeals SET status = $2, launched_at = CASE WHEN $3 THEN now() ELSE launched_at END, updated_at = now()
        WHERE id = $1 AND status = ANY($4::text[]) RETURNING id`,
      [id, to, launch, from],
    );
    return rows.length > 0;
  }

  /** Launches those of these appeals that are drafts. */
  async launchDrafts(manager: EntityManager, ids: string[]): Promise<void> {
    await manager.query(`UPDATE appeals SET status = 'open', launched_at = now(), updated_at = now() WHERE id = ANY($1::uuid[]) AND status = 'draft'`, [ids]);
  }

  /** The case's appeals that a signature or a launch could still change (draft, open, paused), by id. */
  async unclosedOfCase(manager: EntityManager, caseId: string): Promise<string[]> {
    const rows = await manager.query<{ id: string }[]>(`SELECT id FROM appeals WHERE case_id = $1 AND status IN ('draft', 'open', 'paused') ORDER BY id`, [caseId]);
    return rows.map((row) => row.id);
  }

  /** A case's outcome closes its draft, open and paused appeals. */
  async closeOfCase(manager: EntityManager, caseId: string): Promise<void> {
    await manager.query(`UPDATE appeals SET status = 'closed', updated_at = now() WHERE case_id = $1 AND status IN ('draft', 'open', 'paused')`, [caseId]);
  }

  /** The templates a launch of these appeals checks for translations: those not in English, with their appeal's case. */
  /** The appeal's channel and its officials' addresses, to check at launch that each can be written to. */
  addressesOf(manager: EntityManager, ids: string[]): Promise<AppealAddressRow[]> {
    return manager.query(
      `SELECT a.id AS "appealId", a.channel, o.id, o.email, o.postal_address AS "postalAddress"
         FROM appeals a JOIN appeal_officials ao ON ao.appeal_id = a.id JOIN officials o ON o.id = ao.official_id
        WHERE a.id = ANY($1::uuid[]) ORDER BY a.id, o.id`,
      [ids],
    );
  }

  /** The templates of those of these appeals whose letters may be printed (post, email-then-post), in the coordinator's order. */
  printedTemplatesOf(manager: EntityManager, ids: string[]): Promise<{ appealId: string; templateId: string; templateName: string; subject: string; body: string }[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return manager.query(
      `SELECT a.id AS "appealId", tp.id AS "templateId", tp.name AS "templateName", tp.subject, tp.body
         FROM appeals a JOIN appeal_templates at ON at.appeal_id = a.id JOIN templates tp ON tp.id = at.template_id
        WHERE a.id = ANY($1::uuid[]) AND a.channel IN ('post', 'email-then-post')
        ORDER BY a.id, at.position`,
      [ids],
    );
  }

  async launchTemplatesOf(manager: EntityManager, ids: string[]): Promise<LaunchTemplateRow[]> {
    if (ids.length === 0) return [];
    return manager.query(
      `SELECT at.appeal_id, tp.name AS template_name, tp.language, tp.kind, tp.subject, tp.body,
              k.name, k.profession, k.summary, k.charges, k.translations
         FROM appeal_templates at JOIN templates tp ON tp.id = at.template_id
         JOIN appeals a ON a.id = at.appeal_id JOIN cases k ON k.id = a.case_id
        WHERE at.appeal_id = ANY($1::uuid[]) AND tp.language <> 'en'
        ORDER BY at.appeal_id, at.position`,
      [ids],
    );
  }
}
