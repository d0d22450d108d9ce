import type { ConsoleBenchOptions } from './console-options';
import type { Machine } from './machine';
import { closingLines, int } from './report';
import { ms } from './stats-report';
import type { LatencySummary } from './stats-timing';

/** The issue's targets: every console list and record page under this at the median... */
export const TARGET_PAGE_MS = 50;
/** ...and within this many times the median of GET /api/me timed in the same run. */
export const TARGET_RATIO = 3;

/** One page's figures: round trips over loopback, and the app's own Server-Timing where the page sets one. */
export interface PageTiming {
  name: string;
  path: string;
  ms: LatencySummary;
  /** The page's `Server-Timing: page;dur=` (the controller's time up to its headers, before the view is rendered); null when it sets none. */
  serverTimingMs: LatencySummary | null;
  /** median(page) / median(GET /api/me over the whole run). */
  ratio: number;
  /** The median of page / the /api/me request paired with it. */
  pairedRatioMedian: number;
  bytes: number;
  meetsMs: boolean;
  meetsRatio: boolean;
}

export interface ConsoleBenchResult {
  ok: boolean;
  error: string | null;
  startedAt: string;
  finishedAt: string;
  arguments: ConsoleBenchOptions;
  machine: Machine;
  /** Rows of the tables the pages read, once seeded. */
  rows: Record<string, number> | null;
  setup: { step: string; seconds: number }[];
  /** Keys where a counter differs from the rows it counts (0 each: the triggers kept them right). */
  counterMismatches: Record<string, number> | null;
  measurement: {
    requests: number;
    warmup: number;
    baseline: { path: string; ms: LatencySummary } | null;
    pages: PageTiming[];
    connectionsOpened: number | null;
    seconds: number | null;
  };
  peakRssMb: { api: number | null; bench: number | null };
  /** Pages over TARGET_PAGE_MS at the median, or over TARGET_RATIO x /api/me. Reported, not enforced. */
  targets: { target: string; met: boolean | null; slow: string[] };
  resultsFile: string | null;
}

/** The human summary printed at the end of a run: the table of pages. */
export function formatConsoleSummary(result: ConsoleBenchResult): string {
  const { machine, measurement: m } = result;
  const label = (name: string) => name.padEnd(15);
  const lines: string[] = [];
  const rows = result.rows;
  lines.push(
    `qalam console bench: ${rows ? `${int(rows.supporters)} supporters, ${int(rows.letters)} letters, ${int(rows.appeals)} appeals of ${int(rows.cases)} cases, ${int(rows.audit_log)} audit rows` : `${int(result.arguments.members)} members`}; one api process, no workers`,
  );
  lines.push(`${label('machine')}${machine.cpus} CPUs (${machine.cpuModel}), node ${machine.node}, postgres ${machine.postgres ?? '?'}, redis ${machine.redis ?? '?'}`);
  if (result.setup.length > 0) lines.push(`${label('setup')}${result.setup.map((step) => `${step.step} ${step.seconds.toFixed(1)} s`).join('; ')}`);
  if (result.counterMismatches) {
    const bad = Object.entries(result.counterMismatches).filter(([, count]) => count !== 0);
    lines.push(`${label('counters')}letter_counts, letter_days and supporter_counts against the rows: ${bad.length === 0 ? 'OK' : `MISMATCH ${bad.map(([name, count]) => `${name} ${count}`).join(', ')}`}`);
  }
  if (m.baseline) {
    lines.push(
      `${label('requests')}${m.requests} timed of each page after ${m.warmup} rounds, each paired with GET ${m.baseline.path} (order alternating), ` +
        `on ${m.connectionsOpened} keep-alive connection${m.connectionsOpened === 1 ? '' : 's'}, in ${(m.seconds ?? 0).toFixed(1)} s; ms are round trips over loopback`,
    );
    const width = Math.max(...m.pages.map((page) => page.name.length), 'GET /api/me (baseline)'.length);
    const cell = (value: string, size: number) => value.padStart(size);
    lines.push(`${'page'.padEnd(width)}  ${cell('median', 9)}  ${cell('p95', 9)}  ${cell('ratio', 7)}  ${cell('app*', 9)}  ${cell('kB', 6)}`);
    lines.push(`${'GET /api/me (baseline)'.padEnd(width)}  ${cell(ms(m.baseline.ms.median), 9)}  ${cell(ms(m.baseline.ms.p95), 9)}  ${cell('1.00 x', 7)}  ${cell('-', 9)}  ${cell('-', 6)}`);
    for (const page of m.pages) {
      const flag = page.meetsMs && page.meetsRatio ? '' : `  over ${[page.meetsMs ? '' : `${TARGET_PAGE_MS} ms`, page.meetsRatio ? '' : `${TARGET_RATIO} x`].filter(Boolean).join(' and ')}`;
      lines.push(
        `${page.name.padEnd(width)}  ${cell(ms(page.ms.median), 9)}  ${cell(ms(page.ms.p95), 9)}  ${cell(`${page.ratio.toFixed(2)} x`, 7)}  ${cell(page.serverTimingMs ? ms(page.serverTimingMs.median) : '-', 9)}  ${cell((page.bytes / 1024).toFixed(1), 6)}${flag}`,
      );
    }
    lines.push(`${label('')}* app: the median of the page's own Server-Timing (the controller up to its headers: no session lookup, no view rendering); - where the page sets none`);
  }
  lines.push(`${label('peak RSS')}api ${result.peakRssMb.api === null ? '?' : `${int(result.peakRssMb.api)} MB`}, bench ${result.peakRssMb.bench === null ? '?' : `${int(result.peakRssMb.bench)} MB`}`);
  const t = result.targets;
  lines.push(`${label('targets')}${t.target}: ${t.met === null ? '-' : t.met ? 'met' : `NOT met (${t.slow.join(', ')})`}`);
  lines.push(...closingLines('bench:console', result, label));
  return lines.join('\n');
}
