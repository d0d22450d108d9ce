import { Inject, Injectable } from '@nestjs/common';
import { Caller, isCoordinator } from '../common/auth/current-supporter.decorator';
import { NotFoundError } from '../common/errors';
import { LetterCountsView } from '../delivery/dto/letter-counts.dto';
import { LETTER_STATUSES, LetterStatus } from '../letters/letter.entity';
import { DashboardLetterRow, LettersRepository } from '../letters/letters.repository';
import { InboundMailRepository } from '../inbound-mail/inbound-mail.repository';
import { SupportersRepository } from '../supporters/supporters.repository';
import { DeliveryOverview, DeliveryStats, SupporterStats } from './dto/stats.dto';
import { OfficialPacingRow, StatsRepository, StatsScope } from './stats.repository';

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
export type OfficialPacing = OfficialPacingRow;

/** Read-only counts of letters; the dashboard and /api/stats both read from here (the rollups through StatsRepository). */
@Injectable()
export class StatsService {
  constructor(
    @Inject(StatsRepository) private readonly rollups: StatsRepository,
    @Inject(LettersRepository) private readonly letters: LettersRepository,
    @Inject(SupportersRepository) private readonly supporters: SupportersRepository,
    @Inject(InboundMailRepository) private readonly inbound: InboundMailRepository,
  ) {}

  async forScope(scope: StatsScope, id: string): Promise<DeliveryStats> {
    const { byStatus, supporters, byDay } = await this.rollups.forScope(scope, id);
    if (supporters === null) throw new NotFoundError(scope[0].toUpperCase() + scope.slice(1));
    return { letters: countsOf(byStatus), supporters, byDay };
  }

  /**
   * Each appeal's title and supporters (what forScope('appeal', id) counts), in the order of
   * `ids`, in one statement however many appeals a cycle bundles; an unknown id is left out.
   */
  async appealSupporters(ids: string[]): Promise<{ id: string; title: string; supporters: number }[]> {
    if (ids.length === 0) return [];
    const rows = new Map((await this.rollups.appealSupporters(ids)).map((row) => [row.id, row]));
    return ids.flatMap((id) => rows.get(id) ?? []);
  }

  /** Every letter at a glance, from the trigger-kept rollups (letter_counts, letter_minutes, letter_failures). */
  async overview(): Promise<DeliveryOverview> {
    const [byStatus, perMinute, failures, inbound] = await Promise.all([this.rollups.statusCounts(), this.rollups.sentPerMinuteLastHour(), this.rollups.topFailures(), this.inbound.countsByKind()]);
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
      inbound: { bounces: inbound.bounce, complaints: inbound.complaint, replies: inbound.reply, delays: inbound.delay, unreadable: inbound.unreadable, ignored: inbound.ignored },
    };
  }

  /** Counts by status per case and per appeal, from the same rollup (letter_counts) as forScope. */
  async byCaseAndAppeal(): Promise<{ cases: ScopeRow[]; appeals: ScopeRow[] }> {
    const { cases, appeals } = await this.rollups.byCaseAndAppeal();
    return { cases: grouped(cases), appeals: grouped(appeals) };
  }

  /** Every official's pacing state; `waiting` counts its queued letters. */
  officialsPacing(): Promise<OfficialPacing[]> {
    return this.rollups.officialsPacing();
  }

  /** Letters sent per day across every appeal, from letter_days (the rollup forScope reads). */
  sentByDay(): Promise<{ date: string; sent: number }[]> {
    return this.rollups.sentByDay();
  }

  /** A supporter's name and latest 200 letters, for the dashboard's supporter page (forSupporter gives the counts). */
  async supporterHistory(id: string): Promise<{ name: string; letters: DashboardLetterRow[] }> {
    const [name, letters] = await Promise.all([this.supporters.nameOf(id), this.letters.latestOfSupporterForDashboard(id)]);
    if (name === null) throw new NotFoundError('Supporter');
    return { name, letters };
  }

  /** A member may read only its own. */
  async forSupporter(caller: Caller, id: string): Promise<SupporterStats> {
    if (!isCoordinator(caller) && caller.id !== id) throw new NotFoundError('Supporter');
    if (!(await this.supporters.exists(id))) throw new NotFoundError('Supporter');
    const [byStatus, cases] = await Promise.all([this.letters.statusCountsOfSupporter(id), this.letters.sentByCaseOfSupporter(id)]);
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
