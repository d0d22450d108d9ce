import { Client } from 'pg';
import { ApiRun } from './api-run';
import { runProgram } from './command-line';
import { describeMachine } from './machine';
import { elapsedSince } from './net';
import { createCampaign, QalamApi } from './qalam-api';
import { RESULTS_DIR } from './qalam-processes';
import { int, writeResult } from './report';
import { parseStatsArgs, STATS_USAGE, StatsBenchOptions, supportersFor } from './stats-options';
import { formatStatsSummary, ms, NumberCheck, StatsBenchResult, TARGET_STATS_MS } from './stats-report';
import { roundRatios, summarise } from './stats-timing';

/** The paired requests are also cut into this many consecutive runs, each with its own ratio. */
const ROUNDS = 5;

interface CaseStats {
  letters: Record<string, number>;
  supporters: number;
  byDay: unknown[];
}

/** One run of `npm run bench:stats`: one api process, one case, its stats timed against /api/me. */
class StatsRun extends ApiRun<StatsBenchOptions, StatsBenchResult> {
  private sql: Client | null = null;
  private client: QalamApi | null = null;

  constructor(options: StatsBenchOptions) {
    const supporters = supportersFor(options);
    super(options, {
      ok: false,
      error: null,
      startedAt: new Date().toISOString(),
      finishedAt: '',
      arguments: options,
      machine: describeMachine(),
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
    }, 'bench:stats');
  }

  protected async body(api: QalamApi, port: number): Promise<void> {
    const { result } = this;
    await this.createCase(api);
    this.checkInterrupted();

    this.sql = new Client({ connectionString: this.options.databaseUrl, application_name: 'qalam-bench-stats' });
    await this.sql.connect();
    let started = process.hrtime.bigint();
    await this.db!.insertSupporters(result.letters.supportersPerAppeal);
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
  }

  private async createCase(api: QalamApi): Promise<void> {
    const { options, result } = this;
    const campaign = await createCampaign(api, options.officials, options.appeals);
    result.case = { caseId: campaign.caseId, appealIds: campaign.appealIds, officialIds: campaign.officialIds };
    this.log(`case ${campaign.caseId}: ${options.officials} officials, ${options.appeals} appeals`);
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
    const client = QalamApi.keepAlive(`http://127.0.0.1:${port}`);
    this.client = client;
    await this.qalam.logIn(client);
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
        const response = await client.timedGet(kind === 'stats' ? statsPath : baselinePath);
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
    const stats = JSON.parse((await this.client.timedGet(`/api/stats/cases/${caseId}`)).body) as CaseStats;
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

  protected assessTargets(): void {
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

  protected override async closeOwn(): Promise<void> {
    this.client?.close();
    await this.sql?.end();
  }
}

if (require.main === module) {
  runProgram({
    name: 'bench:stats',
    usage: STATS_USAGE,
    parse: parseStatsArgs,
    start: (options) => new StatsRun(options),
    write: (result) => writeResult(RESULTS_DIR, `stats-${result.letters.requested}`, result),
    summary: formatStatsSummary,
  });
}
