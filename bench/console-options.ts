import { parseCommandLine, ServiceOptions, serviceOptions, serviceUsage, UsageError, wholeNumber } from './command-line';

/** What one run of `npm run bench:console` does; every field is a flag. */
export interface ConsoleBenchOptions extends ServiceOptions {
  /** Members (supporters with the role member); the appeals' launches give them LETTERS_PER_MEMBER letters each on average. */
  members: number;
  /** Timed requests of each page (and as many of the baseline beside each), after the warm-up. */
  requests: number;
  /** Untimed rounds of every page first: connection, JIT, Postgres plans and caches. */
  warmup: number;
}

/**
 * The campaign the bench builds, per member: a quarter of the members joined before the first
 * appeal, the rest after it, and four in five auto-sign (members/5 of them early); the first
 * appeal writes to 2 officials, the four later ones to 4, 3, 3 and 2. Letters = 2 x members/5
 * + 12 x 4 x members/5 = 10 x members: 100,000 members, 1,000,000 letters.
 */
export const LETTERS_PER_MEMBER = 10;
/** Members are made in blocks of this many (one in five does not auto-sign). */
export const MEMBER_BLOCK = 20;

export const CONSOLE_DEFAULTS = {
  members: 100_000,
  requests: 20,
  warmup: 5,
  databaseUrl: 'postgres://postgres@127.0.0.1:5432/qalam_bench_console',
  queuePrefix: 'qalam-bench-console',
} as const;

export const CONSOLE_USAGE = `usage: npm run bench:console -- [options]

  --members N          members (default 100000, a multiple of ${MEMBER_BLOCK}); the appeals' launches
                       create ${LETTERS_PER_MEMBER} x N letters (1,000,000 by default)
  --requests R         timed requests of each page, each paired with one of GET /api/me (default 20)
  --warmup W           untimed rounds of every page first (default 5)
${serviceUsage(CONSOLE_DEFAULTS, "the database, the queue keys and the api's log")}`;

/** Parses `npm run bench:console -- ...`; returns null for --help. */
export function parseConsoleArgs(argv: string[]): ConsoleBenchOptions | null {
  const line = parseCommandLine(argv, ['members', 'requests', 'warmup']);
  if (line.help) return null;
  const { values } = line;
  const members = wholeNumber('members', values.members, CONSOLE_DEFAULTS.members, MEMBER_BLOCK * 4, 10_000_000);
  if (members % MEMBER_BLOCK !== 0) throw new UsageError(`--members must be a multiple of ${MEMBER_BLOCK} (one in five members does not auto-sign, and a quarter joined before the first appeal)`);
  return {
    members,
    requests: wholeNumber('requests', values.requests, CONSOLE_DEFAULTS.requests, 1, 10_000),
    warmup: wholeNumber('warmup', values.warmup, CONSOLE_DEFAULTS.warmup, 0, 1_000),
    ...serviceOptions(line, CONSOLE_DEFAULTS),
  };
}
