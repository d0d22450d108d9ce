import { parseCommandLine, ServiceOptions, serviceOptions, serviceUsage, UsageError, wholeNumber } from './command-line';

/** What one run of `npm run bench -- --mode http` does; every field is a flag. */
export interface HttpBenchOptions extends ServiceOptions {
  /** Members inserted (SQL), invited by the cycle; each sign-post and burst request uses one never used before. */
  members: number;
  /** autocannon connections per measurement. */
  connections: number;
  /** Seconds of each autocannon measurement. */
  duration: number;
  /** Rounds: in each, every target right after its own measurement of the bare route. */
  rounds: number;
  /** Seconds of the untimed load every target and the bare route get before round 1 (0: none). */
  warmup: number;
  /** Members signing in the burst, each once. */
  burst: number;
  /** Seconds the burst is spread over (an open-loop schedule). */
  burstSeconds: number;
  /** Requests the burst's client keeps outstanding at most. */
  burstInFlight: number;
  /** The targets measured (all of HTTP_TARGETS unless --targets names some: a run to profile one, say, which then meets no verdict). */
  targets: HttpTargetName[];
}

/** qalam's targets, in the order a round starts them. */
export const HTTP_TARGETS = ['me', 'join', 'sign-page', 'sign-post', 'console-list', 'console-record'] as const;
export type HttpTargetName = (typeof HTTP_TARGETS)[number];

/** Tokens of members the sign-page target rotates over (they never sign). */
export const SIGN_PAGE_TOKENS = 2_000;
/**
 * A rate qalam's POST /sign/<token> will not pass on the machines the bench runs on: the run
 * needs rounds x duration x this many members for the sign-post target, besides the burst's
 * and the sign-page target's.
 */
export const MAX_SIGN_POSTS_PER_SECOND = 600;

const HTTP_DEFAULTS = { databaseUrl: 'postgres://postgres@127.0.0.1:5432/qalam_bench_http', queuePrefix: 'qalam-bench-http' };

export const HTTP_USAGE = `usage: npm run bench -- --mode http [options]

  --members N          members invited to the cycle (default 25000); at least
                       burst + ${SIGN_PAGE_TOKENS} + (rounds x duration + warmup) x ${MAX_SIGN_POSTS_PER_SECOND}
  --connections N      autocannon connections per measurement (default 10)
  --duration S         seconds of each measurement (default 5)
  --rounds N           rounds of bare route, target, bare route, target... (default 3)
  --warmup S           seconds of untimed load on each target and the bare route before
                       round 1, so the rounds time code the JIT has compiled (default 5; 0: none)
  --burst N            members signing in the burst, once each (default 10000)
  --burst-seconds S    seconds the burst is spread over (default 60)
  --burst-in-flight N  requests the burst's client keeps outstanding at most (default 50)
  --targets LIST       only these targets, comma-separated, of ${HTTP_TARGETS.join(', ')}
                       (default all; with fewer, the run gives no verdict: for profiling one)
${serviceUsage(HTTP_DEFAULTS, "the database, the queue keys and the processes' logs")}`;

/** Members a run needs besides the /api/me member: the burst's, the sign page's, and enough for the sign-post target at its highest rate. */
export function membersNeeded(options: Pick<HttpBenchOptions, 'burst' | 'rounds' | 'duration' | 'warmup'>): number {
  return options.burst + SIGN_PAGE_TOKENS + (options.rounds * options.duration + options.warmup) * MAX_SIGN_POSTS_PER_SECOND;
}

/** Parses `npm run bench -- --mode http ...` (without --mode); null for --help. */
export function parseHttpArgs(argv: string[]): HttpBenchOptions | null {
  const line = parseCommandLine(argv, ['members', 'connections', 'duration', 'rounds', 'warmup', 'burst', 'burst-seconds', 'burst-in-flight', 'targets']);
  if (line.help) return null;
  const options: HttpBenchOptions = {
    members: wholeNumber('members', line.values.members, 25_000, 1, 2_000_000),
    connections: wholeNumber('connections', line.values.connections, 10, 1, 1_000),
    duration: wholeNumber('duration', line.values.duration, 5, 1, 600),
    rounds: wholeNumber('rounds', line.values.rounds, 3, 1, 20),
    warmup: wholeNumber('warmup', line.values.warmup, 5, 0, 600),
    burst: wholeNumber('burst', line.values.burst, 10_000, 1, 1_000_000),
    burstSeconds: wholeNumber('burst-seconds', line.values['burst-seconds'], 60, 1, 3_600),
    burstInFlight: wholeNumber('burst-in-flight', line.values['burst-in-flight'], 50, 1, 1_000),
    targets: targetsOf(line.values.targets),
    ...serviceOptions(line, HTTP_DEFAULTS),
  };
  const needed = membersNeeded(options);
  if (options.members < needed) {
    throw new UsageError(`--members must be at least ${needed} for these flags (burst ${options.burst} + sign page ${SIGN_PAGE_TOKENS} + (${options.rounds} rounds x ${options.duration} s + ${options.warmup} s of warm-up) x ${MAX_SIGN_POSTS_PER_SECOND}/s of sign posts)`);
  }
  return options;
}

function targetsOf(value: string | undefined): HttpTargetName[] {
  if (value === undefined) return [...HTTP_TARGETS];
  const names = value.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const unknown = names.filter((name) => !(HTTP_TARGETS as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) throw new UsageError(`--targets must name some of ${HTTP_TARGETS.join(', ')}${unknown.length > 0 ? `, not ${unknown.join(', ')}` : ''}`);
  return HTTP_TARGETS.filter((name) => names.includes(name));
}
