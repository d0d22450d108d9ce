import { parseArgs } from 'node:util';
import { UsageError } from './options';

/** What one run of `npm run bench:stats` does; every field is a flag. */
export interface StatsBenchOptions {
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
  keep: boolean;
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
}

export const STATS_USAGE = `usage: npm run bench:stats -- [options]

  --letters N          letters of the case in all (default 10000000); supporters =
                       letters / (officials x appeals), rounded up
  --officials K        officials every appeal writes to, 1 to 200 (default 4)
  --appeals A          appeals of the same case, 1 to 50 (default 2)
  --requests R         timed requests of the stats and of the baseline each (default 200)
  --warmup W           untimed requests of each first (default 20)
  --database-url URL   the bench's database, dropped before the run
                       (default postgres://postgres@127.0.0.1:5432/qalam_bench_stats)
  --redis-url URL      (default redis://127.0.0.1:6379)
  --queue-prefix P     BullMQ prefix, its keys deleted before the run (default qalam-bench-stats)
  --keep               keep the database, the queue keys and the api's log afterwards
  --help               this text`;

export const STATS_DEFAULTS = {
  letters: 10_000_000,
  officials: 4,
  appeals: 2,
  requests: 200,
  warmup: 20,
  databaseUrl: 'postgres://postgres@127.0.0.1:5432/qalam_bench_stats',
  redisUrl: 'redis://127.0.0.1:6379',
  queuePrefix: 'qalam-bench-stats',
} as const;

function whole(flag: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  // 10000000, 10_000_000 and 10,000,000 alike: people paste figures.
  const normalised = value.replace(/[_,]/g, '');
  if (!/^\d+$/.test(normalised)) throw new UsageError(`--${flag} must be a whole number, not "${value}"`);
  const number = Number(normalised);
  if (number < min || number > max) throw new UsageError(`--${flag} must be between ${min} and ${max}`);
  return number;
}

/** Parses `npm run bench:stats -- ...`; returns null for --help. */
export function parseStatsArgs(argv: string[]): StatsBenchOptions | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        letters: { type: 'string' },
        officials: { type: 'string' },
        appeals: { type: 'string' },
        requests: { type: 'string' },
        warmup: { type: 'string' },
        'database-url': { type: 'string' },
        'redis-url': { type: 'string' },
        'queue-prefix': { type: 'string' },
        keep: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return null;

  const officials = whole('officials', values.officials, STATS_DEFAULTS.officials, 1, 200);
  const appeals = whole('appeals', values.appeals, STATS_DEFAULTS.appeals, 1, 50);
  const letters = whole('letters', values.letters, STATS_DEFAULTS.letters, 1, 100_000_000);
  if (letters < officials * appeals) {
    throw new UsageError('--letters must be at least --officials x --appeals (one supporter writes to every official in every appeal)');
  }

  const databaseUrl = values['database-url'] ?? STATS_DEFAULTS.databaseUrl;
  let database: string;
  try {
    const url = new URL(databaseUrl);
    if (!/^postgres(ql)?:$/.test(url.protocol)) throw new Error();
    database = decodeURIComponent(url.pathname.slice(1));
  } catch {
    throw new UsageError('--database-url must be a postgres:// URL');
  }
  // The run drops this database WITH (FORCE): never let a typo point it at real data.
  if (!/^[A-Za-z0-9_]*bench[A-Za-z0-9_]*$/.test(database)) {
    throw new UsageError(`--database-url must name a database with "bench" in its name (it is dropped before the run), not "${database}"`);
  }
  const redisUrl = values['redis-url'] ?? STATS_DEFAULTS.redisUrl;
  if (!/^rediss?:\/\//.test(redisUrl)) throw new UsageError('--redis-url must be a redis:// URL');
  const queuePrefix = values['queue-prefix'] ?? STATS_DEFAULTS.queuePrefix;
  if (!/^[A-Za-z0-9_-]*bench[A-Za-z0-9_-]*$/.test(queuePrefix)) {
    throw new UsageError('--queue-prefix may hold letters, digits, _ and - only, and must contain "bench" (its keys are deleted before the run)');
  }

  return {
    letters,
    officials,
    appeals,
    requests: whole('requests', values.requests, STATS_DEFAULTS.requests, 1, 100_000),
    warmup: whole('warmup', values.warmup, STATS_DEFAULTS.warmup, 0, 100_000),
    keep: values.keep,
    databaseUrl,
    redisUrl,
    queuePrefix,
  };
}

/** Supporters each appeal signs: enough for `letters` over every official of every appeal. */
export function supportersFor(options: Pick<StatsBenchOptions, 'letters' | 'officials' | 'appeals'>): number {
  return Math.ceil(options.letters / (options.officials * options.appeals));
}
