import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { BenchDatabase, dropDatabase, postgresVersion } from './bench-database';
import { BenchChild } from './child-process';
import { freePort, waitFor } from './net';
import { UsageError } from './options';
import { BENCH_TEMPLATE, QalamApi } from './qalam-api';
import { parseStatsArgs, STATS_USAGE, StatsBenchOptions, supportersFor } from './stats-options';
import { KeepAliveClient, LatencySummary, roundRatios, summarise } from './stats-timing';

/** The repository root, seen from dist-bench/bench/stats.js. */
const ROOT = join(__dirname, '..', '..');
const QALAM_MAIN = join(ROOT, 'dist', 'main.js');
const RESULTS_DIR = join(ROOT, 'bench', 'results');

const ADMIN_EMAIL = 'bench-admin@qalam-bench.example';
const MAIL_FROM = 'letters@qalam-bench.example';
/** The issue's target: a case's stats answered in under this, with 10,000,000 letters. */
export const TARGET_STATS_MS = 20;
/** The paired requests are also cut into this many consecutive runs, each with its own ratio. */
const ROUNDS = 5;

const elapsedSince = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
const int = (value: number) => Math.round(value).toLocaleString('en');
const ms = (value: number | null | undefined) => (value === null || value === undefined || Number.isNaN(value) ? '-' : `${value.toFixed(2)} ms`);

interface CaseStats {
  letters: Record<string, number>;
  supporters: number;
  byDay: unknown[];
}

interface Launch {
  appealId: string;
  seconds: number;
  letters: number;
  lettersPerSecond: number;
}

/** One figure checked: what qalam (or the launch) gave against what the letter rows say. */
interface NumberCheck {
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
  machine: { cpus: number; cpuModel: string; totalMemoryMb: number; platform: string; release: string; node: string; postgres: string | null; redis: string | null };
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
  targets: { median: { target: string; value: number | null; met: boolean | null; note?: string }; p95: { target: string; value: number | null; met: boolean | null; note?: string } };
  resultsFile: string | null;
}

/** One run of `npm run bench:stats`: one api process, one case, its stats timed against /api/me. */
class StatsRun {
  private api: BenchChild | null = null;
  private readonly adminPassword = randomBytes(12).toString('hex');
  private readonly appSecret = randomBytes(32).toString('hex');
  private workDir = '';
  private db: BenchDatabase | null = null;
  private sql: Client | null = null;
  private redis: Redis | null = null;
  private client: KeepAliveClient | null = null;
  private interrupted = false;
  readonly result: StatsBenchResult;

  constructor(private readonly options: StatsBenchOptions) {
    const supporters = supportersFor(options);
    const cpuList = cpus();
    this.result = {
      ok: false,
      error: null,
      startedAt: new Date().toISOString(),
      finishedAt: '',
      arguments: options,
      machine: {
        cpus: cpuList.length,
        cpuModel: cpuList[0]?.model.trim() ?? '?',
        totalMemoryMb: Math.round(totalmem() / 2 ** 20),
        platform: platform(),
        release: release(),
        node: process.version,
        postgres: null,
        redis: null,
      },
      case: { caseId: null, appealIds: [], officialIds: [] },
      letters: {
        requested: options.letters,
        supportersPerAppeal: supporters,
        officials: options.officials,
        appeals: options.appeals,
        expected: supporters * options.officials * options.appeals,
        created: null,
        inTable: null,
      },
      setup: { supportersInsertSeconds: null, vacuumAnalyzeSeconds: null },
      launches: [],
      measurement: {
        requests: options.requests,
        warmup: options.warmup,
        stats: null,
        baseline: null,
        ratio: null,
        pairedRatioMedian: null,
        roundRatios: [],
        roundRatioMedian: null,
        distinctStatsBodies: null,
        connectionsOpened: null,
        seconds: null,
      },
      countingRows: { caseCountsSeconds: null, distinctSupportersSeconds: null, tableCountSeconds: null },
      checks: { ok: null, items: [] },
      peakRssMb: { api: null, bench: null },
      targets: {
        median: { target: `median < ${TARGET_STATS_MS} ms`, value: null, met: null },
        p95: { target: `p95 < ${TARGET_STATS_MS} ms`, value: null, met: null },
      },
      resultsFile: null,
    };
  }

  private log(message: string): void {
    console.log(`bench:stats: ${message}`);
  }

  async run(): Promise<StatsBenchResult> {
    const { result } = this;
    try {
      await this.prepare();
      const port = await freePort();
      const api = await this.startApi(port);
      await this.createCase(api);
      this.checkInterrupted();

      this.db = await BenchDatabase.connect(this.options.databaseUrl);
      this.sql = new Client({ connectionString: this.options.databaseUrl, application_name: 'qalam-bench-stats' });
      await this.sql.connect();
      let started = process.hrtime.bigint();
      await this.db.insertSupporters(result.letters.supportersPerAppeal);
      result.setup.supportersInsertSeconds = elapsedSince(started);
      this.log(`${int(result.letters.supportersPerAppeal)} auto-signing supporters inserted in ${result.setup.supportersInsertSeconds.toFixed(1)} s`);

      await this.launchAll(api);
      this.checkInterrupted();

      this.log('VACUUM ANALYZE');
      started = process.hrtime.bigint();
      await this.sql.query('VACUUM ANALYZE');
      result.setup.vacuumAnalyzeSeconds = elapsedSince(started);
      this.log(`VACUUM ANALYZE in ${result.setup.vacuumAnalyzeSeconds.toFixed(1)} s`);
      this.checkInterrupted();

      await this.measure(port);
      this.checkInterrupted();
      await this.readPeakRss();
      await this.check();
      result.ok = result.checks.ok === true;
      if (!result.ok) result.error = `the case's stats do not match the letters table: ${result.checks.items.filter((item) => !item.ok).map((item) => item.name).join(', ')}`;
    } catch (error) {
      result.ok = false;
      result.error = this.interrupted ? 'interrupted' : error instanceof Error ? error.message : String(error);
      if (!this.interrupted && this.api) console.error(`\n--- api (pid ${this.api.pid ?? '-'}, ${this.api.describeExit()}), last lines of ${this.api.logFile}:\n${this.api.logTail()}`);
      await this.readPeakRss().catch(() => undefined);
    } finally {
      await this.cleanUp();
      result.finishedAt = new Date().toISOString();
      result.peakRssMb.bench = Math.round(process.resourceUsage().maxRSS / 102.4) / 10;
      this.assessTargets();
    }
    return result;
  }

  /** Services answer; the bench's database and queue keys are gone. */
  private async prepare(): Promise<void> {
    const { options, result } = this;
    try {
      result.machine.postgres = await postgresVersion(options.databaseUrl);
    } catch (error) {
      throw new Error(`Postgres does not answer at ${options.databaseUrl} (${(error as Error).message}); scripts/services starts one`);
    }
    this.redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
    this.redis.on('error', () => undefined);
    try {
      await this.redis.connect();
      result.machine.redis = /redis_version:(\S+)/.exec(await this.redis.info('server'))?.[1] ?? null;
    } catch (error) {
      throw new Error(`Redis does not answer at ${options.redisUrl} (${(error as Error).message}); scripts/services starts one`);
    }
    await dropDatabase(options.databaseUrl);
    const deleted = await this.deleteQueueKeys();
    this.workDir = await mkdtemp(join(tmpdir(), 'qalam-bench-stats-'));
    this.log(`database ${new URL(options.databaseUrl).pathname.slice(1)} dropped, ${deleted} keys under ${options.queuePrefix}: deleted, work files in ${this.workDir}`);
  }

  private async deleteQueueKeys(): Promise<number> {
    if (!this.redis) return 0;
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.options.queuePrefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await this.redis.unlink(...keys);
    } while (cursor !== '0');
    return deleted;
  }

  /** One QALAM_ROLE=api process, with the environment `npm run bench` gives it; ready when the admin can log in. */
  private async startApi(port: number): Promise<QalamApi> {
    const { options } = this;
    const env: Record<string, string> = {
      NODE_ENV: 'production',
      QALAM_ROLE: 'api',
      DATABASE_URL: options.databaseUrl,
      REDIS_URL: options.redisUrl,
      QUEUE_PREFIX: options.queuePrefix,
      // No worker runs: nothing is sent. Should anything be, it lands in the work directory.
      OUTBOX_DIR: join(this.workDir, 'outbox'),
      MAIL_FROM,
      ADMIN_EMAIL,
      ADMIN_PASSWORD: this.adminPassword,
      APP_SECRET: this.appSecret,
      LOG_LEVEL: 'warn',
      PORT: String(port),
    };
    const child = new BenchChild('api', process.execPath, [QALAM_MAIN], join(this.workDir, 'api.log'), env, this.workDir);
    this.api = child;
    const api = new QalamApi(`http://127.0.0.1:${port}`);
    const started = process.hrtime.bigint();
    await waitFor(
      async () => {
        if (!child.running) throw new Error(`the api process ${child.describeExit()}`);
        return api.login(ADMIN_EMAIL, this.adminPassword).then(
          () => true,
          () => undefined,
        );
      },
      () => 'the api never let the admin log in',
      120_000,
      200,
    );
    this.log(`api (pid ${child.pid}) on port ${port}, migrated and logged in after ${elapsedSince(started).toFixed(1)} s`);
    return api;
  }

  /** A case, its officials, a template and the draft appeals, through the API as a coordinator would. */
  private async createCase(api: QalamApi): Promise<void> {
    const { options, result } = this;
    // A fictional case: the bench never writes about a real person.
    const record = await api.post<{ id: string }>('/api/cases', {
      name: 'Dilnoza Rahimova',
      country: 'UZ',
      profession: 'journalist',
      status: 'detained',
      summary: 'A fictional journalist, detained after reporting on forced labour in the cotton harvest (benchmark data).',
      detainedOn: '2024-03-14',
      charges: 'Dissemination of false information',
    });
    result.case.caseId = record.id;
    for (let index = 1; index <= options.officials; index += 1) {
      const official = await api.post<{ id: string }>('/api/officials', {
        name: `Official ${index}`,
        title: 'Prosecutor General',
        salutation: 'Dear Prosecutor General',
        organisation: 'Office of the Prosecutor General',
        country: 'UZ',
        email: `official${index}@prosecutor.example`,
        language: 'en',
        timezone: 'Asia/Tashkent',
      });
      result.case.officialIds.push(official.id);
    }
    const template = await api.post<{ id: string }>('/api/templates', BENCH_TEMPLATE);
    for (let index = 1; index <= options.appeals; index += 1) {
      const appeal = await api.post<{ id: string }>('/api/appeals', {
        caseId: record.id,
        title: `Free Dilnoza Rahimova (${index})`,
        templateIds: [template.id],
        officialIds: result.case.officialIds,
      });
      result.case.appealIds.push(appeal.id);
    }
    this.log(`case ${record.id}: ${options.officials} officials, ${options.appeals} appeals`);
  }

  /** Launches every appeal, one after the other; each signs every supporter and writes to every official. */
  private async launchAll(api: QalamApi): Promise<void> {
    const { result } = this;
    if (!this.db) throw new Error('not started');
    for (const appealId of result.case.appealIds) {
      this.checkInterrupted();
      this.log(`launching appeal ${result.launches.length + 1} of ${result.case.appealIds.length}`);
      const started = process.hrtime.bigint();
      await api.post(`/api/appeals/${appealId}/launch`);
      const seconds = elapsedSince(started);
      const letters = Object.values(await this.db.countsByStatus(appealId)).reduce((sum, count) => sum + count, 0);
      result.launches.push({ appealId, seconds, letters, lettersPerSecond: letters / seconds });
      this.log(`launch ${result.launches.length}: ${int(letters)} letters created and enqueued in ${seconds.toFixed(2)} s = ${int(letters / seconds)} letters/s`);
      if (letters === 0) throw new Error('the launch created no letter');
    }
    result.letters.created = result.launches.reduce((sum, launch) => sum + launch.letters, 0);
  }

  /**
   * The stats of the case and the baseline (/api/me), interleaved on one keep-alive
   * connection: pair i asks for the stats first when i is even, the baseline first when odd,
   * so neither always follows the other.
   */
  private async measure(port: number): Promise<void> {
    const { options, result } = this;
    const caseId = result.case.caseId;
    if (!caseId) throw new Error('no case');
    const statsPath = `/api/stats/cases/${caseId}`;
    const baselinePath = '/api/me';
    const client = new KeepAliveClient(`http://127.0.0.1:${port}`);
    this.client = client;
    await client.login(ADMIN_EMAIL, this.adminPassword);
    this.log(`timing ${int(options.requests)} x GET ${statsPath} against ${int(options.requests)} x GET ${baselinePath}, after ${options.warmup} of each`);
    const statsMs: number[] = [];
    const baselineMs: number[] = [];
    const bodies = new Set<string>();
    const started = process.hrtime.bigint();
    for (let index = 0; index < options.warmup + options.requests; index += 1) {
      if (index % 50 === 0) this.checkInterrupted();
      const timed = index >= options.warmup;
      const order = index % 2 === 0 ? (['stats', 'baseline'] as const) : (['baseline', 'stats'] as const);
      for (const kind of order) {
        const response = await client.get(kind === 'stats' ? statsPath : baselinePath);
        if (!timed) continue;
        if (kind === 'stats') {
          statsMs.push(response.ms);
          bodies.add(response.body);
        } else {
          baselineMs.push(response.ms);
        }
      }
    }
    const m = result.measurement;
    m.seconds = elapsedSince(started);
    m.stats = { path: statsPath, ms: summarise(statsMs) };
    m.baseline = { path: baselinePath, ms: summarise(baselineMs) };
    m.ratio = m.stats.ms.median / m.baseline.ms.median;
    m.pairedRatioMedian = summarise(statsMs.map((value, index) => value / baselineMs[index])).median;
    m.roundRatios = roundRatios(statsMs, baselineMs, ROUNDS);
    m.roundRatioMedian = summarise(m.roundRatios).median;
    m.distinctStatsBodies = bodies.size;
    m.connectionsOpened = client.connectionsOpened;
    this.log(
      `stats median ${ms(m.stats.ms.median)} (p95 ${ms(m.stats.ms.p95)}, p99 ${ms(m.stats.ms.p99)}); ` +
        `baseline median ${ms(m.baseline.ms.median)} (p95 ${ms(m.baseline.ms.p95)}, p99 ${ms(m.baseline.ms.p99)}); ratio ${m.ratio.toFixed(2)} x`,
    );
  }

  /**
   * The case's stats against the letter rows: every status count, the total and the distinct
   * supporters, counted in SQL the slow way (also timed, to show what the counters save).
   */
  private async check(): Promise<void> {
    const { result } = this;
    const sql = this.sql;
    const caseId = result.case.caseId;
    if (!sql || !this.client || !caseId) throw new Error('not started');
    const stats = JSON.parse((await this.client.get(`/api/stats/cases/${caseId}`)).body) as CaseStats;
    this.log('counting the letter rows in SQL to check the stats');

    let started = process.hrtime.bigint();
    const { rows: byStatus } = await sql.query<{ status: string; count: string }>(
      `SELECT l.status, count(*) AS count FROM letters l JOIN appeals a ON a.id = l.appeal_id WHERE a.case_id = $1 GROUP BY l.status ORDER BY l.status`,
      [caseId],
    );
    result.countingRows.caseCountsSeconds = elapsedSince(started);
    started = process.hrtime.bigint();
    const { rows: distinct } = await sql.query<{ letters: string; signatures: string }>(
      `SELECT (SELECT count(DISTINCT l.supporter_id) FROM letters l JOIN appeals a ON a.id = l.appeal_id WHERE a.case_id = $1) AS letters,
              (SELECT count(DISTINCT s.supporter_id) FROM signatures s JOIN appeals a ON a.id = s.appeal_id WHERE a.case_id = $1) AS signatures`,
      [caseId],
    );
    result.countingRows.distinctSupportersSeconds = elapsedSince(started);
    started = process.hrtime.bigint();
    const { rows: table } = await sql.query<{ count: string }>('SELECT count(*) AS count FROM letters');
    result.countingRows.tableCountSeconds = elapsedSince(started);
    result.letters.inTable = Number(table[0].count);

    const counted = Object.fromEntries(byStatus.map((row) => [row.status, Number(row.count)]));
    const total = Object.values(counted).reduce((sum, count) => sum + count, 0);
    const items: NumberCheck[] = [];
    const item = (name: string, given: unknown, expected: number) => {
      const value = typeof given === 'number' ? given : null;
      items.push({ name, value, expected, ok: value === expected });
    };
    item('letters.total', stats.letters?.total, total);
    // Every status either side names, so a status the stats leave out is caught too.
    const statuses = new Set([...Object.keys(counted), ...Object.keys(stats.letters ?? {}).filter((key) => key !== 'total')]);
    for (const status of ['queued', ...[...statuses].filter((status) => status !== 'queued').sort()]) item(`letters.${status}`, stats.letters?.[status], counted[status] ?? 0);
    item('supporters (distinct, letters)', stats.supporters, Number(distinct[0].letters));
    item('supporters (distinct, signatures)', stats.supporters, Number(distinct[0].signatures));
    // The letter rows against the arithmetic: the launches wrote to every supporter and official.
    item('letter rows of the case = supporters x officials x appeals', total, result.letters.expected);
    result.checks = { ok: items.every((check) => check.ok), items };
    for (const check of items.filter((candidate) => !candidate.ok)) this.log(`MISMATCH ${check.name}: ${check.value ?? 'nothing'}, expected ${check.expected}`);
  }

  private async readPeakRss(): Promise<void> {
    const kb = await this.api?.peakRssKb();
    if (kb !== undefined && kb !== null) this.result.peakRssMb.api = Math.round(kb / 102.4) / 10;
  }

  private assessTargets(): void {
    const { result } = this;
    const stats = result.measurement.stats?.ms;
    const note = result.letters.created !== null && result.letters.created < 10_000_000 ? `measured with ${int(result.letters.created)} letters, not 10,000,000` : undefined;
    const target = (name: 'median' | 'p95', value: number | undefined) => ({
      target: `${name} < ${TARGET_STATS_MS} ms with 10,000,000 letters`,
      value: value ?? null,
      met: value === undefined ? null : value < TARGET_STATS_MS,
      ...(note ? { note } : {}),
    });
    result.targets = { median: target('median', stats?.median), p95: target('p95', stats?.p95) };
  }

  /** The api stopped (SIGTERM, SIGKILL after 10 s), connections closed; database, keys and work files gone unless --keep. */
  private async cleanUp(): Promise<void> {
    this.client?.close();
    if (this.api) await this.api.stop().catch(() => undefined);
    await this.db?.close().catch(() => undefined);
    await this.sql?.end().catch(() => undefined);
    if (!this.options.keep) {
      await dropDatabase(this.options.databaseUrl).catch((error: Error) => this.log(`could not drop the database: ${error.message}`));
      await this.deleteQueueKeys().catch((error: Error) => this.log(`could not delete the queue keys: ${error.message}`));
      if (this.workDir) await rm(this.workDir, { recursive: true, force: true });
    } else if (this.workDir) {
      this.log(`kept: database, queue keys, and the api's log in ${this.workDir}`);
    }
    this.redis?.disconnect();
  }

  private checkInterrupted(): void {
    if (this.interrupted) throw new Error('interrupted');
  }

  /** Ctrl-C: stop the api now; the run then fails, cleans up and reports. */
  interrupt(): void {
    this.interrupted = true;
    if (this.api) void this.api.stop(2_000);
  }
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
  const verdict = (met: boolean | null) => (met === null ? 'n/a' : met ? 'met' : 'MISSED');
  const t = result.targets;
  lines.push(`${label('targets')}${t.median.target}: ${ms(t.median.value)} ${verdict(t.median.met)}; p95: ${ms(t.p95.value)} ${verdict(t.p95.met)}${t.median.note ? ` (${t.median.note})` : ''}`);
  if (result.error) lines.push(`${label('error')}${result.error}`);
  if (result.resultsFile) lines.push(`${label('results')}${result.resultsFile}`);
  lines.push(result.ok ? 'bench:stats: OK' : 'bench:stats: FAILED');
  return lines.join('\n');
}

/** Writes the result as `<ISO timestamp>-stats-<letters>.json` under `dir`; returns the path. */
export async function writeStatsResult(dir: string, result: StatsBenchResult): Promise<string> {
  await mkdir(dir, { recursive: true });
  const stamp = result.startedAt.replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
  const path = join(dir, `${stamp}-stats-${result.letters.requested}.json`);
  result.resultsFile = path;
  await writeFile(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}

async function main(): Promise<number> {
  let options: StatsBenchOptions | null;
  try {
    options = parseStatsArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${STATS_USAGE}`);
    return 2;
  }
  if (!options) {
    console.log(STATS_USAGE);
    return 0;
  }
  const bench = new StatsRun(options);
  let interrupts = 0;
  const onSignal = () => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    console.error('\nbench:stats: interrupted, stopping the api (again to quit at once)');
    bench.interrupt();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const result = await bench.run();
  try {
    const path = await writeStatsResult(RESULTS_DIR, result);
    result.resultsFile = relative(process.cwd(), path) || path;
  } catch (error) {
    console.error(`bench:stats: could not write the results: ${(error as Error).message}`);
  }
  console.log(`\n${formatStatsSummary(result)}`);
  return result.ok ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error('bench:stats failed:', error);
      process.exit(1);
    },
  );
}
