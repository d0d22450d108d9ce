import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { LetterStatus } from '../letters/letter.entity';

/** A status and how many letters have it. */
export interface StatusCountRow {
  status: LetterStatus;
  count: number;
}

/** A case's or an appeal's count of one status (null status: none of its letters yet). */
export interface ScopeStatusRow {
  id: string;
  name: string;
  caseName?: string;
  status: LetterStatus | null;
  count: number;
}

/** An official's pacing state: the hourly limit, office hours, claims in the last hour (paced_claims) and letters waiting. */
export interface OfficialPacingRow {
  id: string;
  name: string;
  title: string;
  maxLettersPerHour: number | null;
  officeHours: string | null;
  timezone: string | null;
  claimsLastHour: number;
  waiting: number;
}

/** One row of a case's letters export; the supporter's email only when asked for. */
export interface LetterExportRow {
  id: string;
  appeal_id: string;
  official_id: string;
  status: string;
  attempts: number;
  sent_at: Date | null;
  smtp_response: string | null;
  supporter_id: string | null;
  supporter_email?: string | null;
}

export type StatsScope = 'case' | 'appeal' | 'official';

/**
 * Where a scope's counters live: letter_counts and letter_days are rolled up by triggers
 * as letters change state, and supporter_counts as signatures arrive, so no request counts
 * letters one by one. letter_counts and supporter_counts keep a row per connection
 * (`shard`) that signs or sends beside others: every read sums them.
 */
const SCOPES = {
  case: { table: 'cases', counts: 'letter_counts r JOIN appeals a ON a.id = r.appeal_id WHERE a.case_id = $1', days: 'letter_days r JOIN appeals a ON a.id = r.appeal_id WHERE a.case_id = $1' },
  appeal: { table: 'appeals', counts: 'letter_counts r WHERE r.appeal_id = $1', days: 'letter_days r WHERE r.appeal_id = $1' },
  official: { table: 'officials', counts: 'letter_counts r WHERE r.official_id = $1', days: 'letter_days r WHERE r.official_id = $1' },
} as const satisfies Record<StatsScope, unknown>;

/** Rows fetched per round trip of the export cursor. */
const EXPORT_PAGE = 1000;

/**
 * The read model of the counts: the trigger-kept rollups (letter_counts, letter_days,
 * letter_minutes, letter_failures, supporter_counts) and the export cursor over a
 * case's letters. No statement here counts letter rows: the stats benchmark depends on it.
 */
@Injectable()
export class StatsRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** A scope's letters by status, its supporter count (null if there is no such case, appeal or official) and its letters sent per day. */
  async forScope(scope: StatsScope, id: string): Promise<{ byStatus: StatusCountRow[]; supporters: number | null; byDay: { date: string; sent: number }[] }> {
    const { table, counts, days } = SCOPES[scope];
    const [byStatus, owner, byDay] = await Promise.all([
      this.db.query<StatusCountRow[]>(`SELECT r.status, sum(r.count)::int AS count FROM ${counts} GROUP BY r.status`, [id]),
      this.db.query<{ supporters: number }[]>(`SELECT supporters_counted(id) AS supporters FROM ${table} WHERE id = $1`, [id]),
      this.db.query<{ date: string; sent: number }[]>(`SELECT to_char(r.day, 'YYYY-MM-DD') AS date, sum(r.sent)::int AS sent FROM ${days} GROUP BY r.day ORDER BY r.day`, [id]),
    ]);
    return { byStatus, supporters: owner.length === 0 ? null : owner[0].supporters, byDay };
  }

  /** These appeals' titles and supporter counts (the supporters_counted forScope reads), in one statement. */
  appealSupporters(ids: string[]): Promise<{ id: string; title: string; supporters: number }[]> {
    return this.db.query<{ id: string; title: string; supporters: number }[]>(`SELECT id, title, supporters_counted(id) AS supporters FROM appeals WHERE id = ANY($1::uuid[])`, [ids]);
  }

  /** Every letter by status (letter_counts). */
  statusCounts(): Promise<StatusCountRow[]> {
    return this.db.query<StatusCountRow[]>(`SELECT status, sum(count)::int AS count FROM letter_counts GROUP BY status`);
  }

  /** Letters sent in each of the last sixty minutes, none missing (letter_minutes). */
  sentPerMinuteLastHour(): Promise<{ minute: Date; sent: number }[]> {
    return this.db.query<{ minute: Date; sent: number }[]>(
      `SELECT m.minute, coalesce(r.sent, 0)::int AS sent
         FROM generate_series(date_trunc('minute', now()) - interval '59 minutes', date_trunc('minute', now()), interval '1 minute') AS m(minute)
         LEFT JOIN letter_minutes r ON r.minute = m.minute ORDER BY m.minute`,
    );
  }

  /** The twenty commonest failure reasons (letter_failures). */
  topFailures(): Promise<{ status: 'failed' | 'unknown'; reason: string; count: number }[]> {
    return this.db.query<{ status: 'failed' | 'unknown'; reason: string; count: number }[]>(
      `SELECT status, reason, count FROM letter_failures WHERE count > 0 ORDER BY count DESC, status, reason LIMIT 20`,
    );
  }

  /** Counts by status per case and per appeal (letter_counts), one row per status. */
  async byCaseAndAppeal(): Promise<{ cases: ScopeStatusRow[]; appeals: ScopeStatusRow[] }> {
    const [cases, appeals] = await Promise.all([
      this.db.query<ScopeStatusRow[]>(
        `SELECT c.id, c.name, r.status, sum(r.count)::int AS count
           FROM cases c LEFT JOIN appeals a ON a.case_id = c.id LEFT JOIN letter_counts r ON r.appeal_id = a.id
          GROUP BY c.id, c.name, r.status ORDER BY c.name, c.id`,
      ),
      this.db.query<ScopeStatusRow[]>(
        `SELECT a.id, a.title AS name, c.name AS "caseName", r.status, sum(r.count)::int AS count
           FROM appeals a JOIN cases c ON c.id = a.case_id LEFT JOIN letter_counts r ON r.appeal_id = a.id
          GROUP BY a.id, a.title, c.name, r.status ORDER BY c.name, a.title, a.id`,
      ),
    ]);
    return { cases, appeals };
  }

  /** Every official's pacing state; `waiting` counts its queued letters (letter_counts). */
  officialsPacing(): Promise<OfficialPacingRow[]> {
    return this.db.query<OfficialPacingRow[]>(
      `SELECT o.id, o.name, o.title, o.max_letters_per_hour AS "maxLettersPerHour", o.timezone,
              CASE WHEN o.office_hours_start IS NULL THEN NULL
                   ELSE to_char(o.office_hours_start, 'HH24:MI') || '–' || to_char(o.office_hours_end, 'HH24:MI') END AS "officeHours",
              (SELECT count(*) FROM paced_claims p WHERE p.official_id = o.id AND p.claimed_at > now() - interval '1 hour')::int AS "claimsLastHour",
              coalesce((SELECT sum(r.count) FROM letter_counts r WHERE r.official_id = o.id AND r.status = 'queued'), 0)::int AS waiting
         FROM officials o ORDER BY o.name, o.id`,
    );
  }

  /** Letters sent per day across every appeal (letter_days). */
  sentByDay(): Promise<{ date: string; sent: number }[]> {
    return this.db.query<{ date: string; sent: number }[]>(`SELECT to_char(day, 'YYYY-MM-DD') AS date, sum(sent)::int AS sent FROM letter_days GROUP BY day ORDER BY day`);
  }

  /**
   * A case's letters, read through a server-side cursor in one snapshot: however many
   * letters a case has, memory holds one page, and rows written while the export runs do not
   * tear it. The cursor holds a pooled connection until the caller has read the last page.
   */
  async *lettersOfCase(caseId: string, withEmail: boolean): AsyncGenerator<LetterExportRow> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('REPEATABLE READ');
      await runner.query(
        `DECLARE case_letters NO SCROLL CURSOR FOR
         SELECT l.id, l.appeal_id, l.official_id, l.status, l.attempts, l.sent_at, l.smtp_response, l.supporter_id
                ${withEmail ? ', s.email AS supporter_email' : ''}
           FROM letters l JOIN appeals a ON a.id = l.appeal_id ${withEmail ? 'LEFT JOIN supporters s ON s.id = l.supporter_id' : ''}
          WHERE a.case_id = $1 ORDER BY l.appeal_id, l.id`,
        [caseId],
      );
      for (;;) {
        const rows = (await runner.query(`FETCH ${EXPORT_PAGE} FROM case_letters`)) as LetterExportRow[];
        if (rows.length === 0) break;
        yield* rows;
      }
      await runner.commitTransaction();
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  }
}
