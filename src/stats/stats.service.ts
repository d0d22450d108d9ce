import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Caller, isCoordinator } from '../common/auth/current-supporter.decorator';
import { NotFoundError } from '../common/errors';
import { LetterCountsView } from '../delivery/dto/letter-counts.dto';
import { LETTER_STATUSES, LetterStatus } from '../letters/letter.entity';
import { DeliveryOverview, DeliveryStats, SupporterStats } from './dto/stats.dto';

export type LetterCounts = LetterCountsView;

/** One row of the dashboard's per-case or per-appeal table. */
export interface ScopeRow {
  id: string;
  name: string;
  /** The case's name, for an appeal. */
  caseName?: string;
  letters: LetterCounts;
}

/** An official's pacing state: the hourly limit, office hours, claims in the last hour (paced_claims) and letters waiting. */
export interface OfficialPacing {
  id: string;
  name: string;
  title: string;
  maxLettersPerHour: number | null;
  officeHours: string | null;
  timezone: string | null;
  claimsLastHour: number;
  waiting: number;
}

/**
 * Where a scope's counters live: letter_counts and letter_days are rolled up by triggers
 * as letters change state, and supporter_count as signatures arrive, so no request counts
 * letters one by one.
 */
const SCOPES = {
  case: { table: 'cases', counts: 'letter_counts r JOIN appeals a ON a.id = r.appeal_id WHERE a.case_id = $1', days: 'letter_days r JOIN appeals a ON a.id = r.appeal_id WHERE a.case_id = $1' },
  appeal: { table: 'appeals', counts: 'letter_counts r WHERE r.appeal_id = $1', days: 'letter_days r WHERE r.appeal_id = $1' },
  official: { table: 'officials', counts: 'letter_counts r WHERE r.official_id = $1', days: 'letter_days r WHERE r.official_id = $1' },
} as const;

/** Read-only counts of letters; the dashboard and /api/stats both read from here. */
@Injectable()
export class StatsService {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async forScope(scope: keyof typeof SCOPES, id: string): Promise<DeliveryStats> {
    const { table, counts, days } = SCOPES[scope];
    const [byStatus, owner, byDay] = await Promise.all([
      this.db.query<{ status: LetterStatus; count: number }[]>(`SELECT r.status, sum(r.count)::int AS count FROM ${counts} GROUP BY r.status`, [id]),
      this.db.query<{ supporters: number }[]>(`SELECT supporter_count AS supporters FROM ${table} WHERE id = $1`, [id]),
      this.db.query<{ date: string; sent: number }[]>(`SELECT to_char(r.day, 'YYYY-MM-DD') AS date, sum(r.sent)::int AS sent FROM ${days} GROUP BY r.day ORDER BY r.day`, [id]),
    ]);
    if (owner.length === 0) throw new NotFoundError(scope[0].toUpperCase() + scope.slice(1));
    return { letters: countsOf(byStatus), supporters: owner[0].supporters, byDay };
  }

  /** Every letter at a glance, from the trigger-kept rollups (letter_counts, letter_minutes, letter_failures). */
  async overview(): Promise<DeliveryOverview> {
    const [byStatus, perMinute, failures] = await Promise.all([
      this.db.query<{ status: LetterStatus; count: number }[]>(`SELECT status, sum(count)::int AS count FROM letter_counts GROUP BY status`),
      this.db.query<{ minute: Date; sent: number }[]>(
        `SELECT m.minute, coalesce(r.sent, 0)::int AS sent
           FROM generate_series(date_trunc('minute', now()) - interval '59 minutes', date_trunc('minute', now()), interval '1 minute') AS m(minute)
           LEFT JOIN letter_minutes r ON r.minute = m.minute ORDER BY m.minute`,
      ),
      this.db.query<{ status: 'failed' | 'unknown'; reason: string; count: number }[]>(
        `SELECT status, reason, count FROM letter_failures WHERE count > 0 ORDER BY count DESC, status, reason LIMIT 20`,
      ),
    ]);
    return {
      letters: countsOf(byStatus),
      throughput: {
        lastHour: perMinute.reduce((sum, row) => sum + row.sent, 0),
        perMinute: perMinute.map((row) => ({ minute: new Date(row.minute).toISOString(), sent: row.sent })),
      },
      failures: failures.map(({ status, reason, count }) => {
        const smtp = /^([2-5]\d\d)[ -](.*)$/s.exec(reason);
        return { status, code: smtp ? Number(smtp[1]) : null, text: smtp ? smtp[2] : reason, count };
      }),
    };
  }

  /** Counts by status per case and per appeal, from the same rollup (letter_counts) as forScope. */
  async byCaseAndAppeal(): Promise<{ cases: ScopeRow[]; appeals: ScopeRow[] }> {
    const [cases, appeals] = await Promise.all([
      this.db.query<{ id: string; name: string; status: LetterStatus | null; count: number }[]>(
        `SELECT c.id, c.name, r.status, sum(r.count)::int AS count
           FROM cases c LEFT JOIN appeals a ON a.case_id = c.id LEFT JOIN letter_counts r ON r.appeal_id = a.id
          GROUP BY c.id, c.name, r.status ORDER BY c.name, c.id`,
      ),
      this.db.query<{ id: string; name: string; caseName: string; status: LetterStatus | null; count: number }[]>(
        `SELECT a.id, a.title AS name, c.name AS "caseName", r.status, sum(r.count)::int AS count
           FROM appeals a JOIN cases c ON c.id = a.case_id LEFT JOIN letter_counts r ON r.appeal_id = a.id
          GROUP BY a.id, a.title, c.name, r.status ORDER BY c.name, a.title, a.id`,
      ),
    ]);
    return { cases: grouped(cases), appeals: grouped(appeals) };
  }

  /** Every official's pacing state; `waiting` counts its queued letters. */
  async officialsPacing(): Promise<OfficialPacing[]> {
    const rows = await this.db.query<OfficialPacing[]>(
      `SELECT o.id, o.name, o.title, o.max_letters_per_hour AS "maxLettersPerHour", o.timezone,
              CASE WHEN o.office_hours_start IS NULL THEN NULL
                   ELSE to_char(o.office_hours_start, 'HH24:MI') || '–' || to_char(o.office_hours_end, 'HH24:MI') END AS "officeHours",
              (SELECT count(*) FROM paced_claims p WHERE p.official_id = o.id AND p.claimed_at > now() - interval '1 hour')::int AS "claimsLastHour",
              coalesce((SELECT sum(r.count) FROM letter_counts r WHERE r.official_id = o.id AND r.status = 'queued'), 0)::int AS waiting
         FROM officials o ORDER BY o.name, o.id`,
    );
    return rows;
  }

  /** Letters sent per day across every appeal, from letter_days (the rollup forScope reads). */
  async sentByDay(): Promise<{ date: string; sent: number }[]> {
    return this.db.query<{ date: string; sent: number }[]>(`SELECT to_char(day, 'YYYY-MM-DD') AS date, sum(sent)::int AS sent FROM letter_days GROUP BY day ORDER BY day`);
  }

  /** A supporter's name and latest 200 letters, for the dashboard's supporter page (forSupporter gives the counts). */
  async supporterHistory(id: string): Promise<{ name: string; letters: { caseName: string; appealTitle: string; official: string; status: string; createdAt: string; sentAt: string }[] }> {
    const [supporter, letters] = await Promise.all([
      this.db.query<{ name: string }[]>(`SELECT name FROM supporters WHERE id = $1`, [id]),
      this.db.query<{ caseName: string; appealTitle: string; official: string; status: string; createdAt: string; sentAt: string }[]>(
        `SELECT c.name AS "caseName", a.title AS "appealTitle", o.title || ' ' || o.name AS official, l.status,
                to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS "createdAt",
                coalesce(to_char(l.sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), '—') AS "sentAt"
           FROM letters l JOIN appeals a ON a.id = l.appeal_id JOIN cases c ON c.id = a.case_id JOIN officials o ON o.id = l.official_id
          WHERE l.supporter_id = $1 ORDER BY l.created_at DESC, l.id LIMIT 200`,
        [id],
      ),
    ]);
    if (supporter.length === 0) throw new NotFoundError('Supporter');
    return { name: supporter[0].name, letters };
  }

  /** A member may read only its own. */
  async forSupporter(caller: Caller, id: string): Promise<SupporterStats> {
    if (!isCoordinator(caller) && caller.id !== id) throw new NotFoundError('Supporter');
    const exists = await this.db.query<unknown[]>(`SELECT 1 FROM supporters WHERE id = $1`, [id]);
    if (exists.length === 0) throw new NotFoundError('Supporter');
    const [byStatus, cases] = await Promise.all([
      this.db.query<{ status: LetterStatus; count: number }[]>(`SELECT status, count(*)::int AS count FROM letters WHERE supporter_id = $1 GROUP BY status`, [id]),
      this.db.query<SupporterStats['cases']>(
        `SELECT c.id AS "caseId", c.name, count(*) FILTER (WHERE l.status IN ('sent', 'bounced'))::int AS sent
           FROM letters l JOIN appeals a ON a.id = l.appeal_id JOIN cases c ON c.id = a.case_id
          WHERE l.supporter_id = $1 GROUP BY c.id, c.name ORDER BY c.name`,
        [id],
      ),
    ]);
    return { letters: countsOf(byStatus), cases };
  }
}

function countsOf(rows: { status: LetterStatus; count: number }[]): LetterCounts {
  const counts: LetterCounts = Object.fromEntries([...LETTER_STATUSES, 'total'].map((status) => [status, 0])) as Record<LetterStatus | 'total', number>;
  for (const { status, count } of rows) {
    counts[status] = count;
    counts.total += count;
  }
  return counts;
}

function grouped<T extends { id: string; name: string; caseName?: string; status: LetterStatus | null; count: number }>(rows: T[]): ScopeRow[] {
  const byId = new Map<string, { row: ScopeRow; statuses: { status: LetterStatus; count: number }[] }>();
  for (const { id, name, caseName, status, count } of rows) {
    let entry = byId.get(id);
    if (!entry) {
      entry = { row: { id, name, ...(caseName === undefined ? {} : { caseName }), letters: countsOf([]) }, statuses: [] };
      byId.set(id, entry);
    }
    if (status !== null) entry.statuses.push({ status, count });
  }
  return [...byId.values()].map(({ row, statuses }) => ({ ...row, letters: countsOf(statuses) }));
}
