import { parseCommandLine, ServiceOptions, serviceOptions, serviceUsage, UsageError, wholeNumber } from './command-line';

/** What one run of `npm run bench:stats` does; every field is a flag. */
export interface StatsBenchOptions extends ServiceOptions {
  /** Letters of the case in all: supporters x officials x appeals, supporters rounded up. */
  letters: number;
  /** Officials every appeal writes to. */
  officials: number;
  /** Appeals of the one case, each launched to every supporter and official. */
  appeals: number;
  /** Timed requests of each kind (the stats and the baseline), after the warm-up. */
  requests: number;
  /** Untimed requests of each kind first: connection, JIT, Postgres plans and caches. */
  warmup: number;
}

export const STATS_DEFAULTS = {
  letters: 10_000_000,
  officials: 4,
  appeals: 2,
  requests: 200,
  warmup: 20,
  databaseUrl: 'postgres://postgres@127.0.0.1:5432/qalam_bench_stats',
  queuePrefix: 'qalam-bench-stats',
} as const;

export const STATS_USAGE = `usage: npm run bench:stats -- [options]

  --letters N          letters of the case in all (default 10000000); supporters =
                       letters / (officials x appeals), rounded up
  --officials K        officials every appeal writes to, 1 to 200 (default 4)
  --appeals A          appeals of the same case, 1 to 50 (default 2)
  --requests R         timed requests of the stats and of the baseline each (default 200)
  --warmup W           untimed requests of each first (default 20)
${serviceUsage(STATS_DEFAULTS, "the database, the queue keys and the api's log")}`;

/** Parses `npm run bench:stats -- ...`; returns null for --help. */
export function parseStatsArgs(argv: string[]): StatsBenchOptions | null {
  const line = parseCommandLine(argv, ['letters', 'officials', 'appeals', 'requests', 'warmup']);
  if (line.help) return null;
  const { values } = line;

  const officials = wholeNumber('officials', values.officials, STATS_DEFAULTS.officials, 1, 200);
  const appeals = wholeNumber('appeals', values.appeals, STATS_DEFAULTS.appeals, 1, 50);
  const letters = wholeNumber('letters', values.letters, STATS_DEFAULTS.letters, 1, 100_000_000);
  if (letters < officials * appeals) {
    throw new UsageError('--letters must be at least --officials x --appeals (one supporter writes to every official in every appeal)');
  }

  return {
    letters,
    officials,
    appeals,
    requests: wholeNumber('requests', values.requests, STATS_DEFAULTS.requests, 1, 100_000),
    warmup: wholeNumber('warmup', values.warmup, STATS_DEFAULTS.warmup, 0, 100_000),
    ...serviceOptions(line, STATS_DEFAULTS),
  };
}

/** Supporters each appeal signs: enough for `letters` over every official of every appeal. */
export function supportersFor(options: Pick<StatsBenchOptions, 'letters' | 'officials' | 'appeals'>): number {
  return Math.ceil(options.letters / (options.officials * options.appeals));
}
