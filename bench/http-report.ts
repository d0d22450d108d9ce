import type { ApiRunResult } from './api-run';
import type { SigningCheck } from './bench-database';
import type { HttpBenchOptions } from './http-options';
import { closingLines, int, verdict } from './report';
import type { LatencySummary } from './stats-timing';

/** The issue's targets: each target's median req/s at least this share of the bare route's (sign-post has none). */
export const HTTP_RATIO_TARGETS: Record<string, number | null> = {
  me: 0.5,
  join: 0.4,
  'sign-page': 0.25,
  'sign-post': null,
  'console-list': 0.25,
  'console-record': 0.25,
};
/** The burst's target: p99 latency under this, with nothing lost or doubled. */
export const TARGET_BURST_P99_MS = 1_000;

/** One autocannon run against one route. */
export interface CannonFigures {
  /** Completed requests / the run's seconds. */
  requestsPerSecond: number;
  /** autocannon's mean of its per-second samples. */
  averagePerSecond: number;
  requests: number;
  seconds: number;
  latencyMs: { p50: number; p99: number; max: number; mean: number };
  non2xx: number;
  /** Responses by status code. */
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  /** CPU seconds (user + system) the server's process used during the measurement, and per request in ms. */
  serverCpuSeconds: number | null;
  serverCpuMsPerRequest: number | null;
}

/** One target of one round, right after its own measurement of the bare route. */
export interface HttpPair {
  target: string;
  bare: CannonFigures;
  measured: CannonFigures;
}

export interface HttpRound {
  round: number;
  pairs: HttpPair[];
  /** Share of all CPUs busy during the round (every process). */
  machineBusy: number | null;
}

/** A target over the rounds. */
export interface TargetFigures {
  name: string;
  /** What is requested (a token stands for each member's own). */
  request: string;
  medianPerSecond: number;
  bareMedianPerSecond: number;
  /** medianPerSecond / bareMedianPerSecond. */
  ratio: number;
  /** Medians over the rounds of each run's p50 and p99. */
  p50Ms: number;
  p99Ms: number;
  /** Medians over the rounds of the server process's CPU ms per request: the api's, and the bare route's before it. */
  cpuMsPerRequest: number | null;
  bareCpuMsPerRequest: number | null;
  target: number | null;
  met: boolean | null;
}

export interface BurstFigures {
  members: number;
  /** The seconds the schedule spreads the requests over. */
  scheduledSeconds: number;
  inFlight: number;
  /** From the first request sent to the last response. */
  tookSeconds: number;
  /** Send to the end of the response, over the requests answered. */
  latencyMs: LatencySummary;
  /** How late the most delayed request left (the in-flight bound reached), in ms. */
  maxSendLagMs: number;
  statuses: Record<string, number>;
  errors: number;
  firstError: string | null;
  check: SigningCheck | null;
  /** Every member answered 200, with every signature and letter recorded once. */
  ok: boolean | null;
  p99Met: boolean | null;
  /** The last answer came within a second of the schedule's end: qalam kept up with the rate asked. */
  keptSchedule: boolean | null;
}

/** The sign-post target's members, checked after the run. */
export interface SignPostCheck extends SigningCheck {
  /** Members whose tokens autocannon took (a few are taken and never sent, when a run ends). */
  handedOut: number;
  /** POST /sign answers 200 over every round. */
  answered200: number;
  ok: boolean;
}

export interface HttpBenchResult extends ApiRunResult {
  startedAt: string;
  arguments: HttpBenchOptions;
  setup: { step: string; seconds: number }[];
  seeded: { members: number; cycleId: string; appealIds: string[]; lettersPerMember: number } | null;
  /** The untimed load before round 1 (round 0), kept to show what a cold server answers; null with --warmup 0. */
  warmup: HttpRound | null;
  rounds: HttpRound[];
  targets: TargetFigures[];
  signPostCheck: SignPostCheck | null;
  burst: BurstFigures | null;
  peakRssMb: { api: number | null; bare: number | null; bench: number | null };
  /** Targets judged: ratios, and the burst's p99. Reported, not enforced. */
  verdict: { met: boolean | null; missed: string[] };
  resultsFile: string | null;
}

const fixed = (value: number | null | undefined, digits: number) => (value === null || value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits));
const pad = (text: string, width: number) => text.padEnd(width);

/** The summary `npm run bench -- --mode http` prints. */
export function formatHttpSummary(result: HttpBenchResult): string {
  const a = result.arguments;
  const lines = [
    `http bench: ${a.rounds} rounds of ${a.duration} s per measurement after ${a.warmup > 0 ? `${a.warmup} s of warm-up` : 'no warm-up'}, ${a.connections} connections, ${int(a.members)} members; burst ${int(a.burst)} over ${a.burstSeconds} s (${a.burstInFlight} in flight)`,
  ];
  if (result.targets.length > 0) {
    lines.push(`  ${pad('target', 16)}${pad('req/s', 9)}${pad('bare', 9)}${pad('ratio', 7)}${pad('p50', 9)}${pad('p99', 9)}${pad('CPU ms/req', 13)}${pad('target', 8)}met`);
    for (const t of result.targets) {
      lines.push(
        `  ${pad(t.name, 16)}${pad(int(t.medianPerSecond), 9)}${pad(int(t.bareMedianPerSecond), 9)}${pad(t.ratio.toFixed(2), 7)}${pad(`${fixed(t.p50Ms, 1)} ms`, 9)}${pad(`${fixed(t.p99Ms, 1)} ms`, 9)}${pad(`${fixed(t.cpuMsPerRequest, 2)}/${fixed(t.bareCpuMsPerRequest, 2)}`, 13)}${pad(t.target === null ? '-' : `>= ${t.target}`, 8)}${t.target === null ? '-' : verdict(t.met)}`,
      );
    }
    lines.push("  (req/s, p50, p99: qalam's; bare: the bare route's req/s; CPU ms/req: the api process's / the bare route process's)");
    const bareP99 = result.rounds.flatMap((round) => round.pairs.map((pair) => pair.bare.latencyMs.p99));
    if (bareP99.length > 0) lines.push(`  bare route p99 over its runs: ${Math.min(...bareP99).toFixed(1)} to ${Math.max(...bareP99).toFixed(1)} ms`);
    if (result.warmup) lines.push(`  warm-up, not counted (ratio): ${result.warmup.pairs.map((pair) => `${pair.target} ${(pair.measured.requestsPerSecond / pair.bare.requestsPerSecond).toFixed(2)}`).join(', ')}`);
    lines.push(`  machine busy per round: ${result.rounds.map((round) => (round.machineBusy === null ? 'n/a' : `${Math.round(round.machineBusy * 100)} %`)).join(', ')}`);
  }
  const post = result.signPostCheck;
  if (post) {
    lines.push(
      `  sign-post members: ${int(post.answered200)} answered 200, ${int(post.complete)} signed all (${int(post.signatures)} signatures, ${int(post.letters)} letters), ${post.partial} partial, ${post.duplicateSignatures + post.duplicateLetters} doubled: ${post.ok ? 'ok' : 'FAILED'}`,
    );
  }
  const burst = result.burst;
  if (burst) {
    const statuses = Object.entries(burst.statuses).map(([status, count]) => `${status}: ${int(count)}`).join(', ') || 'none';
    lines.push(
      `  burst: ${int(burst.members)} members in ${burst.tookSeconds.toFixed(1)} s (scheduled over ${burst.scheduledSeconds} s), latency p50 ${fixed(burst.latencyMs.median, 1)} ms, p95 ${fixed(burst.latencyMs.p95, 1)} ms, p99 ${fixed(burst.latencyMs.p99, 1)} ms, max ${fixed(burst.latencyMs.max, 1)} ms; send lag max ${fixed(burst.maxSendLagMs, 0)} ms`,
    );
    lines.push(`  burst statuses: ${statuses}${burst.errors ? `; ${burst.errors} errors (${burst.firstError})` : ''}`);
    if (burst.check) {
      const c = burst.check;
      lines.push(
        `  burst check: ${int(c.signatures)} signatures (expected ${int(burst.members * (result.seeded?.appealIds.length ?? 0))}), ${int(c.letters)} letters (expected ${int(burst.members * (result.seeded?.lettersPerMember ?? 0))}), ${c.duplicateSignatures + c.duplicateLetters} doubled, ${c.partial} partial, ${c.strayLetters} stray: ${burst.ok ? 'ok' : 'FAILED'}`,
      );
    }
    lines.push(`  burst p99 < ${TARGET_BURST_P99_MS} ms: ${verdict(burst.p99Met)}; within its ${burst.scheduledSeconds} s: ${verdict(burst.keptSchedule)}`);
  }
  lines.push(`  peak RSS: api ${result.peakRssMb.api ?? 'n/a'} MB, bare route ${result.peakRssMb.bare ?? 'n/a'} MB, bench ${result.peakRssMb.bench ?? 'n/a'} MB`);
  lines.push(`  targets: ${result.verdict.met === null ? 'n/a' : result.verdict.met ? 'all met' : `MISSED: ${result.verdict.missed.join(', ')}`}`);
  lines.push(...closingLines('bench', result, (name) => `  ${name}: `));
  return lines.join('\n');
}
