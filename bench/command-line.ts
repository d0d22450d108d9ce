import { relative } from 'node:path';
import { parseArgs, ParseArgsConfig } from 'node:util';

/** A bad flag: the program prints it with its usage and exits with status 2. */
export class UsageError extends Error {}

/** The flags both benchmarks take: their own database and queue prefix, and whether to keep them. */
export interface ServiceOptions {
  /** Keep the database, the queue keys and the processes' logs after the run. */
  keep: boolean;
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
}

const SERVICE_FLAGS = ['database-url', 'redis-url', 'queue-prefix'] as const;
type ServiceFlag = (typeof SERVICE_FLAGS)[number];

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** A benchmark's command line, read by util.parseArgs: its own flags' values as given, --keep and --help. */
export interface CommandLine<F extends string> {
  values: Partial<Record<F | ServiceFlag, string>>;
  keep: boolean;
  help: boolean;
}

/**
 * Reads `argv` strictly (an unknown flag or a positional argument is a UsageError): the
 * program's own flags, which all take a value, and the shared ones (--database-url,
 * --redis-url, --queue-prefix, --keep, --help).
 */
export function parseCommandLine<F extends string>(argv: string[], flags: readonly F[]): CommandLine<F> {
  const options: NonNullable<ParseArgsConfig['options']> = {
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  };
  for (const flag of [...flags, ...SERVICE_FLAGS]) options[flag] = { type: 'string' };
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, strict: true, allowPositionals: false, options }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { keep, help, ...given } = values;
  // Every flag but --keep and --help was declared as a string, and none as `multiple`.
  return { values: given as CommandLine<F>['values'], keep: keep === true, help: help === true };
}

/** A whole number between min and max, or the fallback when the flag is absent. */
export function wholeNumber(flag: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  // 100000, 100_000 and 100,000 alike: people paste figures.
  const normalised = value.replace(/[_,]/g, '');
  if (!/^\d+$/.test(normalised)) throw new UsageError(`--${flag} must be a whole number, not "${value}"`);
  const number = Number(normalised);
  if (number < min || number > max) throw new UsageError(`--${flag} must be between ${min} and ${max}`);
  return number;
}

export function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${flag} must be one of ${allowed.join(', ')}`);
  return value as T;
}

/**
 * The shared flags, checked. The run drops the database WITH (FORCE) and deletes every key
 * under the prefix, so both must contain "bench": a typo never points a run at real data.
 */
export function serviceOptions(line: CommandLine<string>, defaults: { databaseUrl: string; queuePrefix: string }): ServiceOptions {
  const databaseUrl = line.values['database-url'] ?? defaults.databaseUrl;
  let database: string;
  try {
    const url = new URL(databaseUrl);
    if (!/^postgres(ql)?:$/.test(url.protocol)) throw new Error();
    database = decodeURIComponent(url.pathname.slice(1));
  } catch {
    throw new UsageError('--database-url must be a postgres:// URL');
  }
  if (!/^[A-Za-z0-9_]*bench[A-Za-z0-9_]*$/.test(database)) {
    throw new UsageError(`--database-url must name a database with "bench" in its name (it is dropped before the run), not "${database}"`);
  }
  const redisUrl = line.values['redis-url'] ?? DEFAULT_REDIS_URL;
  if (!/^rediss?:\/\//.test(redisUrl)) throw new UsageError('--redis-url must be a redis:// URL');
  const queuePrefix = line.values['queue-prefix'] ?? defaults.queuePrefix;
  if (!/^[A-Za-z0-9_-]*bench[A-Za-z0-9_-]*$/.test(queuePrefix)) {
    throw new UsageError('--queue-prefix may hold letters, digits, _ and - only, and must contain "bench" (its keys are deleted before the run)');
  }
  return { keep: line.keep, databaseUrl, redisUrl, queuePrefix };
}

/** The usage lines of the shared flags (--keep last but one, --help last). */
export function serviceUsage(defaults: { databaseUrl: string; queuePrefix: string }, kept: string): string {
  return `  --database-url URL   the bench's database, dropped before the run
                       (default ${defaults.databaseUrl})
  --redis-url URL      (default ${DEFAULT_REDIS_URL})
  --queue-prefix P     BullMQ prefix, its keys deleted before the run (default ${defaults.queuePrefix})
  --keep               keep ${kept} afterwards
  --help               this text`;
}

/** What a benchmark program is made of, for `runProgram`. */
export interface BenchProgram<O, R extends { ok: boolean; resultsFile: string | null }> {
  /** How its lines start: `bench`, `bench:stats`. */
  name: string;
  usage: string;
  /** The options, or null for --help; throws UsageError for a bad flag. */
  parse(argv: string[]): O | null;
  start(options: O): { run(): Promise<R>; interrupt(): void };
  /** Writes the results file; returns its path. */
  write(result: R): Promise<string>;
  summary(result: R): string;
}

/**
 * The command-line life of a benchmark: reads the flags (status 2 for a bad one), turns the
 * first Ctrl-C into a stop of every process it started (the run still reports; a second
 * quits at once), writes the results, prints the summary and exits 0 when the run is ok, 1
 * when it is not or throws.
 */
export function runProgram<O, R extends { ok: boolean; resultsFile: string | null }>(program: BenchProgram<O, R>): void {
  main(program).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`${program.name} failed:`, error);
      process.exit(1);
    },
  );
}

async function main<O, R extends { ok: boolean; resultsFile: string | null }>(program: BenchProgram<O, R>): Promise<number> {
  let options: O | null;
  try {
    options = program.parse(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${program.usage}`);
    return 2;
  }
  if (!options) {
    console.log(program.usage);
    return 0;
  }
  const bench = program.start(options);
  let interrupts = 0;
  const onSignal = () => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    console.error(`\n${program.name}: interrupted, stopping the processes (again to quit at once)`);
    bench.interrupt();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const result = await bench.run();
  try {
    const path = await program.write(result);
    result.resultsFile = relative(process.cwd(), path) || path;
  } catch (error) {
    console.error(`${program.name}: could not write the results: ${(error as Error).message}`);
  }
  console.log(`\n${program.summary(result)}`);
  return result.ok ? 0 : 1;
}
