import { randomBytes } from 'node:crypto';
import { ApiRun } from './api-run';
import { runProgram } from './command-line';
import { ConsoleCampaign, createConsoleCampaign } from './console-campaign';
import { CONSOLE_USAGE, ConsoleBenchOptions, LETTERS_PER_MEMBER, parseConsoleArgs } from './console-options';
import { ConsoleBenchResult, formatConsoleSummary, PageTiming, TARGET_PAGE_MS, TARGET_RATIO } from './console-report';
import { describeMachine } from './machine';
import { elapsedSince } from './net';
import { QalamApi } from './qalam-api';
import { RESULTS_DIR } from './qalam-processes';
import { int, writeResult } from './report';
import { summarise } from './stats-timing';

/** Audit rows besides the bench's own actions: a year of a busy group's staff. */
const AUDIT_ROWS = 20_000;
/** Members deactivated through the API (each an audit row). */
const DEACTIVATED = 20;

interface ConsolePage {
  name: string;
  path: string;
}

/** One run of `npm run bench:console`: one api process, a seeded campaign, every console list and record page timed against /api/me. */
class ConsoleRun extends ApiRun<ConsoleBenchOptions, ConsoleBenchResult> {
  private clients: QalamApi[] = [];

  constructor(options: ConsoleBenchOptions) {
    super(options, {
      ok: false,
      error: null,
      startedAt: new Date().toISOString(),
      finishedAt: '',
      arguments: options,
      machine: describeMachine(),
      rows: null,
      setup: [],
      counterMismatches: null,
      measurement: { requests: options.requests, warmup: options.warmup, baseline: null, pages: [], connectionsOpened: null, seconds: null },
      peakRssMb: { api: null, bench: null },
      targets: { target: `every page's median < ${TARGET_PAGE_MS} ms and <= ${TARGET_RATIO} x GET /api/me's`, met: null, slow: [] },
      resultsFile: null,
    }, 'bench:console');
  }

  protected async body(api: QalamApi, port: number): Promise<void> {
    const { result } = this;
    const pages = await this.seed(api);
    this.checkInterrupted();
    await this.measure(port, pages);
    await this.readPeakRss();
    const mismatched = Object.values(result.counterMismatches ?? {}).some((count) => count !== 0);
    result.ok = !mismatched;
    if (mismatched) result.error = 'the console counters do not match the rows they count';
  }

  /**
   * The campaign, through the product's roads where they are cheap: the API for cases,
   * officials, templates, staff, appeals, launches, the cycle's open, a pause, an outcome and
   * deactivations; SQL for members (like an import, in one statement) and for the letters'
   * later statuses (as the workers' updates, through the same triggers); SQL for old audit rows.
   * Returns the pages to time.
   */
  private async seed(api: QalamApi): Promise<ConsolePage[]> {
    const db = this.db!;
    const members = this.options.members;
    const early = members / 4;
    const campaign: ConsoleCampaign = await this.step('cases, officials, templates, staff and appeals through the API', () => createConsoleCampaign(api, randomBytes(12).toString('hex')));
    const { a, b, c, d, e } = campaign.lettered;
    await this.step(`${int(early)} members who joined before appeal A (SQL)`, () => db.insertMembers(1, early, members));
    await this.step('launch of appeal A (2 officials)', () => api.post(`/api/appeals/${a}/launch`));
    await this.step(`${int(members - early)} more members (SQL)`, () => db.insertMembers(early + 1, members, members));
    const month = new Date().toISOString().slice(0, 7);
    const cycle = await api.post<{ id: string }>('/api/cycles', { month, title: `The letters of ${month}`, appealIds: [b, c], reminderAfterDays: 7 });
    await this.step("open of the month's cycle: appeals B (4 officials) and C (3) launched, the other members invited", () => api.post(`/api/cycles/${cycle.id}/open`));
    await this.step('launch of appeal D (3 officials)', () => api.post(`/api/appeals/${d}/launch`));
    await this.step('launch of appeal E (2 officials)', () => api.post(`/api/appeals/${e}/launch`));
    const nextMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 1, 1)).toISOString().slice(0, 7);
    await api.post('/api/cycles', { month: nextMonth, title: `The letters of ${nextMonth}`, appealIds: [d, e, ...campaign.draftIds.slice(0, 2)] });

    await this.step('letters sent, failed, unknown and bounced as workers leave them (SQL through the triggers)', async () => {
      await db.settleLetters(a, { sent: 960, failed: 20, unknown: 10, bounced: 10 });
      await db.settleLetters(b, { sent: 700, failed: 10, unknown: 5, bounced: 5 });
      await db.settleLetters(c, { sent: 500, failed: 10, unknown: 0, bounced: 3 });
      await db.settleLetters(d, { sent: 200, failed: 2, unknown: 0, bounced: 0 });
    });
    await this.step("pause of C; case A released (its appeal closed, its last queued letters cancelled, thank-yous queued)", async () => {
      await api.post(`/api/appeals/${c}/pause`);
      await api.patch(`/api/cases/${campaign.caseIds[0]}`, { status: 'released' });
    });
    const sample = await db.sampleMemberIds(1_000);
    await this.step(`${DEACTIVATED} members deactivated through the API; ${int(AUDIT_ROWS)} older audit rows (SQL)`, async () => {
      for (const id of sample.slice(0, DEACTIVATED)) await api.patch(`/api/supporters/${id}`, { active: false });
      await db.insertAuditRows(AUDIT_ROWS, { actors: campaign.coordinatorIds, appeals: Object.values(campaign.lettered), cases: campaign.caseIds, members: sample });
    });
    await this.step('VACUUM ANALYZE', () => db.vacuumAnalyze());
    this.result.rows = await db.tableRows();
    this.result.counterMismatches = await this.step('counters checked against the rows', () => db.counterMismatches());
    const expected = LETTERS_PER_MEMBER * members;
    if (this.result.rows.letters !== expected) throw new Error(`the launches created ${int(this.result.rows.letters)} letters, not ${int(expected)}`);

    const later = await db.memberAt(Math.floor(this.result.rows.supporters / 2));
    const searched = await db.memberAt(Math.floor(this.result.rows.supporters / 3));
    const member = await db.busiestSupporterOf(a);
    return [
      { name: 'home', path: '/console' },
      { name: 'cases', path: '/console/cases' },
      { name: 'case', path: `/console/cases/${campaign.caseIds[1]}` },
      { name: 'officials', path: '/console/officials' },
      { name: 'official', path: `/console/officials/${campaign.officialsOf.b[0]}` },
      { name: 'templates', path: '/console/templates' },
      { name: 'template', path: `/console/templates/${campaign.templateIds[1]}` },
      { name: 'appeals', path: '/console/appeals' },
      { name: 'appeal', path: `/console/appeals/${b}` },
      { name: 'cycles', path: '/console/cycles' },
      { name: 'cycle', path: `/console/cycles/${cycle.id}` },
      { name: 'members', path: '/console/members' },
      { name: 'members, later page', path: `/console/members?after=${later.id}` },
      { name: 'members, search name', path: `/console/members?q=${encodeURIComponent(searched.name.split(' ')[1])}` },
      { name: 'members, search email', path: `/console/members?q=${encodeURIComponent(searched.email)}` },
      { name: 'member', path: `/console/members/${member}` },
      { name: 'audit', path: '/console/audit' },
    ];
  }

  /**
   * Every page, paired with GET /api/me, on one keep-alive connection: the console client
   * (the admin's session cookie, from POST /login) and the API client (a Bearer token) share
   * it. Round r visits the pages from a different first one, and alternates within each pair
   * which of page and baseline goes first; the first `warmup` rounds are not counted.
   */
  private async measure(port: number, pages: ConsolePage[]): Promise<void> {
    const { options, result } = this;
    const consoleClient = QalamApi.keepAlive(`http://127.0.0.1:${port}`);
    const apiClient = consoleClient.sameConnection();
    this.clients = [consoleClient, apiClient];
    await this.qalam.signInToConsole(consoleClient);
    await this.qalam.logIn(apiClient);
    this.log(`timing ${pages.length} pages x ${options.requests}, each paired with GET /api/me, after ${options.warmup} rounds`);
    const timed = pages.map(() => ({ ms: [] as number[], serverMs: [] as number[], paired: [] as number[], bytes: 0 }));
    const baselineMs: number[] = [];
    const started = process.hrtime.bigint();
    for (let round = 0; round < options.warmup + options.requests; round += 1) {
      this.checkInterrupted();
      const counted = round >= options.warmup;
      for (let step = 0; step < pages.length; step += 1) {
        const index = (round + step) % pages.length;
        const pageFirst = (round + step) % 2 === 0;
        let pageMs = 0;
        let meMs = 0;
        for (const kind of pageFirst ? ['page', 'me'] : ['me', 'page']) {
          if (kind === 'me') {
            meMs = (await apiClient.timedGet('/api/me')).ms;
            continue;
          }
          const response = await consoleClient.timedGet(pages[index].path, 'text/html');
          pageMs = response.ms;
          if (counted) {
            const serverTiming = /page;dur=([\d.]+)/.exec(String(response.headers['server-timing'] ?? ''));
            if (serverTiming) timed[index].serverMs.push(Number(serverTiming[1]));
            timed[index].bytes = Buffer.byteLength(response.body);
          }
        }
        if (!counted) continue;
        timed[index].ms.push(pageMs);
        timed[index].paired.push(pageMs / meMs);
        baselineMs.push(meMs);
      }
    }
    const m = result.measurement;
    m.seconds = elapsedSince(started);
    m.connectionsOpened = consoleClient.connectionsOpened + apiClient.connectionsOpened;
    const baseline = summarise(baselineMs);
    m.baseline = { path: '/api/me', ms: baseline };
    m.pages = pages.map((page, index): PageTiming => {
      const figures = summarise(timed[index].ms);
      const ratio = figures.median / baseline.median;
      return {
        ...page,
        ms: figures,
        serverTimingMs: timed[index].serverMs.length > 0 ? summarise(timed[index].serverMs) : null,
        ratio,
        pairedRatioMedian: summarise(timed[index].paired).median,
        bytes: timed[index].bytes,
        meetsMs: figures.median < TARGET_PAGE_MS,
        meetsRatio: ratio <= TARGET_RATIO,
      };
    });
  }

  protected assessTargets(): void {
    const pages = this.result.measurement.pages;
    if (pages.length === 0) return;
    const slow = pages.filter((page) => !page.meetsMs || !page.meetsRatio).map((page) => page.name);
    this.result.targets = { ...this.result.targets, met: slow.length === 0, slow };
  }

  protected override async closeOwn(): Promise<void> {
    for (const client of this.clients) client.close();
  }
}

if (require.main === module) {
  runProgram({
    name: 'bench:console',
    usage: CONSOLE_USAGE,
    parse: parseConsoleArgs,
    start: (options) => new ConsoleRun(options),
    write: (result) => writeResult(RESULTS_DIR, `console-${result.arguments.members}`, result),
    summary: formatConsoleSummary,
  });
}
