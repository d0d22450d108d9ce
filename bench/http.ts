import autocannon from 'autocannon';
import { sign } from 'jsonwebtoken';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { ApiRun } from './api-run';
import type { SigningCheck } from './bench-database';
import { BenchChild } from './child-process';
import { HTTP_TARGETS, HttpBenchOptions, SIGN_PAGE_TOKENS } from './http-options';
import { BurstFigures, CannonFigures, HTTP_RATIO_TARGETS, HttpBenchResult, HttpPair, TARGET_BURST_P99_MS, TargetFigures } from './http-report';
import { busyShare, describeMachine, machineCpuTicks } from './machine';
import { elapsedSince, freePort, waitFor } from './net';
import { createCampaign, QalamApi } from './qalam-api';
import { int, mb } from './report';
import { quantile, summarise } from './stats-timing';

const BARE = join(__dirname, 'http-bare.js');
/** Officials of the cycle's five appeals: 1, 2, 1, 2, 1 (7 letters per member who signs them all). */
const APPEAL_OFFICIALS = [[0], [1, 2], [3], [4, 0], [1]];
const LETTERS_PER_MEMBER = APPEAL_OFFICIALS.reduce((sum, officials) => sum + officials.length, 0);
/** What the signing form posts when a member signs every appeal of the month in full. */
const SIGN_FORM = 'appealIds=all&signatureStyle=full';
/** A limit the load from one loopback address never reaches; the limiter still runs on every post. */
const UNREACHED_LIMIT = '100000000';

/** A response, read to its end. */
interface Answer {
  status: number;
  body: string;
  /** From just before the request is written to the end of the response. */
  ms: number;
}

/**
 * One request over node:http (on `agent`, or a connection of its own: never the global
 * agent's idle sockets, which the server may have closed while the bench was busy), read to
 * its end.
 */
function send(port: number, method: string, path: string, headers: Record<string, string>, body?: string, agent?: Agent): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(body);
    const started = process.hrtime.bigint();
    const req = request(
      { host: '127.0.0.1', port, method, path, agent: agent ?? false, timeout: 30_000, headers: { ...headers, ...(payload ? { 'content-length': String(payload.length) } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: Number(process.hrtime.bigint() - started) / 1e6 }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', reject);
    req.end(payload);
  });
}

/** An autocannon run, with its instance (to stop it early) and its result. */
function cannon(options: autocannon.Options): { instance: autocannon.Instance; done: Promise<autocannon.Result> } {
  let instance: autocannon.Instance | undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(options, (error: unknown, result: autocannon.Result) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(result)));
  });
  return { instance: instance!, done };
}

function figures(result: autocannon.Result, serverCpuSeconds: number | null): CannonFigures {
  const statuses: Record<string, number> = {};
  for (const [status, { count }] of Object.entries(result.statusCodeStats ?? {})) statuses[status] = count ?? 0;
  return {
    requestsPerSecond: result.duration > 0 ? result.requests.total / result.duration : 0,
    averagePerSecond: result.requests.average,
    requests: result.requests.total,
    seconds: result.duration,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max, mean: result.latency.mean },
    non2xx: result.non2xx,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    serverCpuSeconds,
    serverCpuMsPerRequest: serverCpuSeconds === null || result.requests.total === 0 ? null : (serverCpuSeconds * 1000) / result.requests.total,
  };
}

/** One route measured: what autocannon sends, and the tokens it used when it takes a member per request. */
interface Target {
  name: string;
  /** For the results: the request, a member's token written as <token>. */
  request: string;
  options(): Partial<autocannon.Options>;
}

const median = (values: number[]) => quantile(values, 0.5);
/** The median of the values known; null when none is. */
const medianOrNull = (values: (number | null)[]) => {
  const known = values.filter((value): value is number => value !== null);
  return known.length > 0 ? median(known) : null;
};

/**
 * One run of `npm run bench -- --mode http`: a bare NestJS route (its own process, the
 * project's own packages) and qalam's API and pages (one QALAM_ROLE=api process, the
 * production build), each qalam target measured by autocannon right after a measurement of
 * the bare route, in rounds; then a burst of members signing through their links, each once,
 * from a bounded open-loop client, checked in Postgres.
 */
export class HttpRun extends ApiRun<HttpBenchOptions, HttpBenchResult> {
  private bare: BenchChild | null = null;
  private readonly agents: Agent[] = [];
  private running: autocannon.Instance | null = null;

  constructor(options: HttpBenchOptions) {
    super(
      options,
      {
        ok: false,
        error: null,
        startedAt: new Date().toISOString(),
        finishedAt: '',
        arguments: options,
        machine: describeMachine(),
        setup: [],
        seeded: null,
        warmup: null,
        rounds: [],
        targets: [],
        signPostCheck: null,
        burst: null,
        peakRssMb: { api: null, bare: null, bench: null },
        verdict: { met: null, missed: [] },
        resultsFile: null,
      },
      'bench:http',
    );
  }

  protected override apiNodeFlags(): string[] {
    const dir = process.env.BENCH_CPU_PROF_DIR;
    return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
  }

  protected override apiEnv(port: number): Record<string, string> {
    // The posts carry Origin: http://127.0.0.1:<port>, the site qalam says it is. LOG_LEVEL as
    // shipped (log): every request writes its line, as in production.
    return { PUBLIC_URL: `http://127.0.0.1:${port}`, RATE_LIMIT_SIGNING_PER_MINUTE: UNREACHED_LIMIT, RATE_LIMIT_SIGNUP_PER_MINUTE: UNREACHED_LIMIT, LOG_LEVEL: 'log' };
  }

  protected async body(api: QalamApi, port: number): Promise<void> {
    const { options, result } = this;
    const barePort = await freePort();
    await this.startBare(barePort);
    const seeded = await this.seed(api, port);
    const [signPageIds, burstIds, postIds] = [
      seeded.memberIds.slice(0, SIGN_PAGE_TOKENS),
      seeded.memberIds.slice(SIGN_PAGE_TOKENS, SIGN_PAGE_TOKENS + options.burst),
      seeded.memberIds.slice(SIGN_PAGE_TOKENS + options.burst),
    ];
    const token = (supporterId: string) => sign({ sub: supporterId, cyc: seeded.cycleId }, this.qalam.appSecret, { algorithm: 'HS256', audience: 'qalam:sign', expiresIn: '45d' });
    const [signPageTokens, burstTokens, postTokens] = await this.step(`${int(seeded.memberIds.length)} sign links minted (HS256, APP_SECRET, as qalam's invitations carry them)`, async () =>
      [signPageIds, burstIds, postIds].map((ids) => ids.map(token)),
    );

    const origin = `http://127.0.0.1:${port}`;
    const postHeaders = { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', origin };
    const handedOut: string[] = [];
    let nextPost = 0;
    const takePost = (): string | null => {
      if (nextPost >= postTokens.length) return null;
      handedOut.push(postIds[nextPost]);
      return postTokens[nextPost++];
    };

    // Every route answers 200 once before anything is measured: a wrong form, origin or cookie fails here, clearly.
    const page = await send(port, 'GET', `/sign/${signPageTokens[0]}`, { accept: 'text/html' });
    if (page.status !== 200) throw new Error(`GET /sign/<token> answered ${page.status} before the measurement: ${page.body.slice(0, 300)}`);
    const firstPost = await send(port, 'POST', `/sign/${takePost()}`, postHeaders, SIGN_FORM);
    if (firstPost.status !== 200) throw new Error(`POST /sign/<token> answered ${firstPost.status} before the measurement (the form or the Origin is wrong): ${firstPost.body.slice(0, 300)}`);
    let posted200 = 1;

    let nextPage = 0;
    const targets: Target[] = [
      { name: 'me', request: 'GET /api/me (Bearer)', options: () => ({ url: `${origin}/api/me`, headers: { accept: 'application/json', authorization: `Bearer ${seeded.memberToken}` } }) },
      { name: 'join', request: 'GET /join', options: () => ({ url: `${origin}/join`, headers: { accept: 'text/html' } }) },
      {
        name: 'sign-page',
        request: `GET /sign/<token> (${SIGN_PAGE_TOKENS} members in turn)`,
        options: () => ({
          url: origin,
          requests: [{ method: 'GET', headers: { accept: 'text/html' }, setupRequest: (req) => ({ ...req, path: `/sign/${signPageTokens[nextPage++ % signPageTokens.length]}` }) }],
        }),
      },
      {
        name: 'sign-post',
        request: `POST /sign/<token> ${SIGN_FORM} (a member never used before per request)`,
        options: () => ({
          url: origin,
          requests: [
            {
              method: 'POST',
              headers: postHeaders,
              body: SIGN_FORM,
              setupRequest: (req) => {
                const next = takePost();
                if (next !== null) return { ...req, path: `/sign/${next}` };
                // Out of members: stop, and let the 404 fail the run with a clear message.
                this.running?.stop();
                return { ...req, path: '/sign/out-of-members' };
              },
            },
          ],
        }),
      },
      { name: 'console-list', request: 'GET /console/members (session cookie)', options: () => ({ url: `${origin}/console/members`, headers: { accept: 'text/html', cookie: seeded.cookie } }) },
      { name: 'console-record', request: `GET /console/appeals/<first appeal> (session cookie)`, options: () => ({ url: `${origin}/console/appeals/${seeded.appealIds[0]}`, headers: { accept: 'text/html', cookie: seeded.cookie } }) },
    ];
    for (const target of targets.filter((t) => t.name !== 'sign-page' && t.name !== 'sign-post')) {
      const options = target.options();
      const url = new URL(options.url as string);
      const answer = await send(port, 'GET', url.pathname, options.headers as Record<string, string>);
      if (answer.status !== 200) throw new Error(`${target.name} (${target.request}) answered ${answer.status} before the measurement: ${answer.body.slice(0, 300)}`);
    }
    const bareAnswer = await send(barePort, 'GET', '/bare', { accept: 'application/json' });
    if (bareAnswer.status !== 200) throw new Error(`the bare route answered ${bareAnswer.status}`);

    const chosen = targets.filter((target) => (options.targets as readonly string[]).includes(target.name));
    targets.splice(0, targets.length, ...chosen);
    if (options.warmup > 0) {
      // The JIT compiles qalam's code for each route while it first serves it: untimed, so the
      // rounds compare the routes as a server that has been up a while serves them.
      this.log(`warming up: each target after the bare route, ${options.warmup} s each, untimed`);
      const before = await machineCpuTicks();
      const pairs: HttpPair[] = [];
      for (const target of targets) {
        this.checkInterrupted();
        const bare = await this.measure('bare', { url: `http://127.0.0.1:${barePort}/bare`, headers: { accept: 'application/json' } }, 0, this.bare, options.warmup);
        const measured = await this.measure(target.name, target.options(), 0, this.api, options.warmup);
        if (target.name === 'sign-post') posted200 += measured.statuses['200'] ?? 0;
        pairs.push({ target: target.name, bare, measured });
      }
      result.warmup = { round: 0, pairs, machineBusy: busyShare(before, await machineCpuTicks()) };
      this.log(`warm-up (not counted): ${pairs.map((pair) => `${pair.target} ${(pair.measured.requestsPerSecond / pair.bare.requestsPerSecond).toFixed(2)}`).join(', ')}`);
    }
    this.log(`measuring ${targets.length} targets, each after the bare route, ${options.rounds} rounds of ${options.duration} s x 2 x ${targets.length}`);
    for (let round = 1; round <= options.rounds; round += 1) {
      const before = await machineCpuTicks();
      const pairs: HttpPair[] = [];
      for (let step = 0; step < targets.length; step += 1) {
        this.checkInterrupted();
        const target = targets[(round - 1 + step) % targets.length];
        const bare = await this.measure('bare', { url: `http://127.0.0.1:${barePort}/bare`, headers: { accept: 'application/json' } }, round, this.bare);
        const measured = await this.measure(target.name, target.options(), round, this.api);
        if (target.name === 'sign-post') posted200 += measured.statuses['200'] ?? 0;
        pairs.push({ target: target.name, bare, measured });
        this.log(
          `round ${round}, ${target.name}: ${int(measured.requestsPerSecond)} req/s (p50 ${measured.latencyMs.p50} ms, p99 ${measured.latencyMs.p99} ms) against bare ${int(bare.requestsPerSecond)} req/s: ${(measured.requestsPerSecond / bare.requestsPerSecond).toFixed(2)}`,
        );
      }
      result.rounds.push({ round, pairs, machineBusy: busyShare(before, await machineCpuTicks()) });
    }
    result.targets = this.targetFigures(targets);

    result.burst = await this.burst(port, burstTokens, postHeaders);
    await this.readPeakRss();

    // Every post is done by now: the burst took its seconds after the last autocannon run.
    const check = await this.signingCheck(handedOut, seeded.appealIds);
    const postOk = check.partial === 0 && check.duplicateSignatures === 0 && check.duplicateLetters === 0 && check.strayLetters === 0 && check.complete >= posted200 && check.complete <= handedOut.length;
    result.signPostCheck = { ...check, handedOut: handedOut.length, answered200: posted200, ok: postOk };
    const burstCheck = await this.signingCheck(burstIds, seeded.appealIds);
    const burst = result.burst;
    const n = burstIds.length;
    burst.check = burstCheck;
    burst.ok =
      burst.errors === 0 &&
      (burst.statuses['200'] ?? 0) === n &&
      burstCheck.complete === n &&
      burstCheck.signatures === n * seeded.appealIds.length &&
      burstCheck.letters === n * LETTERS_PER_MEMBER &&
      burstCheck.duplicateSignatures === 0 &&
      burstCheck.duplicateLetters === 0 &&
      burstCheck.partial === 0 &&
      burstCheck.strayLetters === 0;
    burst.p99Met = burst.latencyMs.count > 0 ? burst.latencyMs.p99 < TARGET_BURST_P99_MS : null;
    burst.keptSchedule = burst.tookSeconds <= burst.scheduledSeconds + 1;
    this.log(`burst check: ${int(burstCheck.signatures)} signatures, ${int(burstCheck.letters)} letters for ${int(n)} members: ${burst.ok ? 'ok' : 'FAILED'}`);
    result.ok = burst.ok && postOk;
    if (!burst.ok) result.error = 'the burst: not every member answered 200 with each signature and letter recorded once';
    else if (!postOk) result.error = "the sign-post target's members: a signature or letter missing or doubled";
  }

  /** The bare route's process; ready when GET /bare answers. */
  private async startBare(port: number): Promise<void> {
    const child = new BenchChild('bare', process.execPath, [BARE, String(port)], join(this.workDir, 'bare.log'), { PATH: process.env.PATH ?? '', NODE_ENV: 'production' }, this.workDir);
    this.bare = child;
    await waitFor(
      async () => {
        if (!child.running) throw new Error(`the bare route's process ${child.describeExit()}: ${child.logTail()}`);
        return send(port, 'GET', '/bare', {}).then(
          (answer) => (answer.status === 200 ? true : undefined),
          () => undefined,
        );
      },
      () => 'the bare route never answered',
      60_000,
      100,
    );
    this.log(`bare NestJS route (pid ${child.pid}) on port ${port}`);
  }

  /**
   * The campaign: case, officials, template, five appeals and the member with a password
   * through the API; the members who sign by one SQL statement; the cycle opened through the
   * API (its appeals launched, every member invited; no worker runs, so nothing is sent).
   */
  private async seed(api: QalamApi, port: number): Promise<{ memberIds: string[]; cycleId: string; appealIds: string[]; memberToken: string; cookie: string }> {
    const db = this.db!;
    const { members } = this.options;
    const campaign = await this.step('a case, 5 officials and a template through the API', () => createCampaign(api, 5, 0));
    const appealIds = await this.step('5 appeals to 1, 2, 1, 2, 1 officials', async () => {
      const ids: string[] = [];
      for (const [index, officials] of APPEAL_OFFICIALS.entries()) {
        const appeal = await api.post<{ id: string }>('/api/appeals', {
          caseId: campaign.caseId,
          title: `Free Dilnoza Rahimova (${index + 1} of ${APPEAL_OFFICIALS.length})`,
          templateIds: [campaign.templateId],
          officialIds: officials.map((official) => campaign.officialIds[official]),
        });
        ids.push(appeal.id);
      }
      return ids;
    });
    const memberIds = await this.step(`${int(members)} members who sign by hand (SQL)`, () => db.insertSigningMembers(members));
    const password = `bench-${Math.random().toString(36).slice(2)}-member`;
    const email = 'me-member@members.example';
    const memberToken = await this.step('a member with a password (POST /api/supporters), logged in', async () => {
      await api.post('/api/supporters', { email, name: 'Amina Okafor', country: 'GB', role: 'member', password });
      const { accessToken } = await new QalamApi(`http://127.0.0.1:${port}`).post<{ accessToken: string }>('/api/auth/login', { email, password });
      return accessToken;
    });
    const month = new Date().toISOString().slice(0, 7);
    const cycle = await api.post<{ id: string }>('/api/cycles', { month, title: `The letters of ${month}`, appealIds });
    await this.step("the month's cycle opened: its appeals launched, every member invited", () => api.post(`/api/cycles/${cycle.id}/open`));
    const consoleClient = new QalamApi(`http://127.0.0.1:${port}`);
    await this.qalam.signInToConsole(consoleClient);
    // The console's first page, where the sign-in's 303 leads a browser: it sets the CSRF
    // cookie of the new session, which the browser sends with every later page (the login
    // form's was bound to no session, and each page sent only that would make a new one).
    await consoleClient.timedGet('/console', 'text/html');
    const cookie = consoleClient.cookieHeader();
    if (!cookie) throw new Error('the console sign-in left no cookie');
    this.result.seeded = { members, cycleId: cycle.id, appealIds, lettersPerMember: LETTERS_PER_MEMBER };
    return { memberIds, cycleId: cycle.id, appealIds, memberToken, cookie };
  }

  /** One autocannon run of `--duration` seconds (round 0: the warm-up's `--warmup`); a non-2xx answer or an error fails the run, naming the target. */
  private async measure(name: string, options: Partial<autocannon.Options>, round: number, server: BenchChild | null, duration = this.options.duration): Promise<CannonFigures> {
    const { connections } = this.options;
    const cpuBefore = (await server?.cpuSeconds()) ?? null;
    const run = cannon({ ...options, connections, duration, pipelining: 1, timeout: 30 } as autocannon.Options);
    this.running = run.instance;
    let result: autocannon.Result;
    try {
      result = await run.done;
    } finally {
      this.running = null;
    }
    const cpuAfter = (await server?.cpuSeconds()) ?? null;
    const measured = figures(result, cpuBefore === null || cpuAfter === null ? null : Math.round((cpuAfter - cpuBefore) * 100) / 100);
    if (measured.non2xx > 0 || measured.errors > 0) {
      const statuses = Object.entries(measured.statuses).map(([status, count]) => `${status}: ${count}`).join(', ');
      const outOfMembers = name === 'sign-post' && measured.statuses['404'] ? ' (out of members for the sign posts: raise --members)' : '';
      throw new Error(`${name}, ${round === 0 ? 'warm-up' : `round ${round}`}: ${measured.non2xx} non-2xx responses and ${measured.errors} errors (${measured.timeouts} timeouts) in ${measured.requests} (statuses ${statuses})${outOfMembers}`);
    }
    return measured;
  }

  /** Medians over the rounds, each target against the bare route's measurements just before it. */
  private targetFigures(targets: Target[]): TargetFigures[] {
    return targets.map((target) => {
      const pairs = this.result.rounds.flatMap((round) => round.pairs.filter((pair) => pair.target === target.name));
      const medianPerSecond = median(pairs.map((pair) => pair.measured.requestsPerSecond));
      const bareMedianPerSecond = median(pairs.map((pair) => pair.bare.requestsPerSecond));
      const ratio = medianPerSecond / bareMedianPerSecond;
      const goal = HTTP_RATIO_TARGETS[target.name] ?? null;
      return {
        name: target.name,
        request: target.request,
        medianPerSecond,
        bareMedianPerSecond,
        ratio,
        p50Ms: median(pairs.map((pair) => pair.measured.latencyMs.p50)),
        p99Ms: median(pairs.map((pair) => pair.measured.latencyMs.p99)),
        cpuMsPerRequest: medianOrNull(pairs.map((pair) => pair.measured.serverCpuMsPerRequest)),
        bareCpuMsPerRequest: medianOrNull(pairs.map((pair) => pair.bare.serverCpuMsPerRequest)),
        target: goal,
        met: goal === null ? null : ratio >= goal,
      };
    });
  }

  /**
   * Every burst member posts the signing form once: request i is due at i x seconds / members
   * from the start (an open loop), and leaves then unless `--burst-in-flight` requests are
   * outstanding, in which case it leaves as soon as one is answered (its lag recorded).
   * keep-alive connections, at most as many as requests in flight.
   */
  private async burst(port: number, tokens: string[], headers: Record<string, string>): Promise<BurstFigures> {
    const { burstSeconds, burstInFlight } = this.options;
    this.checkInterrupted();
    this.log(`burst: ${int(tokens.length)} members signing over ${burstSeconds} s, at most ${burstInFlight} in flight`);
    const agent = new Agent({ keepAlive: true, maxSockets: burstInFlight, maxFreeSockets: burstInFlight });
    this.agents.push(agent);
    const intervalMs = (burstSeconds * 1000) / tokens.length;
    const latencies: number[] = [];
    const statuses: Record<string, number> = {};
    let errors = 0;
    let firstError: string | null = null;
    let maxLag = 0;
    let next = 0;
    let inFlight = 0;
    const started = process.hrtime.bigint();
    const sinceStart = () => Number(process.hrtime.bigint() - started) / 1e6;
    await new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const pump = () => {
        const now = sinceStart();
        while (next < tokens.length && inFlight < burstInFlight && next * intervalMs <= now) {
          maxLag = Math.max(maxLag, now - next * intervalMs);
          const path = `/sign/${tokens[next]}`;
          next += 1;
          inFlight += 1;
          send(port, 'POST', path, headers, SIGN_FORM, agent).then(
            (answer) => {
              latencies.push(answer.ms);
              statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
            },
            (error: Error) => {
              errors += 1;
              firstError ??= error.message;
            },
          ).finally(() => {
            inFlight -= 1;
            pump();
          });
        }
        if (next >= tokens.length) {
          if (inFlight === 0) {
            clearTimeout(timer);
            resolve();
          }
          return;
        }
        if (this.interruptedNow()) {
          next = tokens.length;
          if (inFlight === 0) resolve();
          return;
        }
        // Due later: wake then. Held by the bound: the next answer calls pump.
        if (inFlight < burstInFlight) {
          clearTimeout(timer);
          timer = setTimeout(pump, Math.max(0, next * intervalMs - sinceStart()));
        }
      };
      pump();
    });
    const tookSeconds = elapsedSince(started);
    this.checkInterrupted();
    const latencyMs = summarise(latencies);
    this.log(`burst: ${int(latencies.length)} answered in ${tookSeconds.toFixed(1)} s, p99 ${latencyMs.p99.toFixed(1)} ms${errors ? `, ${errors} errors (${firstError})` : ''}`);
    return { members: tokens.length, scheduledSeconds: burstSeconds, inFlight: burstInFlight, tookSeconds, latencyMs, maxSendLagMs: maxLag, statuses, errors, firstError, check: null, ok: null, p99Met: null, keptSchedule: null };
  }

  private interruptedNow(): boolean {
    try {
      this.checkInterrupted();
      return false;
    } catch {
      return true;
    }
  }

  private async signingCheck(supporterIds: string[], appealIds: string[]): Promise<SigningCheck> {
    return this.db!.signingCheck(supporterIds, appealIds, LETTERS_PER_MEMBER);
  }

  protected override async readPeakRss(): Promise<void> {
    await super.readPeakRss();
    const kb = await this.bare?.peakRssKb();
    if (kb !== undefined && kb !== null) this.result.peakRssMb.bare = mb(kb);
  }

  protected assessTargets(): void {
    const { result } = this;
    if (result.targets.length === 0 && !result.burst) return;
    const missed = result.targets.filter((target) => target.met === false).map((target) => `${target.name} ratio ${target.ratio.toFixed(2)} < ${target.target}`);
    if (result.burst?.p99Met === false) missed.push(`burst p99 ${result.burst.latencyMs.p99.toFixed(0)} ms >= ${TARGET_BURST_P99_MS} ms`);
    if (result.burst?.keptSchedule === false) missed.push(`burst took ${result.burst.tookSeconds.toFixed(0)} s, not ${result.burst.scheduledSeconds}`);
    // A run of some targets only (--targets) meets nothing: the verdict is the whole run's.
    const judged = result.targets.length === HTTP_TARGETS.length && result.burst?.p99Met !== null && result.burst !== null;
    result.verdict = { met: missed.length > 0 ? false : judged ? true : null, missed };
  }

  protected override async closeOwn(): Promise<void> {
    this.running?.stop();
    for (const agent of this.agents) agent.destroy();
    if (this.bare) await this.bare.stop();
  }

  override interrupt(): void {
    this.running?.stop();
    if (this.bare) void this.bare.stop(2_000);
    super.interrupt();
  }
}
