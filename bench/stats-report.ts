import type { Machine } from './machine';
import { closingLines, int, Target, verdict } from './report';
import type { StatsBenchOptions } from './stats-options';
import type { LatencySummary } from './stats-timing';

/** The issue's target: a case's stats answered in under this, with 10,000,000 letters. */
export const TARGET_STATS_MS = 20;

export const ms = (value: number | null | undefined) => (value === null || value === undefined || Number.isNaN(value) ? '-' : `${value.toFixed(2)} ms`);

export interface Launch {
  appealId: string;
  seconds: number;
  letters: number;
  lettersPerSecond: number;
}

/** One figure checked: what qalam (or the launch) gave against what the letter rows say. */
export interface NumberCheck {
  name: string;
  value: number | null;
  expected: number;
  ok: boolean;
}

export interface StatsBenchResult {
  ok: boolean;
  error: string | null;
  startedAt: string;
  finishedAt: string;
  arguments: StatsBenchOptions;
  machine: Machine;
  case: { caseId: string | null; appealIds: string[]; officialIds: string[] };
  letters: { requested: number; supportersPerAppeal: number; officials: number; appeals: number; expected: number; created: number | null; inTable: number | null };
  setup: { supportersInsertSeconds: number | null; vacuumAnalyzeSeconds: number | null };
  launches: Launch[];
  measurement: {
    requests: number;
    warmup: number;
    stats: { path: string; ms: LatencySummary } | null;
    baseline: { path: string; ms: LatencySummary } | null;
    /** median(stats) / median(baseline) over every timed request. */
    ratio: number | null;
    /** The median of stats/baseline over each interleaved pair. */
    pairedRatioMedian: number | null;
    /** median/median of each of ROUNDS runs of consecutive pairs, and their median. */
    roundRatios: number[];
    roundRatioMedian: number | null;
    /** Distinct stats bodies seen while timing: 1 when nothing changed underneath. */
    distinctStatsBodies: number | null;
    connectionsOpened: number | null;
    seconds: number | null;
  };
  /** What counting the letter rows in SQL costs, for comparison (the bench's own queries). */
  countingRows: { caseCountsSeconds: number | null; distinctSupportersSeconds: number | null; tableCountSeconds: number | null };
  checks: { ok: boolean | null; items: NumberCheck[] };
  peakRssMb: { api: number | null; bench: number | null };
  targets: { median: Target; p95: Target };
  resultsFile: string | null;
}

/** The human summary printed at the end of a run. */
export function formatStatsSummary(result: StatsBenchResult): string {
  const { arguments: args, machine, measurement: m } = result;
  const label = (name: string) => name.padEnd(15);
  const lines: string[] = [];
  lines.push(
    `qalam stats bench: one case, ${int(result.letters.created ?? result.letters.expected)} letters ` +
      `(${int(result.letters.supportersPerAppeal)} supporters x ${args.officials} official${args.officials > 1 ? 's' : ''} x ${args.appeals} appeal${args.appeals > 1 ? 's' : ''}), one api process, no workers`,
  );
  lines.push(`${label('machine')}${machine.cpus} CPUs (${machine.cpuModel}), node ${machine.node}, postgres ${machine.postgres ?? '?'}, redis ${machine.redis ?? '?'}`);
  if (result.setup.supportersInsertSeconds !== null) lines.push(`${label('supporters')}${int(result.letters.supportersPerAppeal)} inserted in ${result.setup.supportersInsertSeconds.toFixed(1)} s`);
  result.launches.forEach((launch, index) => {
    lines.push(`${label(index === 0 ? 'launches' : '')}appeal ${index + 1}: ${int(launch.letters)} letters in ${launch.seconds.toFixed(2)} s = ${int(launch.lettersPerSecond)} letters/s`);
  });
  if (result.setup.vacuumAnalyzeSeconds !== null) lines.push(`${label('vacuum')}VACUUM ANALYZE in ${result.setup.vacuumAnalyzeSeconds.toFixed(1)} s`);
  const row = (name: string, figures: LatencySummary) =>
    `${label(name)}median ${ms(figures.median)}, p95 ${ms(figures.p95)}, p99 ${ms(figures.p99)} (min ${ms(figures.min)}, mean ${ms(figures.mean)}, max ${ms(figures.max)})`;
  if (m.stats && m.baseline) {
    lines.push(`${label('requests')}${int(m.requests)} of each after ${m.warmup} of each, interleaved, on ${m.connectionsOpened} keep-alive connection${m.connectionsOpened === 1 ? '' : 's'}, in ${(m.seconds ?? 0).toFixed(1)} s`);
    lines.push(row('stats', m.stats.ms) + `  GET ${m.stats.path}`);
    lines.push(row('baseline', m.baseline.ms) + `  GET ${m.baseline.path}`);
    lines.push(
      `${label('ratio')}median(stats) / median(baseline) = ${m.ratio?.toFixed(2) ?? '-'} x; median of paired ratios ${m.pairedRatioMedian?.toFixed(2) ?? '-'} x; ` +
        `per run of ${Math.floor(m.requests / Math.max(1, m.roundRatios.length))} pairs ${m.roundRatios.map((value) => value.toFixed(2)).join(', ')} (median ${m.roundRatioMedian?.toFixed(2) ?? '-'} x)`,
    );
    if (m.distinctStatsBodies !== null && m.distinctStatsBodies !== 1) lines.push(`${label('')}note: the stats answered ${m.distinctStatsBodies} different bodies while timed`);
  }
  const c = result.countingRows;
  if (c.caseCountsSeconds !== null) {
    lines.push(
      `${label('counting rows')}for comparison, SQL over the letter rows: the case's counts by status ${(c.caseCountsSeconds * 1000).toFixed(0)} ms, ` +
        `distinct supporters ${((c.distinctSupportersSeconds ?? 0) * 1000).toFixed(0)} ms, count(*) FROM letters ${((c.tableCountSeconds ?? 0) * 1000).toFixed(0)} ms (${int(result.letters.inTable ?? 0)} letters in the table)`,
    );
  }
  if (result.checks.items.length > 0) {
    lines.push(`${label('checks')}${result.checks.items.map((check) => `${check.name} ${check.value === null ? '-' : int(check.value)}${check.ok ? '' : ` != ${int(check.expected)} MISMATCH`}`).join('; ')}: ${result.checks.ok ? 'OK' : 'FAILED'}`);
  }
  lines.push(`${label('peak RSS')}api ${result.peakRssMb.api === null ? '?' : `${int(result.peakRssMb.api)} MB`}, bench ${result.peakRssMb.bench === null ? '?' : `${int(result.peakRssMb.bench)} MB`}`);
  const t = result.targets;
  lines.push(`${label('targets')}${t.median.target}: ${ms(t.median.value)} ${verdict(t.median.met)}; p95: ${ms(t.p95.value)} ${verdict(t.p95.met)}${t.median.note ? ` (${t.median.note})` : ''}`);
  lines.push(...closingLines('bench:stats', result, label));
  return lines.join('\n');
}
