import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Caller, isCoordinator } from '../auth/current-supporter.decorator';
import { NotFoundError } from '../common/errors';
import { LETTER_STATUSES, LetterStatus } from '../delivery/letter.entity';

export type LetterCounts = Record<LetterStatus | 'total', number>;

export interface DeliveryStats {
  letters: LetterCounts;
  supporters: number;
  byDay: { date: string; sent: number }[];
}

export interface SupporterStats {
  letters: LetterCounts;
  cases: { caseId: string; name: string; sent: number }[];
}

/** Which letters a scope covers: a SQL condition on `l` (letters) and `a` (appeals). */
const SCOPES = {
  case: { table: 'cases', where: 'a.case_id = $1' },
  appeal: { table: 'appeals', where: 'l.appeal_id = $1' },
  official: { table: 'officials', where: 'l.official_id = $1' },
} as const;

/** Read-only counts of letters; the dashboard and /api/stats both read from here. */
@Injectable()
export class StatsService {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async forScope(scope: keyof typeof SCOPES, id: string): Promise<DeliveryStats> {
    const { table, where } = SCOPES[scope];
    const exists = await this.db.query<unknown[]>(`SELECT 1 FROM ${table} WHERE id = $1`, [id]);
    if (exists.length === 0) throw new NotFoundError(scope[0].toUpperCase() + scope.slice(1));
    const [byStatus, [{ supporters }], byDay] = await Promise.all([
      this.db.query<{ status: LetterStatus; count: number }[]>(
        `SELECT l.status, count(*)::int AS count FROM letters l JOIN appeals a ON a.id = l.appeal_id WHERE ${where} GROUP BY l.status`,
        [id],
      ),
      this.db.query<{ supporters: number }[]>(
        `SELECT count(DISTINCT l.supporter_id)::int AS supporters FROM letters l JOIN appeals a ON a.id = l.appeal_id WHERE ${where}`,
        [id],
      ),
      this.db.query<{ date: string; sent: number }[]>(
        `SELECT to_char(date_trunc('day', l.sent_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS date, count(*)::int AS sent
           FROM letters l JOIN appeals a ON a.id = l.appeal_id WHERE ${where} AND l.status IN ('sent', 'bounced') GROUP BY 1 ORDER BY 1`,
        [id],
      ),
    ]);
    return { letters: countsOf(byStatus), supporters, byDay };
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
  const counts = Object.fromEntries([...LETTER_STATUSES, 'total'].map((status) => [status, 0])) as LetterCounts;
  for (const { status, count } of rows) {
    counts[status] = count;
    counts.total += count;
  }
  return counts;
}
