import { existsSync } from 'node:fs';
import { oneOf, parseCommandLine, ServiceOptions, serviceOptions, serviceUsage, UsageError, wholeNumber } from './command-line';

export type SinkKind = 'smtp-sink' | 'node';
export type BaselineOrder = 'before' | 'after' | 'none';

/** What one benchmark run does; every field is a flag of `npm run bench`. */
export interface BenchOptions extends ServiceOptions {
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
  /** Extra node flags for the qalam processes, e.g. --prof or --max-old-space-size=256. */
  nodeOptions: string[];
}

/** Where Debian (postfix) and a source build put smtp-sink. */
const SMTP_SINK_PATHS = ['/usr/sbin/smtp-sink', '/usr/local/sbin/smtp-sink', '/usr/bin/smtp-sink', '/usr/local/bin/smtp-sink'];

export function smtpSinkPath(): string | null {
  return SMTP_SINK_PATHS.find((path) => existsSync(path)) ?? null;
}

const BENCH_DEFAULTS = { databaseUrl: 'postgres://postgres@127.0.0.1:5432/qalam_bench', queuePrefix: 'qalam-bench' };

export const USAGE = `usage: npm run bench -- [options]
       npm run bench -- --mode print [options]   (the print run: --mode print --help)

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
  --node-options=F     node flags for the qalam processes, e.g. --node-options=--prof
                       (they run in the work directory: profiles land there; add --keep)
${serviceUsage(BENCH_DEFAULTS, 'the database, queue keys and process logs')}`;

/** Parses `npm run bench -- ...`; returns null for --help. */
export function parseBenchArgs(argv: string[], smtpSinkInstalled = smtpSinkPath() !== null): BenchOptions | null {
  const line = parseCommandLine(argv, ['letters', 'officials', 'workers', 'connections', 'concurrency', 'sink', 'baseline', 'in-flight', 'stall-seconds', 'node-options']);
  if (line.help) return null;
  const { values } = line;

  const officials = wholeNumber('officials', values.officials, 1, 1, 200);
  const letters = wholeNumber('letters', values.letters, 100_000, 1, 50_000_000);
  if (letters < officials) throw new UsageError('--letters must be at least --officials (one supporter writes to every official)');
  const workers = wholeNumber('workers', values.workers, 2, 1, 64);
  const connections = wholeNumber('connections', values.connections, 10, 1, 1000);
  if (connections < workers) throw new UsageError('--connections must be at least --workers: every worker needs one SMTP connection');
  const sink = oneOf<SinkKind>('sink', values.sink, ['smtp-sink', 'node'], smtpSinkInstalled ? 'smtp-sink' : 'node');
  if (sink === 'smtp-sink' && !smtpSinkInstalled) {
    throw new UsageError('--sink smtp-sink: smtp-sink is not installed (apt-get install postfix), use --sink node');
  }

  return {
    letters,
    officials,
    workers,
    connections,
    concurrency: values.concurrency === undefined ? null : wholeNumber('concurrency', values.concurrency, 1, 1, 1000),
    sink,
    baseline: oneOf<BaselineOrder>('baseline', values.baseline, ['before', 'after', 'none'], 'before'),
    inFlight: wholeNumber('in-flight', values['in-flight'], 100, 1, 100_000),
    stallSeconds: wholeNumber('stall-seconds', values['stall-seconds'], 120, 1, 86_400),
    nodeOptions: (values['node-options'] ?? '').split(/\s+/).filter((flag) => flag !== ''),
    ...serviceOptions(line, BENCH_DEFAULTS),
  };
}

/** SMTP_POOL_SIZE of each worker: the connections shared out as evenly as they go. */
export function poolSizes(connections: number, workers: number): number[] {
  return Array.from({ length: workers }, (_, index) => Math.floor(connections / workers) + (index < connections % workers ? 1 : 0));
}
