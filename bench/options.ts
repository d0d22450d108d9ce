import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';

export type SinkKind = 'smtp-sink' | 'node';
export type BaselineOrder = 'before' | 'after' | 'none';

/** What one benchmark run does; every field is a flag of `npm run bench`. */
export interface BenchOptions {
  /** Letters the appeal creates: supporters x officials, rounded up to a whole supporter. */
  letters: number;
  officials: number;
  /** `QALAM_ROLE=worker` processes. */
  workers: number;
  /** SMTP connections in all: shared out among the workers, and the bare pool's size. */
  connections: number;
  /** DELIVERY_CONCURRENCY of each worker; null leaves qalam's default. */
  concurrency: number | null;
  sink: SinkKind;
  baseline: BaselineOrder;
  /** sendMail calls the bare pool keeps in flight. */
  inFlight: number;
  /** Give up when no letter leaves queued or sending for this long. */
  stallSeconds: number;
  /** Keep the database, the queue keys and the children's logs after the run. */
  keep: boolean;
  /** Extra node flags for the qalam processes, e.g. --prof or --max-old-space-size=256. */
  nodeOptions: string[];
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
}

export class UsageError extends Error {}

/** Where Debian (postfix) and a source build put smtp-sink. */
const SMTP_SINK_PATHS = ['/usr/sbin/smtp-sink', '/usr/local/sbin/smtp-sink', '/usr/bin/smtp-sink', '/usr/local/bin/smtp-sink'];

export function smtpSinkPath(): string | null {
  return SMTP_SINK_PATHS.find((path) => existsSync(path)) ?? null;
}

export const USAGE = `usage: npm run bench -- [options]

  --letters N          letters the appeal creates (default 100000)
  --officials N        officials the appeal writes to, 1 to 200 (default 1);
                       supporters = letters / officials
  --workers N          QALAM_ROLE=worker processes (default 2)
  --connections N      SMTP connections in all, shared out among the workers,
                       and the size of the bare Nodemailer pool (default 10)
  --concurrency N      DELIVERY_CONCURRENCY of each worker (default: qalam's own)
  --sink KIND          smtp-sink (default when installed) or node (smtp-server)
  --baseline WHEN      before (default), after or none: when the bare pool runs
  --in-flight N        sendMail calls the bare pool keeps in flight (default 100)
  --stall-seconds N    fail when no letter is delivered for N seconds (default 120)
  --database-url URL   bench database, dropped before the run
                       (default postgres://postgres@127.0.0.1:5432/qalam_bench)
  --redis-url URL      (default redis://127.0.0.1:6379)
  --queue-prefix P     BullMQ prefix, its keys deleted before the run (default qalam-bench)
  --node-options=F     node flags for the qalam processes, e.g. --node-options=--prof
                       (they run in the work directory: profiles land there; add --keep)
  --keep               keep the database, queue keys and process logs afterwards
  --help               this text`;

function positiveInteger(flag: string, value: string | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  // Accept 100000, 100_000 and 100,000 alike: people paste figures.
  const normalised = value.replace(/[_,]/g, '');
  if (!/^\d+$/.test(normalised)) throw new UsageError(`--${flag} must be a whole number, not "${value}"`);
  const number = Number(normalised);
  if (number < 1 || number > max) throw new UsageError(`--${flag} must be between 1 and ${max}`);
  return number;
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${flag} must be one of ${allowed.join(', ')}`);
  return value as T;
}

/** Parses `npm run bench -- ...`; returns null for --help. */
export function parseBenchArgs(argv: string[], smtpSinkInstalled = smtpSinkPath() !== null): BenchOptions | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        letters: { type: 'string' },
        officials: { type: 'string' },
        workers: { type: 'string' },
        connections: { type: 'string' },
        concurrency: { type: 'string' },
        sink: { type: 'string' },
        baseline: { type: 'string' },
        'in-flight': { type: 'string' },
        'stall-seconds': { type: 'string' },
        'database-url': { type: 'string' },
        'redis-url': { type: 'string' },
        'queue-prefix': { type: 'string' },
        'node-options': { type: 'string' },
        keep: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return null;

  const officials = positiveInteger('officials', values.officials, 1, 200);
  const letters = positiveInteger('letters', values.letters, 100_000, 50_000_000);
  if (letters < officials) throw new UsageError('--letters must be at least --officials (one supporter writes to every official)');
  const workers = positiveInteger('workers', values.workers, 2, 64);
  const connections = positiveInteger('connections', values.connections, 10, 1000);
  if (connections < workers) throw new UsageError('--connections must be at least --workers: every worker needs one SMTP connection');
  const sink = oneOf<SinkKind>('sink', values.sink, ['smtp-sink', 'node'], smtpSinkInstalled ? 'smtp-sink' : 'node');
  if (sink === 'smtp-sink' && !smtpSinkInstalled) {
    throw new UsageError('--sink smtp-sink: smtp-sink is not installed (apt-get install postfix), use --sink node');
  }

  const databaseUrl = values['database-url'] ?? 'postgres://postgres@127.0.0.1:5432/qalam_bench';
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
  const redisUrl = values['redis-url'] ?? 'redis://127.0.0.1:6379';
  if (!/^rediss?:\/\//.test(redisUrl)) throw new UsageError('--redis-url must be a redis:// URL');
  const queuePrefix = values['queue-prefix'] ?? 'qalam-bench';
  if (!/^[A-Za-z0-9_-]*bench[A-Za-z0-9_-]*$/.test(queuePrefix)) {
    throw new UsageError('--queue-prefix may hold letters, digits, _ and - only, and must contain "bench" (its keys are deleted before the run)');
  }

  return {
    letters,
    officials,
    workers,
    connections,
    concurrency: values.concurrency === undefined ? null : positiveInteger('concurrency', values.concurrency, 1, 1000),
    sink,
    baseline: oneOf<BaselineOrder>('baseline', values.baseline, ['before', 'after', 'none'], 'before'),
    inFlight: positiveInteger('in-flight', values['in-flight'], 100, 100_000),
    stallSeconds: positiveInteger('stall-seconds', values['stall-seconds'], 120, 86_400),
    keep: values.keep,
    nodeOptions: (values['node-options'] ?? '').split(/\s+/).filter((flag) => flag !== ''),
    databaseUrl,
    redisUrl,
    queuePrefix,
  };
}

/** SMTP_POOL_SIZE of each worker: the connections shared out as evenly as they go. */
export function poolSizes(connections: number, workers: number): number[] {
  return Array.from({ length: workers }, (_, index) => Math.floor(connections / workers) + (index < connections % workers ? 1 : 0));
}
