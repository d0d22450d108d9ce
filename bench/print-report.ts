import type { Machine } from './machine';
import type { PrintChildResult } from './print-child';
import type { PrintBenchOptions } from './print-options';
import { closingLines, int, Target, verdict } from './report';
import { quantile } from './stats-timing';

export const TARGET_PRINT_RATIO = 0.5;
export const TARGET_PRINT_RSS_MB = 300;

/** One child of a round as the bench saw it: what it reported, and what pdfinfo counted. */
export interface PrintChildRun extends PrintChildResult {
  /** Pages of its letters PDF by poppler's pdfinfo. */
  pdfinfoPages: number;
  /** Pages of its envelopes PDF by pdfinfo. */
  pdfinfoEnvelopePages: number;
  /** qalam only: manifest.csv's rows (lines less the header). */
  manifestRows: number | null;
  /** Wall seconds from spawn to exit, loading and setup included. */
  processSeconds: number;
  /** The share of all CPUs busy (every process on the machine) while it ran. */
  machineBusy: number | null;
}

export interface PrintRound {
  round: number;
  /** Which child ran first: they alternate from round to round. */
  order: ('qalam' | 'bare')[];
  qalam: PrintChildRun | null;
  bare: PrintChildRun | null;
  /** qalam's pages/s (letter and envelope pages) over the bare loop's. */
  ratio: number | null;
  /**
   * The same ratio by CPU seconds (pages per CPU second of each child): steadier than wall
   * time on a machine shared with other work, where a child waits for a core.
   */
  cpuRatio: number | null;
}

export interface PrintCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface PrintBenchResult {
  ok: boolean;
  error: string | null;
  startedAt: string;
  finishedAt: string;
  arguments: PrintBenchOptions;
  machine: Machine;
  /** What qalam's child ran: writeLetterRun with these outputs, letters rendered from the default templates. */
  setup: { nodeFlags: { qalam: string[]; bare: string[] }; pdfkit: string; envelopeFormat: string };
  rounds: PrintRound[];
  /** Medians over the rounds. */
  median: { qalamPagesPerSecond: number | null; barePagesPerSecond: number | null; ratio: number | null; cpuRatio: number | null };
  /** The highest peak RSS of each kind of child over the rounds, MB, and the bench's own. */
  peakRssMb: { qalam: number | null; bare: number | null; bench: number | null };
  checks: PrintCheck[];
  targets: { ratio: Target; peakRss: Target };
  resultsFile: string | null;
}

const median = (values: number[]) => (values.length === 0 ? null : quantile(values, 0.5));
const highest = (values: number[]) => (values.length === 0 ? null : Math.max(...values));

/** The medians and peaks over the rounds that finished. */
export function summariseRounds(rounds: readonly PrintRound[]): Pick<PrintBenchResult, 'median'> & { peakRssMb: { qalam: number | null; bare: number | null } } {
  const qalam = rounds.flatMap((round) => (round.qalam ? [round.qalam] : []));
  const bare = rounds.flatMap((round) => (round.bare ? [round.bare] : []));
  return {
    median: {
      qalamPagesPerSecond: median(qalam.map((run) => run.pagesPerSecond)),
      barePagesPerSecond: median(bare.map((run) => run.pagesPerSecond)),
      ratio: median(rounds.flatMap((round) => (round.ratio === null ? [] : [round.ratio]))),
      cpuRatio: median(rounds.flatMap((round) => (round.cpuRatio === null ? [] : [round.cpuRatio]))),
    },
    peakRssMb: { qalam: highest(qalam.map((run) => run.peakRssMb)), bare: highest(bare.map((run) => run.peakRssMb)) },
  };
}

export function assessPrintTargets(result: { median: PrintBenchResult['median']; peakRssMb: { qalam: number | null } }): PrintBenchResult['targets'] {
  const ratio = result.median.ratio;
  const rss = result.peakRssMb.qalam;
  return {
    ratio: { target: `median pages/s >= ${TARGET_PRINT_RATIO} x the bare pdfkit loop`, value: ratio, met: ratio === null ? null : ratio >= TARGET_PRINT_RATIO },
    peakRss: { target: `peak RSS of the qalam child < ${TARGET_PRINT_RSS_MB} MB`, value: rss, met: rss === null ? null : rss < TARGET_PRINT_RSS_MB },
  };
}

const rate = (value: number | null | undefined) => (value === null || value === undefined ? '-' : `${int(value)} pages/s`);
const times = (value: number | null) => (value === null ? '-' : `${value.toFixed(2)} x`);
const busy = (share: number | null) => (share === null ? '?' : `${Math.round(share * 100)} %`);

function childLine(run: PrintChildRun): string {
  const extra = run.kind === 'qalam' ? ' + manifest' : '';
  return `${int(run.letterPages)} letter + ${int(run.envelopePages)} envelope pages${extra} in ${run.seconds.toFixed(1)} s = ${rate(run.pagesPerSecond)}, CPU ${run.cpuSeconds.toFixed(1)} s, peak RSS ${int(run.peakRssMb)} MB, machine ${busy(run.machineBusy)} busy`;
}

/** The human summary printed at the end of a run. */
export function formatPrintSummary(result: PrintBenchResult): string {
  const { arguments: args, machine } = result;
  const label = (name: string) => name.padEnd(13);
  const lines: string[] = [];
  lines.push(`qalam bench --mode print: ${int(args.letters)} letters x ${args.rounds} rounds, ${args.paper}, envelopes ${result.setup.envelopeFormat}, pdfkit ${result.setup.pdfkit}`);
  lines.push(`${label('machine')}${machine.cpus} CPUs (${machine.cpuModel}), node ${machine.node}`);
  for (const round of result.rounds) {
    lines.push(`${label(`round ${round.round}`)}(${round.order.join(' then ')}) ratio ${times(round.ratio)}, by CPU seconds ${times(round.cpuRatio)}`);
    if (round.qalam) lines.push(`${label('  qalam')}${childLine(round.qalam)}`);
    if (round.bare) lines.push(`${label('  bare')}${childLine(round.bare)}`);
  }
  lines.push(`${label('median')}qalam ${rate(result.median.qalamPagesPerSecond)}, bare pdfkit ${rate(result.median.barePagesPerSecond)}, ratio ${times(result.median.ratio)} (by CPU seconds ${times(result.median.cpuRatio)})`);
  const rss = result.peakRssMb;
  lines.push(`${label('peak RSS')}qalam ${rss.qalam === null ? '?' : `${int(rss.qalam)} MB`}, bare ${rss.bare === null ? '?' : `${int(rss.bare)} MB`} (it holds every letter's text), bench ${rss.bench === null ? '?' : `${int(rss.bench)} MB`}`);
  for (const check of result.checks) lines.push(`${label('check')}${check.name}: ${check.detail}: ${check.ok ? 'OK' : 'FAILED'}`);
  const t = result.targets;
  lines.push(
    `${label('targets')}${t.ratio.target}: ${times(t.ratio.value)} ${verdict(t.ratio.met)}; ` +
      `${t.peakRss.target}: ${t.peakRss.value === null ? '-' : `${int(t.peakRss.value)} MB`} ${verdict(t.peakRss.met)}`,
  );
  lines.push(...closingLines('bench --mode print', result, label));
  return lines.join('\n');
}
