import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { BenchChild } from './child-process';
import { busyShare, describeMachine, machineCpuTicks } from './machine';
import { elapsedSince } from './net';
import type { PrintChildKind, PrintChildResult } from './print-child';
import { PrintBenchOptions } from './print-options';
import { assessPrintTargets, PrintBenchResult, PrintChildRun, PrintRound, summariseRounds } from './print-report';
import { PRODUCTION_NODE_FLAGS } from './qalam-processes';
import { int, mb } from './report';

const PRINT_CHILD = join(__dirname, 'print-child.js');
const run = promisify(execFile);

/** Pages of a PDF as poppler's pdfinfo reads it (`apt-get install -y poppler-utils`). */
async function pdfinfoPages(file: string): Promise<number> {
  let stdout: string;
  try {
    ({ stdout } = await run('pdfinfo', [file], { encoding: 'utf8' }));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('pdfinfo is missing: apt-get install -y poppler-utils');
    throw error;
  }
  const match = /^Pages:\s+(\d+)$/m.exec(stdout);
  if (!match) throw new Error(`pdfinfo gave no page count for ${file}`);
  return Number(match[1]);
}

/** Data rows of a CSV whose cells hold no line break (the manifest's do not). */
async function csvRows(file: string): Promise<number> {
  const text = await readFile(file, 'utf8');
  return text.split('\n').filter((line) => line !== '').length - 1;
}

/** The installed pdfkit's version (its package.json is not in its exports: read beside its main file). */
function pdfkitVersion(): string {
  let dir = dirname(require.resolve('pdfkit'));
  while (!existsSync(join(dir, 'package.json')) && dir !== dirname(dir)) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * One run of `npm run bench -- --mode print`: rounds of two child processes, one after the
 * other (their order alternating), qalam's writeLetterRun and the bare pdfkit loop, each
 * timed by itself and read back with pdfinfo; the outputs deleted after each.
 */
export class PrintRun {
  private workDir = '';
  private current: BenchChild | null = null;
  private interrupted = false;
  readonly result: PrintBenchResult;
  private readonly qalamFlags: string[];

  constructor(private readonly options: PrintBenchOptions) {
    this.qalamFlags = [...PRODUCTION_NODE_FLAGS, ...options.nodeOptions];
    this.result = {
      ok: false,
      error: null,
      startedAt: new Date().toISOString(),
      finishedAt: '',
      arguments: options,
      machine: describeMachine(),
      setup: { nodeFlags: { qalam: this.qalamFlags, bare: [] }, pdfkit: pdfkitVersion(), envelopeFormat: 'DL' },
      rounds: [],
      median: { qalamPagesPerSecond: null, barePagesPerSecond: null, ratio: null, cpuRatio: null },
      peakRssMb: { qalam: null, bare: null, bench: null },
      checks: [],
      targets: assessPrintTargets({ median: { qalamPagesPerSecond: null, barePagesPerSecond: null, ratio: null, cpuRatio: null }, peakRssMb: { qalam: null } }),
      resultsFile: null,
    };
  }

  private log(message: string): void {
    console.log(`bench: ${message}`);
  }

  async run(): Promise<PrintBenchResult> {
    const { options, result } = this;
    try {
      this.workDir = await mkdtemp(join(tmpdir(), 'qalam-bench-print-'));
      this.log(`work directory ${this.workDir}; ${int(options.letters)} letters, ${options.rounds} rounds, ${options.paper}`);
      for (let round = 1; round <= options.rounds; round++) {
        // Alternating, so a machine that warms or gets busier over the run favours neither.
        const order: PrintChildKind[] = round % 2 === 1 ? ['qalam', 'bare'] : ['bare', 'qalam'];
        const figures: PrintRound = { round, order, qalam: null, bare: null, ratio: null, cpuRatio: null };
        result.rounds.push(figures);
        for (const kind of order) {
          this.checkInterrupted();
          figures[kind] = await this.runChild(kind, round);
        }
        if (figures.qalam && figures.bare) {
          figures.ratio = figures.qalam.pagesPerSecond / figures.bare.pagesPerSecond;
          figures.cpuRatio = figures.qalam.pages / figures.qalam.cpuSeconds / (figures.bare.pages / figures.bare.cpuSeconds);
          this.check(`round ${round}: the bare loop drew as many letter pages as letters.pdf holds`, figures.bare.letterPages === figures.qalam.letterPages, `${int(figures.bare.letterPages)} and ${int(figures.qalam.letterPages)}`);
          this.check(`round ${round}: the bare loop drew as many envelope pages as envelopes.pdf holds`, figures.bare.envelopePages === figures.qalam.envelopePages, `${int(figures.bare.envelopePages)} and ${int(figures.qalam.envelopePages)}`);
        }
        this.log(`round ${round}: ratio ${figures.ratio?.toFixed(2) ?? '-'}`);
      }
      result.ok = result.checks.every((check) => check.ok);
      if (!result.ok) result.error = 'a check failed';
    } catch (error) {
      result.ok = false;
      result.error = this.interrupted ? 'interrupted' : error instanceof Error ? error.message : String(error);
    } finally {
      await this.cleanUp();
      const summary = summariseRounds(result.rounds);
      result.median = summary.median;
      result.peakRssMb = { ...summary.peakRssMb, bench: mb(process.resourceUsage().maxRSS) };
      result.targets = assessPrintTargets(result);
      result.finishedAt = new Date().toISOString();
    }
    return result;
  }

  private check(name: string, ok: boolean, detail: string): void {
    this.result.checks.push({ name, ok, detail });
    if (!ok) this.log(`check FAILED: ${name}: ${detail}`);
  }

  /** Runs one child to its end, reads its figures and its files back, then deletes the files. */
  private async runChild(kind: PrintChildKind, round: number): Promise<PrintChildRun> {
    const dir = join(this.workDir, `round-${round}-${kind}`);
    await mkdir(dir);
    const resultFile = join(dir, 'result.json');
    const flags = kind === 'qalam' ? this.qalamFlags : [];
    this.log(`round ${round}: ${kind === 'qalam' ? "qalam's writeLetterRun" : 'bare pdfkit loop'}`);
    const machineBefore = await machineCpuTicks();
    const started = process.hrtime.bigint();
    // Its own environment: nothing from the shell but PATH; the work directory as cwd, so a --cpu-prof lands there.
    const child = new BenchChild(`${kind}-${round}`, process.execPath, [...flags, PRINT_CHILD, kind, String(this.options.letters), this.options.paper === 'A4' ? 'A4' : 'LETTER', dir, resultFile], join(this.workDir, `${kind}-${round}.log`), { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_ENV: 'production' }, this.workDir);
    this.current = child;
    const exit = await child.exited;
    this.current = null;
    const processSeconds = elapsedSince(started);
    const machineBusy = busyShare(machineBefore, await machineCpuTicks());
    this.checkInterrupted();
    if (exit.code !== 0) throw new Error(`the ${kind} child ${child.describeExit()}; last lines of ${child.logFile}:\n${child.logTail()}`);
    const reported = JSON.parse(await readFile(resultFile, 'utf8')) as PrintChildResult;

    // Both children write a letters PDF and an envelopes PDF: every page counted is read back.
    const pages = await pdfinfoPages(reported.files.letters);
    const envelopes = await pdfinfoPages(reported.files.envelopes);
    const writer = kind === 'qalam' ? "writeLetterRun's" : "pdfkit's";
    this.check(`round ${round}: ${kind} letters PDF pages by pdfinfo = ${writer} count`, pages === reported.letterPages, `${int(pages)} and ${int(reported.letterPages)}`);
    this.check(`round ${round}: ${kind} envelopes PDF pages by pdfinfo = ${writer} count, one per letter`, envelopes === reported.envelopePages && envelopes === reported.letters, `${int(envelopes)}, ${int(reported.envelopePages)} and ${int(reported.letters)} letters`);
    let manifestRows: number | null = null;
    if (kind === 'qalam') {
      manifestRows = await csvRows(reported.files.manifest);
      this.check(`round ${round}: manifest.csv has a row per letter`, manifestRows === reported.letters, `${int(manifestRows)} rows, ${int(reported.letters)} letters`);
    }
    await rm(dir, { recursive: true, force: true });
    const figures: PrintChildRun = { ...reported, pdfinfoPages: pages, pdfinfoEnvelopePages: envelopes, manifestRows, processSeconds, machineBusy };
    this.log(`  ${int(figures.pages)} pages in ${figures.seconds.toFixed(1)} s = ${int(figures.pagesPerSecond)} pages/s, peak RSS ${int(figures.peakRssMb)} MB`);
    return figures;
  }

  private async cleanUp(): Promise<void> {
    await this.current?.stop().catch(() => undefined);
    if (!this.workDir) return;
    if (this.options.keep) {
      // The PDFs can be hundreds of MB: they go even with --keep; logs and profiles stay.
      for (const entry of await readdir(this.workDir)) if (entry.startsWith('round-')) await rm(join(this.workDir, entry), { recursive: true, force: true });
      this.log(`kept: logs and profiles in ${this.workDir}`);
    } else {
      await rm(this.workDir, { recursive: true, force: true });
    }
  }

  private checkInterrupted(): void {
    if (this.interrupted) throw new Error('interrupted');
  }

  /** Ctrl-C: stop the child now; the run then fails, cleans up and reports. */
  interrupt(): void {
    this.interrupted = true;
    if (this.current) void this.current.stop(2_000);
  }
}
