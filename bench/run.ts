import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { runBaseline } from './baseline';
import { BenchDatabase } from './bench-database';
import { BenchChild } from './child-process';
import { runProgram } from './command-line';
import { DumpedMessage, kindOf, messageIdMatches, readDump } from './dump';
import { busyShare, describeMachine, machineCpuTicks } from './machine';
import { elapsedSince, freePort, sleep, waitFor } from './net';
import { BenchOptions, parseBenchArgs, poolSizes, USAGE } from './options';
import { PrintRun } from './print';
import { BenchMode, benchMode, parsePrintArgs, PRINT_USAGE } from './print-options';
import { formatPrintSummary } from './print-report';
import { Campaign, createCampaign, QalamApi } from './qalam-api';
import { MAIL_FROM, PRODUCTION_NODE_FLAGS, QALAM_MAIN, QalamSetup, RESULTS_DIR } from './qalam-processes';
import { assessTargets, BaselineCheck, BenchResult, ExactlyOnce, formatSummary, mb, receivedExactly, writeResult } from './report';
import { BenchServices, prepareRun } from './services';
import { HttpRun } from './http';
import { HTTP_USAGE, parseHttpArgs } from './http-options';
import { formatHttpSummary } from './http-report';
import { formatInboundSummary, InboundRun } from './inbound';
import { INBOUND_USAGE, parseInboundArgs } from './inbound-options';
import { RunningSink, startSink } from './sinks';

const NODE_SINK = join(__dirname, 'sink.js');

/** Letter ids sent to Postgres per statement while checking what the sink received. */
const RECEIVED_BATCH = 10_000;

/** One run of `npm run bench`: every process it starts, and what it measured. */
class BenchRun {
  private readonly children: BenchChild[] = [];
  private readonly qalamChildren: BenchChild[] = [];
  private readonly qalam: QalamSetup;
  private workDir = '';
  private sink: RunningSink | null = null;
  private db: BenchDatabase | null = null;
  private services: BenchServices | null = null;
  private interrupted = false;
  readonly result: BenchResult;

  constructor(private readonly options: BenchOptions) {
    const supporters = Math.ceil(options.letters / options.officials);
    this.qalam = new QalamSetup(options);
    this.result = {
      ok: false,
      error: null,
      startedAt: new Date().toISOString(),
      finishedAt: '',
      arguments: { ...options, smtpPoolSizes: poolSizes(options.connections, options.workers) },
      machine: describeMachine(),
      sink: null,
      letters: { requested: options.letters, supporters, officials: options.officials, created: null },
      launch: null,
      delivery: null,
      baseline: null,
      peakRssMb: {},
      cpuSeconds: { engine: {}, barePool: {} },
      cpuMsPerLetter: { workers: null, barePool: null },
      machineBusy: { engine: null, barePool: null },
      exactlyOnce: null,
      targets: { deliveryRatio: { target: '', value: null, met: null }, launch: { target: '', value: null, met: null }, peakRss: { target: '', value: null, met: null } },
      resultsFile: null,
    };
  }

  private log(message: string): void {
    console.log(`bench: ${message}`);
  }

  async run(): Promise<BenchResult> {
    const { options, result } = this;
    try {
      // Services answer, and the bench's database and queue are empty.
      ({ services: this.services, workDir: this.workDir } = await prepareRun(this.options, result.machine, 'qalam-bench', (message) => this.log(message)));
      this.sink = await startSink(options.sink, await freePort(), this.workDir, NODE_SINK);
      result.sink = { kind: this.sink.kind, command: this.sink.command, recordBytes: null };
      this.log(`sink ${this.sink.kind} on port ${this.sink.port}`);

      const api = await this.startApi();
      const campaign = await createCampaign(api, options.officials);
      this.db = await BenchDatabase.connect(options.databaseUrl);
      const started = process.hrtime.bigint();
      await this.db.insertSupporters(result.letters.supporters);
      this.log(`${result.letters.supporters.toLocaleString('en')} auto-signing supporters inserted in ${elapsedSince(started).toFixed(1)} s`);
      await this.startWorkers();

      if (options.baseline === 'before') await this.runBaseline(api, campaign);
      this.checkInterrupted();
      await this.launchAndDeliver(api, campaign);
      this.checkInterrupted();
      if (options.baseline === 'after') await this.runBaseline(api, campaign);
      this.checkInterrupted();
      this.fillRatios();

      await this.readPeakRss();
      // The sink records the last messages when it stops; qalam first, so nothing arrives late.
      await Promise.all(this.qalamChildren.map((child) => child.stop()));
      await this.sink.child.stop();
      result.exactlyOnce = await this.checkExactlyOnce(campaign);
      result.ok = result.exactlyOnce.ok;
      if (!result.ok) result.error = 'the sink did not receive every letter exactly once';
    } catch (error) {
      result.ok = false;
      result.error = this.interrupted ? 'interrupted' : error instanceof Error ? error.message : String(error);
      if (!this.interrupted) this.printLogTails();
      await this.readPeakRss().catch(() => undefined);
    } finally {
      await this.cleanUp();
      result.finishedAt = new Date().toISOString();
      result.peakRssMb.bench = mb(process.resourceUsage().maxRSS);
      result.targets = assessTargets(result);
    }
    return result;
  }

  /** A qalam process's environment: the run's, pointed at the sink. */
  private qalamEnv(role: 'api' | 'worker', extra: Record<string, string>): Record<string, string> {
    if (!this.sink) throw new Error('no sink');
    const { concurrency } = this.options;
    return this.qalam.env(role, {
      SMTP_URL: `smtp://127.0.0.1:${this.sink.port}`,
      ...(concurrency ? { DELIVERY_CONCURRENCY: String(concurrency) } : {}),
      ...extra,
    });
  }

  private spawnQalam(name: string, env: Record<string, string>): BenchChild {
    // The work directory as cwd: whatever a process writes there (a --prof log) goes with it.
    const child = new BenchChild(name, process.execPath, [...PRODUCTION_NODE_FLAGS, ...this.options.nodeOptions, QALAM_MAIN], join(this.workDir, `${name}.log`), env, this.workDir);
    this.children.push(child);
    this.qalamChildren.push(child);
    return child;
  }

  /** The api migrates the fresh database; it is ready when the admin can log in. */
  private async startApi(): Promise<QalamApi> {
    const port = await freePort();
    const child = this.spawnQalam('api', this.qalamEnv('api', { PORT: String(port) }));
    const started = process.hrtime.bigint();
    const api = await this.qalam.waitForApi(child, port);
    this.log(`api (pid ${child.pid}) on port ${port}, migrated and logged in after ${elapsedSince(started).toFixed(1)} s`);
    return api;
  }

  /**
   * Starts the worker processes once the api has migrated (so they never race it), and waits
   * until each has a BullMQ worker connection in Redis.
   */
  private async startWorkers(): Promise<void> {
    const sizes = this.result.arguments.smtpPoolSizes;
    const workers = sizes.map((size, index) => this.spawnQalam(`worker-${index + 1}`, this.qalamEnv('worker', { SMTP_POOL_SIZE: String(size) })));
    const started = process.hrtime.bigint();
    let seen = 0;
    try {
      await waitFor(
        async () => {
          const dead = workers.find((worker) => !worker.running);
          if (dead) throw new Error(`${dead.name} ${dead.describeExit()}`);
          seen = await this.workerConnections();
          return seen >= workers.length ? true : undefined;
        },
        () => `${seen} of ${workers.length} workers connected`,
        60_000,
        200,
      );
      this.log(`${workers.length} workers (pids ${workers.map((w) => w.pid).join(', ')}; SMTP_POOL_SIZE ${sizes.join('/')}) ready after ${elapsedSince(started).toFixed(1)} s`);
    } catch (error) {
      if (workers.some((worker) => !worker.running)) throw error;
      // Worker connections are named by BullMQ; a rewrite may name them otherwise. Go on.
      this.log(`warning: could not see the workers in Redis (${(error as Error).message}); going on`);
    }
  }

  /**
   * Worker connections in Redis: BullMQ names a worker's blocking connection
   * `<prefix>:<base64 queue name>`, or `...:w:<worker name>` for a named worker.
   */
  private async workerConnections(): Promise<number> {
    if (!this.services) return 0;
    const list = (await this.services.redis.client('LIST')) as string;
    const worker = new RegExp(`^${this.options.queuePrefix}:[A-Za-z0-9+/]+=*(:w:.*)?$`);
    return list
      .split('\n')
      .map((line) => /(?:^| )name=(\S*)/.exec(line)?.[1] ?? '')
      .filter((name) => worker.test(name)).length;
  }

  private async runBaseline(api: QalamApi, campaign: Campaign): Promise<void> {
    const { options } = this;
    if (!this.sink || !this.db) throw new Error('not started');
    // The letter the engine would write for one supporter, rendered once by qalam itself.
    const rendered = await api.post<{ subject: string; body: string }>(`/api/templates/${campaign.templateId}/preview`, {
      caseId: campaign.caseId,
      officialId: campaign.officialIds[0],
      supporterId: await this.db.anySupporterId(),
    });
    const letters = this.result.letters.supporters * options.officials;
    this.log(`bare Nodemailer pool: ${letters.toLocaleString('en')} letters, ${options.connections} connections, ${options.inFlight} in flight`);
    const [sinkBefore, machineBefore] = await Promise.all([this.sink.child.cpuSeconds(), machineCpuTicks()]);
    const run = await runBaseline(this.sink.port, letters, options.connections, options.inFlight, {
      from: { name: 'Amina Okafor via qalam', address: MAIL_FROM },
      to: 'official1@prosecutor.example',
      subject: rendered.subject,
      text: rendered.body,
    });
    this.result.baseline = { ...run, order: options.baseline };
    const [sinkAfter, machineAfter] = await Promise.all([this.sink.child.cpuSeconds(), machineCpuTicks()]);
    this.result.machineBusy.barePool = busyShare(machineBefore, machineAfter);
    this.result.cpuSeconds.barePool = { bench: Math.round(run.cpuSeconds * 100) / 100, ...BenchRun.cpuBetween({ sink: sinkBefore }, { sink: sinkAfter }) };
    this.result.cpuMsPerLetter.barePool = (run.cpuSeconds * 1000) / letters;
    this.log(`bare pool: ${Math.round(run.lettersPerSecond).toLocaleString('en')} letters/s${run.errors ? ` (${run.errors} errors: ${run.firstError})` : ''}`);
  }

  private async launchAndDeliver(api: QalamApi, campaign: Campaign): Promise<void> {
    const { result } = this;
    const db = this.db;
    if (!db) throw new Error('not started');
    const [appealId] = campaign.appealIds;
    this.log('launching the appeal');
    const engineProcesses = [...this.qalamChildren, ...(this.sink ? [this.sink.child] : [])];
    const [cpuBefore, machineBefore] = await Promise.all([this.cpuNow(engineProcesses), machineCpuTicks()]);
    const launchedAtMs = Date.now();
    const started = process.hrtime.bigint();
    await api.post(`/api/appeals/${appealId}/launch`);
    const launchSeconds = elapsedSince(started);
    const created = Object.values(await db.countsByStatus(appealId)).reduce((sum, count) => sum + count, 0);
    result.letters.created = created;
    result.launch = { seconds: launchSeconds, lettersPerSecond: created / launchSeconds };
    this.log(`launch: ${created.toLocaleString('en')} letters created and enqueued in ${launchSeconds.toFixed(2)} s`);
    if (created === 0) throw new Error('the launch created no letter');

    await this.waitForDelivery(api, db, appealId, created, started);
    const [cpuAfter, machineAfter] = await Promise.all([this.cpuNow(engineProcesses), machineCpuTicks()]);
    result.cpuSeconds.engine = BenchRun.cpuBetween(cpuBefore, cpuAfter);
    result.machineBusy.engine = busyShare(machineBefore, machineAfter);

    const rows = await db.delivery(appealId);
    const statuses = await db.countsByStatus(appealId);
    const seconds = rows.lastSentAt ? (rows.lastSentAt.getTime() - launchedAtMs) / 1000 : null;
    const firstToLast = rows.firstSentAt && rows.lastSentAt ? (rows.lastSentAt.getTime() - rows.firstSentAt.getTime()) / 1000 : null;
    result.delivery = {
      seconds: seconds ?? 0,
      lettersPerSecond: seconds ? rows.sent / seconds : 0,
      firstSentAfterSeconds: rows.firstSentAt ? (rows.firstSentAt.getTime() - launchedAtMs) / 1000 : 0,
      firstToLastSeconds: firstToLast ?? 0,
      firstToLastLettersPerSecond: firstToLast ? rows.sent / firstToLast : 0,
      sent: rows.sent,
      retried: rows.retried,
      statuses,
      latency: { p50Seconds: rows.latencyP50, p99Seconds: rows.latencyP99, maxSeconds: rows.latencyMax },
      ratioToBaseline: null,
      firstToLastRatioToBaseline: null,
    };
    const workerSeconds = Object.entries(result.cpuSeconds.engine).filter(([name]) => name.startsWith('worker')).map(([, seconds]) => seconds);
    if (rows.sent > 0 && workerSeconds.length > 0 && workerSeconds.every((seconds) => seconds !== null)) {
      result.cpuMsPerLetter.workers = (workerSeconds.reduce<number>((sum, seconds) => sum + (seconds ?? 0), 0) * 1000) / rows.sent;
    }
  }

  /** The bare pool may run after the engine: the ratios wait until both are known. */
  private fillRatios(): void {
    const { delivery, baseline } = this.result;
    if (!delivery || !baseline || baseline.lettersPerSecond <= 0) return;
    delivery.ratioToBaseline = delivery.lettersPerSecond / baseline.lettersPerSecond;
    delivery.firstToLastRatioToBaseline = delivery.firstToLastLettersPerSecond / baseline.lettersPerSecond;
  }

  /**
   * Polls until no letter is queued or sending; fails when a qalam process dies or nothing
   * moves. It asks the API (counters qalam keeps as letters change state) rather than
   * counting letter rows, which would load Postgres during the very run it measures.
   */
  private async waitForDelivery(api: QalamApi, db: BenchDatabase, appealId: string, total: number, launched: bigint): Promise<void> {
    const { options } = this;
    const intervalMs = Math.min(1000, Math.max(100, Math.round(total / 200)));
    let lowest = Number.POSITIVE_INFINITY;
    let movedAt = Date.now();
    let reportedAt = Date.now();
    for (;;) {
      const dead = this.qalamChildren.find((child) => !child.running);
      if (dead) throw new Error(`${dead.name} ${dead.describeExit()} during delivery`);
      const { queued, sending } = (await api.get<{ letters: { queued: number; sending: number } }>(`/api/appeals/${appealId}`)).letters;
      const pending = queued + sending;
      if (pending === 0) return;
      if (pending < lowest) {
        lowest = pending;
        movedAt = Date.now();
      } else if (Date.now() - movedAt > options.stallSeconds * 1000) {
        throw new Error(`no letter delivered for ${options.stallSeconds} s: ${queued} queued, ${sending} sending; statuses ${JSON.stringify(await db.countsByStatus(appealId))}`);
      }
      if (Date.now() - reportedAt >= 5000) {
        reportedAt = Date.now();
        const seconds = elapsedSince(launched);
        const done = total - pending;
        this.log(`${seconds.toFixed(0)} s: ${done.toLocaleString('en')} of ${total.toLocaleString('en')} letters done (${queued} queued, ${sending} sending), ${Math.round(done / seconds).toLocaleString('en')} letters/s`);
      }
      await sleep(intervalMs);
    }
  }

  /** Peak RSS (VmHWM) of every child while it still lives. */
  private async readPeakRss(): Promise<void> {
    for (const child of [...this.qalamChildren, ...(this.sink ? [this.sink.child] : [])]) {
      const kb = await child.peakRssKb();
      // A process already stopped keeps the figure read while it lived.
      if (kb !== null || !(child.name in this.result.peakRssMb)) this.result.peakRssMb[child.name] = mb(kb);
    }
  }

  /** CPU seconds each child has used so far. */
  private async cpuNow(children: BenchChild[]): Promise<Record<string, number | null>> {
    const entries = await Promise.all(children.map(async (child) => [child.name, await child.cpuSeconds()] as const));
    return Object.fromEntries(entries);
  }

  /** What each child used between two readings. */
  private static cpuBetween(before: Record<string, number | null>, after: Record<string, number | null>): Record<string, number | null> {
    return Object.fromEntries(
      Object.entries(after).map(([name, seconds]) => {
        const start = before[name];
        return [name, seconds === null || start === null || start === undefined ? null : Math.round((seconds - start) * 100) / 100];
      }),
    );
  }

  /** Reads the sink's record of every message it accepted and counts each letter. */
  private async checkExactlyOnce(campaign: Campaign): Promise<ExactlyOnce> {
    if (!this.sink || !this.db) throw new Error('not started');
    const db = this.db;
    this.log(`checking what the sink received (${this.sink.dumpFile})`);
    const started = process.hrtime.bigint();
    const baselineLetters = this.result.baseline?.letters ?? 0;
    const copies = new Uint8Array(baselineLetters);
    let baselineReceived = 0;
    let baselineUnexpected = 0;
    let mismatches = 0;
    let unidentified = 0;
    let batch: string[] = [];
    await db.startReceived();
    // smtp-sink creates its dump with the first message: no file, nothing received.
    const recordBytes = await stat(this.sink.dumpFile).then((stats) => stats.size, () => null);
    if (this.result.sink) this.result.sink.recordBytes = recordBytes;
    const visit = async (message: DumpedMessage) => {
      const kind = kindOf(message);
      if (kind === 'letter' && message.letterId !== null) {
        batch.push(message.letterId);
        if (!messageIdMatches(message)) mismatches += 1;
        if (batch.length >= RECEIVED_BATCH) {
          await db.addReceived(batch);
          batch = [];
        }
      } else if (kind === 'baseline' && message.baseline !== null) {
        baselineReceived += 1;
        if (message.baseline < baselineLetters) copies[message.baseline] = Math.min(255, copies[message.baseline] + 1);
        else baselineUnexpected += 1;
      } else {
        unidentified += 1;
      }
    };
    if (recordBytes !== null) await readDump(this.sink.dumpFile, visit);
    await db.addReceived(batch);
    const letters = { ...(await db.checkReceived(campaign.appealIds[0])), messageIdMismatches: mismatches };
    let baseline: BaselineCheck | null = null;
    if (this.result.baseline) {
      let distinct = 0;
      let duplicates = 0;
      for (const count of copies) {
        if (count > 0) distinct += 1;
        if (count > 1) duplicates += 1;
      }
      baseline = { expected: baselineLetters, received: baselineReceived, distinct, duplicates, missing: baselineLetters - distinct, unexpected: baselineUnexpected };
    }
    const ok = receivedExactly(letters) && letters.messageIdMismatches === 0 && (baseline === null || receivedExactly(baseline)) && unidentified === 0;
    this.log(`sink record read in ${elapsedSince(started).toFixed(1)} s`);
    return { ok, letters, baseline, unidentified };
  }

  private printLogTails(): void {
    for (const child of [...this.children, ...(this.sink ? [this.sink.child] : [])]) {
      console.error(`\n--- ${child.name} (pid ${child.pid ?? '-'}, ${child.describeExit()}), last lines of ${child.logFile}:\n${child.logTail()}`);
    }
  }

  /** Every child stopped, even on failure; the database, queue keys and work files removed unless --keep. */
  private async cleanUp(): Promise<void> {
    await Promise.all(this.children.map((child) => child.stop().catch(() => undefined)));
    if (this.sink) await this.sink.child.stop().catch(() => undefined);
    await this.db?.close().catch(() => undefined);
    await this.services?.close((message) => this.log(message));
    if (this.workDir) {
      if (this.options.keep) {
        // The dump can be gigabytes: it goes even with --keep; the logs stay.
        if (this.sink) await rm(this.sink.dumpFile, { force: true });
        this.log(`kept: database, queue keys, and process logs in ${this.workDir}`);
      } else {
        await rm(this.workDir, { recursive: true, force: true });
      }
    }
  }

  private checkInterrupted(): void {
    if (this.interrupted) throw new Error('interrupted');
  }

  /** Ctrl-C: stop every child now; the run then fails, cleans up and reports. */
  interrupt(): void {
    this.interrupted = true;
    for (const child of this.children) void child.stop(2_000);
    if (this.sink) void this.sink.child.stop(2_000);
  }
}

if (require.main === module) {
  // `--mode print` runs the print-run bench instead, `--mode inbound` the inbound listener's, `--mode http` the API's and pages'; without it, the delivery bench as always.
  let mode: BenchMode = 'delivery';
  try {
    mode = benchMode(process.argv.slice(2)).mode;
  } catch {
    // runProgram reports the bad --mode with the usage.
  }
  if (mode === 'http') {
    runProgram({
      name: 'bench',
      usage: HTTP_USAGE,
      parse: (argv) => parseHttpArgs(benchMode(argv).rest),
      start: (options) => new HttpRun(options),
      write: (result) => writeResult(RESULTS_DIR, `http-${result.arguments.members}`, result),
      summary: formatHttpSummary,
    });
  } else if (mode === 'inbound') {
    runProgram({
      name: 'bench',
      usage: INBOUND_USAGE,
      parse: (argv) => parseInboundArgs(benchMode(argv).rest),
      start: (options) => new InboundRun(options),
      write: (result) => writeResult(RESULTS_DIR, `inbound-${result.arguments.messages}`, result),
      summary: formatInboundSummary,
    });
  } else if (mode === 'print') {
    runProgram({
      name: 'bench',
      usage: PRINT_USAGE,
      parse: (argv) => parsePrintArgs(benchMode(argv).rest),
      start: (options) => new PrintRun(options),
      write: (result) => writeResult(RESULTS_DIR, `print-${result.arguments.letters}`, result),
      summary: formatPrintSummary,
    });
  } else {
    runProgram({
      name: 'bench',
      usage: USAGE,
      parse: (argv) => parseBenchArgs(benchMode(argv).rest),
      start: (options) => new BenchRun(options),
      write: (result) => writeResult(RESULTS_DIR, String(result.letters.requested), result),
      summary: formatSummary,
    });
  }
}
