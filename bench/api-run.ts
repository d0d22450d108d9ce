import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BenchDatabase } from './bench-database';
import { BenchChild } from './child-process';
import type { ServiceOptions } from './command-line';
import type { Machine } from './machine';
import { elapsedSince, freePort } from './net';
import { QalamApi } from './qalam-api';
import { PRODUCTION_NODE_FLAGS, QALAM_MAIN, QalamSetup } from './qalam-processes';
import { mb } from './report';
import { BenchServices, prepareRun } from './services';

/** What every single-api benchmark reports besides its own figures. */
export interface ApiRunResult {
  ok: boolean;
  error: string | null;
  finishedAt: string;
  machine: Machine;
  peakRssMb: { api: number | null; bench: number | null };
}

/**
 * A benchmark run against one QALAM_ROLE=api process and the bench's own database (bench:stats,
 * bench:console): the services prepared, the api started and watched, the failure reported
 * with the api's last log lines, everything cleaned up unless --keep, Ctrl-C honoured. A
 * subclass does its work in `body` and judges its targets in `assessTargets`.
 */
export abstract class ApiRun<O extends ServiceOptions, R extends ApiRunResult> {
  protected api: BenchChild | null = null;
  protected readonly qalam: QalamSetup;
  protected workDir = '';
  protected db: BenchDatabase | null = null;
  private services: BenchServices | null = null;
  private interrupted = false;

  protected constructor(
    protected readonly options: O,
    readonly result: R,
    private readonly name: string,
  ) {
    this.qalam = new QalamSetup(options);
  }

  /** The run's own work, with the api on `port` logged in; sets `result.ok` and `result.error`. */
  protected abstract body(api: QalamApi, port: number): Promise<void>;

  /** Judges the figures against their targets (also after a failure, on what was measured). */
  protected abstract assessTargets(): void;

  /** Closes what the subclass opened (clients, connections), before the api stops. */
  protected async closeOwn(): Promise<void> {}

  /** Node flags the api gets after the production ones (say --cpu-prof); none by default. */
  protected apiNodeFlags(): string[] {
    return [];
  }

  /** Environment the api gets besides the run's (limits, PUBLIC_URL for the api on `port`); none by default. */
  protected apiEnv(_port: number): Record<string, string> {
    return {};
  }

  /** Times one step of the seeding, for the log and, when the results keep a list of them in `setup`, for the results. */
  protected async step<T>(name: string, work: () => Promise<T>): Promise<T> {
    this.checkInterrupted();
    const started = process.hrtime.bigint();
    const value = await work();
    const seconds = elapsedSince(started);
    // bench:console and the http mode keep their steps in `setup` (bench:stats' setup is its own).
    const setup = (this.result as { setup?: unknown }).setup;
    if (Array.isArray(setup)) setup.push({ step: name, seconds });
    this.log(`${name}: ${seconds.toFixed(1)} s`);
    return value;
  }

  protected log(message: string): void {
    console.log(`${this.name}: ${message}`);
  }

  async run(): Promise<R> {
    const { result } = this;
    try {
      // Services answer, and the bench's database and queue are empty.
      ({ services: this.services, workDir: this.workDir } = await prepareRun(this.options, result.machine, `qalam-${this.name.replace(':', '-')}`, (message) => this.log(message)));
      const port = await freePort();
      const api = await this.startApi(port);
      this.db = await BenchDatabase.connect(this.options.databaseUrl);
      await this.body(api, port);
    } catch (error) {
      result.ok = false;
      result.error = this.interrupted ? 'interrupted' : error instanceof Error ? error.message : String(error);
      if (!this.interrupted && this.api) console.error(`\n--- api (pid ${this.api.pid ?? '-'}, ${this.api.describeExit()}), last lines of ${this.api.logFile}:\n${this.api.logTail()}`);
      await this.readPeakRss().catch(() => undefined);
    } finally {
      await this.cleanUp();
      result.finishedAt = new Date().toISOString();
      result.peakRssMb.bench = mb(process.resourceUsage().maxRSS);
      this.assessTargets();
    }
    return result;
  }

  /** One QALAM_ROLE=api process, with the environment `npm run bench` gives it; ready when the admin can log in. */
  private async startApi(port: number): Promise<QalamApi> {
    // No worker runs: nothing is sent. Should anything be, it lands in the work directory.
    const env = this.qalam.env('api', { OUTBOX_DIR: join(this.workDir, 'outbox'), PORT: String(port), ...this.apiEnv(port) });
    const child = new BenchChild('api', process.execPath, [...PRODUCTION_NODE_FLAGS, ...this.apiNodeFlags(), QALAM_MAIN], join(this.workDir, 'api.log'), env, this.workDir);
    this.api = child;
    const started = process.hrtime.bigint();
    const api = await this.qalam.waitForApi(child, port);
    this.log(`api (pid ${child.pid}) on port ${port}, migrated and logged in after ${elapsedSince(started).toFixed(1)} s`);
    return api;
  }

  protected async readPeakRss(): Promise<void> {
    const kb = await this.api?.peakRssKb();
    if (kb !== undefined && kb !== null) this.result.peakRssMb.api = mb(kb);
  }

  /** The api stopped (SIGTERM, SIGKILL after 10 s), connections closed; database, keys and work files gone unless --keep. */
  private async cleanUp(): Promise<void> {
    await this.closeOwn().catch(() => undefined);
    if (this.api) await this.api.stop().catch(() => undefined);
    await this.db?.close().catch(() => undefined);
    await this.services?.close((message) => this.log(message));
    if (!this.options.keep) {
      if (this.workDir) await rm(this.workDir, { recursive: true, force: true });
    } else if (this.workDir) {
      this.log(`kept: database, queue keys, and the api's log in ${this.workDir}`);
    }
  }

  protected checkInterrupted(): void {
    if (this.interrupted) throw new Error('interrupted');
  }

  /** Ctrl-C: stop the api now; the run then fails, cleans up and reports. */
  interrupt(): void {
    this.interrupted = true;
    if (this.api) void this.api.stop(2_000);
  }
}
