import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BaselineRun } from './baseline';
import type { LetterCheck, LetterCounts, ReceivedCheck } from './bench-database';
import type { Machine } from './machine';
import type { BaselineOrder, BenchOptions } from './options';

/** The bare pool's letters, told apart by their number. */
export type BaselineCheck = ReceivedCheck;

export interface ExactlyOnce {
  ok: boolean;
  /** qalam's letters, told apart by `X-Qalam-Letter`, compared with the appeal's rows. */
  letters: LetterCheck & { messageIdMismatches: number };
  /** The bare pool's letters, told apart by `X-Bench-Baseline`. */
  baseline: BaselineCheck | null;
  /** Messages that carried neither header, or one of them twice. */
  unidentified: number;
}

export interface Delivery {
  /** From the start of the launch call to the last sent_at. */
  seconds: number;
  lettersPerSecond: number;
  /** From the start of the launch call to the first sent_at. */
  firstSentAfterSeconds: number;
  /** From the first sent_at to the last. */
  firstToLastSeconds: number;
  firstToLastLettersPerSecond: number;
  sent: number;
  /** Letters that needed more than one attempt. */
  retried: number;
  statuses: LetterCounts;
  /** created_at (queued) to sent_at, over sent letters. */
  latency: { p50Seconds: number | null; p99Seconds: number | null; maxSeconds: number | null };
  ratioToBaseline: number | null;
  firstToLastRatioToBaseline: number | null;
}

export interface Target {
  target: string;
  value: number | null;
  met: boolean | null;
  note?: string;
}

export interface BenchResult {
  ok: boolean;
  error: string | null;
  startedAt: string;
  finishedAt: string;
  arguments: BenchOptions & { smtpPoolSizes: number[] };
  machine: Machine;
  /** recordBytes: the size of the sink's record of what it received (the dump file). */
  sink: { kind: string; command: string; recordBytes: number | null } | null;
  letters: { requested: number; supporters: number; officials: number; created: number | null };
  launch: { seconds: number; lettersPerSecond: number } | null;
  delivery: Delivery | null;
  baseline: (BaselineRun & { order: BaselineOrder }) | null;
  /** Peak resident set (VmHWM) of each process, MB; the bench's own from getrusage. */
  peakRssMb: Record<string, number | null>;
  /**
   * CPU seconds (user + system) used while the engine ran (from just before the launch to the
   * end of delivery), per child; and while the bare pool ran, by the bench and the sink.
   */
  cpuSeconds: { engine: Record<string, number | null>; barePool: Record<string, number | null> };
  /**
   * CPU milliseconds per letter: of all qalam workers together over the letters sent, and of
   * the bench process over the bare pool's letters. The sink serves both and is not split.
   */
  cpuMsPerLetter: { workers: number | null; barePool: number | null };
  /**
   * The share of all the machine's CPUs that was busy (every process, Postgres and Redis
   * included) while the engine ran and while the bare pool ran: near 1, the run was CPU-bound.
   */
  machineBusy: { engine: number | null; barePool: number | null };
  exactlyOnce: ExactlyOnce | null;
  targets: { deliveryRatio: Target; launch: Target; peakRss: Target };
  resultsFile: string | null;
}

export const TARGET_RATIO = 0.9;
export const TARGET_LAUNCH_LETTERS = 1_000_000;
export const TARGET_LAUNCH_SECONDS = 30;
export const TARGET_RSS_MB = 300;

/** Sets `targets` from the figures: delivery ratio, launch of a million letters, peak RSS of qalam's processes. */
export function assessTargets(result: BenchResult): BenchResult['targets'] {
  const ratio = result.delivery?.ratioToBaseline ?? null;
  const launchRate = result.launch?.lettersPerSecond ?? null;
  const neededRate = TARGET_LAUNCH_LETTERS / TARGET_LAUNCH_SECONDS;
  const qalamRss = Object.entries(result.peakRssMb)
    .filter(([name]) => name === 'api' || name.startsWith('worker'))
    .map(([, mb]) => mb)
    .filter((mb): mb is number => mb !== null);
  const worstRss = qalamRss.length > 0 ? Math.max(...qalamRss) : null;
  return {
    deliveryRatio: { target: `delivery >= ${TARGET_RATIO} x the bare pool`, value: ratio, met: ratio === null ? null : ratio >= TARGET_RATIO },
    launch: {
      target: `launch of ${TARGET_LAUNCH_LETTERS.toLocaleString('en')} letters < ${TARGET_LAUNCH_SECONDS} s (>= ${Math.ceil(neededRate).toLocaleString('en')} letters/s)`,
      value: launchRate,
      met: launchRate === null ? null : launchRate >= neededRate,
      ...(result.letters.requested < TARGET_LAUNCH_LETTERS ? { note: `projected from ${result.letters.requested.toLocaleString('en')} letters` } : {}),
    },
    peakRss: { target: `peak RSS < ${TARGET_RSS_MB} MB per qalam process`, value: worstRss, met: worstRss === null ? null : worstRss < TARGET_RSS_MB },
  };
}

export const int = (value: number) => Math.round(value).toLocaleString('en');
const secs = (value: number | null) => (value === null ? '-' : value < 10 ? `${value.toFixed(2)} s` : `${value.toFixed(1)} s`);
const ratio = (value: number | null) => (value === null ? '-' : `${value.toFixed(2)} x`);
const busy = (share: number | null) => (share === null ? '?' : `${Math.round(share * 100)} %`);
export const verdict = (met: boolean | null) => (met === null ? 'n/a' : met ? 'met' : 'MISSED');
/** kB to MB, one decimal. */
export const mb = (kb: number | null) => (kb === null ? null : Math.round(kb / 102.4) / 10);

/** Every id received once, none missing, none unexpected. */
export function receivedExactly(check: ReceivedCheck): boolean {
  return check.received === check.expected && check.duplicates === 0 && check.missing === 0 && check.unexpected === 0;
}

function checkLine(label: string, check: ReceivedCheck, extra = '', otherProblems = 0): string {
  const ok = receivedExactly(check) && otherProblems === 0;
  return `${label}: ${int(check.expected)} expected, ${int(check.received)} received, ${int(check.duplicates)} duplicated, ${int(check.missing)} missing, ${int(check.unexpected)} unexpected${extra}: ${ok ? 'OK' : 'FAILED'}`;
}

/** The human summary printed at the end of a run. */
export function formatSummary(result: BenchResult): string {
  const { arguments: args, machine } = result;
  const lines: string[] = [];
  const label = (name: string) => name.padEnd(13);
  lines.push(
    `qalam bench: ${int(result.letters.created ?? result.letters.requested)} letters (${int(result.letters.supporters)} supporters x ${args.officials} official${args.officials > 1 ? 's' : ''}), ` +
      `${args.workers} worker${args.workers > 1 ? 's' : ''} x SMTP_POOL_SIZE ${args.smtpPoolSizes.join('/')}` +
      `${args.concurrency ? `, DELIVERY_CONCURRENCY ${args.concurrency}` : ''}, sink ${result.sink?.kind ?? args.sink}`,
  );
  lines.push(`${label('machine')}${machine.cpus} CPUs (${machine.cpuModel}), node ${machine.node}, postgres ${machine.postgres ?? '?'}, redis ${machine.redis ?? '?'}`);
  if (result.baseline) {
    const b = result.baseline;
    lines.push(
      `${label('bare pool')}${int(b.letters)} letters in ${secs(b.seconds)} = ${int(b.lettersPerSecond)} letters/s ` +
        `(Nodemailer pool, ${b.connections} connections, ${b.inFlight} in flight, run ${b.order} the engine${b.errors ? `, ${int(b.errors)} errors: ${b.firstError}` : ''})`,
    );
  }
  if (result.launch) {
    lines.push(`${label('launch')}${int(result.letters.created ?? 0)} letters created and enqueued in ${secs(result.launch.seconds)} = ${int(result.launch.lettersPerSecond)} letters/s`);
  }
  const d = result.delivery;
  if (d) {
    lines.push(`${label('delivery')}${int(d.sent)} sent, ${secs(d.seconds)} from launch = ${int(d.lettersPerSecond)} letters/s (${ratio(d.ratioToBaseline)} the bare pool)`);
    lines.push(`${label('')}first letter sent ${secs(d.firstSentAfterSeconds)} after the launch began; first to last send ${secs(d.firstToLastSeconds)} = ${int(d.firstToLastLettersPerSecond)} letters/s (${ratio(d.firstToLastRatioToBaseline)} the bare pool)`);
    lines.push(`${label('latency')}queued -> sent p50 ${secs(d.latency.p50Seconds)}, p99 ${secs(d.latency.p99Seconds)}, max ${secs(d.latency.maxSeconds)}`);
    lines.push(`${label('statuses')}${Object.entries(d.statuses).map(([status, count]) => `${status} ${int(count)}`).join(', ')}${d.retried ? `; ${int(d.retried)} letters needed more than one attempt` : ''}`);
  }
  const rss = Object.entries(result.peakRssMb);
  if (rss.length > 0) lines.push(`${label('peak RSS')}${rss.map(([name, mb]) => `${name} ${mb === null ? '?' : `${int(mb)} MB`}`).join(', ')}`);
  const cpuList = (figures: Record<string, number | null>) =>
    Object.entries(figures)
      .map(([name, seconds]) => `${name} ${seconds === null ? '?' : `${seconds.toFixed(1)} s`}`)
      .join(', ');
  const perLetter = (ms: number | null) => (ms === null ? '-' : `${ms.toFixed(2)} ms`);
  if (Object.keys(result.cpuSeconds.engine).length > 0) {
    lines.push(
      `${label('CPU')}engine: ${cpuList(result.cpuSeconds.engine)}; workers ${perLetter(result.cpuMsPerLetter.workers)} per letter; machine ${busy(result.machineBusy.engine)} busy`,
    );
  }
  if (Object.keys(result.cpuSeconds.barePool).length > 0) {
    lines.push(`${label('')}bare pool: ${cpuList(result.cpuSeconds.barePool)}; the pool ${perLetter(result.cpuMsPerLetter.barePool)} per letter; machine ${busy(result.machineBusy.barePool)} busy`);
  }
  const once = result.exactlyOnce;
  if (once) {
    lines.push(`${label('exactly once')}${checkLine('letters', once.letters, `, ${int(once.letters.messageIdMismatches)} Message-ID mismatches`, once.letters.messageIdMismatches)}`);
    if (once.letters.sentNotReceived || once.letters.receivedNotSent) {
      lines.push(`${label('')}${int(once.letters.sentNotReceived)} marked sent but not received, ${int(once.letters.receivedNotSent)} received but not marked sent`);
    }
    if (once.baseline) lines.push(`${label('')}${checkLine('bare pool', once.baseline)}`);
    if (once.unidentified) lines.push(`${label('')}${int(once.unidentified)} messages without a readable X-Qalam-Letter or X-Bench-Baseline header: FAILED`);
  }
  const t = result.targets;
  lines.push(
    `${label('targets')}${t.deliveryRatio.target}: ${ratio(t.deliveryRatio.value)} ${verdict(t.deliveryRatio.met)}; ` +
      `${t.launch.target}: ${t.launch.value === null ? '-' : `${int(t.launch.value)} letters/s`} ${verdict(t.launch.met)}${t.launch.note ? ` (${t.launch.note})` : ''}; ` +
      `${t.peakRss.target}: ${t.peakRss.value === null ? '-' : `${int(t.peakRss.value)} MB`} ${verdict(t.peakRss.met)}`,
  );
  lines.push(...closingLines('bench', result, label));
  return lines.join('\n');
}

/** The last lines of a summary: the error, where the results are, and the verdict. */
export function closingLines(program: string, result: { ok: boolean; error: string | null; resultsFile: string | null }, label: (name: string) => string): string[] {
  return [
    ...(result.error ? [`${label('error')}${result.error}`] : []),
    ...(result.resultsFile ? [`${label('results')}${result.resultsFile}`] : []),
    result.ok ? `${program}: OK` : `${program}: FAILED`,
  ];
}

/**
 * Writes a result as `<start time>-<name>.json` under `dir` (the time in ISO 8601, colons as
 * -: they are legal on Linux but not everywhere a results folder gets copied to); returns the path.
 */
export async function writeResult(dir: string, name: string, result: { startedAt: string; resultsFile: string | null }): Promise<string> {
  await mkdir(dir, { recursive: true });
  const stamp = result.startedAt.replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
  const path = join(dir, `${stamp}-${name}.json`);
  result.resultsFile = path;
  await writeFile(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}
