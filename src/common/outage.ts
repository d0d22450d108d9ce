import { Logger } from '@nestjs/common';

/** A server qalam cannot do without; while one is unreachable, requests answer 503 and workers wait. */
export type Dependency = 'postgres' | 'redis';

/** Seconds a client is told to wait (Retry-After) while a server is unreachable. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

/** Postgres' SQLSTATEs for a server that is going away, starting up, or out of reach (classes 08 and 57P). */
const POSTGRES_OUTAGE_CODES = new Set(['08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03', '53300']);
/** Socket errors: the server is not there, or the connection to it broke. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
const POSTGRES_MESSAGES = [/Connection terminated/i, /timeout exceeded when trying to connect/i, /Client has encountered a connection error/i, /the database system is/i, /terminating connection/i];
const REDIS_MESSAGES = [/Connection is closed/i, /Reached the max retries per request limit/i, /Stream isn't writeable/i, /enableOfflineQueue/i, /LOADING Redis is loading/i];

/**
 * Which server an error says is unreachable, or null when the error is something else (a
 * constraint, a bug). TypeORM wraps the driver's error; ioredis names its own.
 */
export function outageOf(error: unknown): Dependency | null {
  for (let candidate = error, depth = 0; candidate && depth < 4; depth += 1) {
    const failure = candidate as { name?: string; code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
    const message = typeof failure.message === 'string' ? failure.message : '';
    const code = typeof failure.code === 'string' ? failure.code : '';
    if (failure.name === 'MaxRetriesPerRequestError' || REDIS_MESSAGES.some((pattern) => pattern.test(message))) return 'redis';
    if (POSTGRES_OUTAGE_CODES.has(code) || POSTGRES_MESSAGES.some((pattern) => pattern.test(message))) return 'postgres';
    // ioredis reports its own socket errors as events, and its commands fail with the messages above: a raw socket error here is pg's.
    if (SOCKET_CODES.has(code)) return 'postgres';
    candidate = failure.driverError ?? failure.cause;
  }
  return null;
}

/** Thrown where a request needs a server that is unreachable: the API answers 503 with Retry-After. */
export class DependencyUnavailableError extends Error {
  constructor(readonly dependency: Dependency) {
    super(`${dependency === 'postgres' ? 'The database' : 'The queue'} is unreachable`);
  }
}

/**
 * One client's connection, logged as a state rather than as every error: one line when it
 * is lost (and at most one a minute while it stays lost), one line when it is back. A
 * client without an error listener would print ioredis' raw stack traces instead.
 */
export class ConnectionWatch {
  private downSince: number | null = null;
  private lastLine = 0;
  private suppressed = 0;

  constructor(
    private readonly name: string,
    private readonly logger: Logger,
    private readonly repeatMs = 60_000,
  ) {}

  get down(): boolean {
    return this.downSince !== null;
  }

  /** A failure of the connection; `error` is described by its code and message only (no URL: it may carry a password). */
  lost(error: unknown): void {
    const now = Date.now();
    if (this.downSince === null) {
      this.downSince = now;
      this.lastLine = now;
      this.suppressed = 0;
      this.logger.warn(`${this.name} unreachable: ${describe(error)}`);
      return;
    }
    if (now - this.lastLine >= this.repeatMs) {
      this.logger.warn(`${this.name} still unreachable after ${Math.round((now - this.downSince) / 1000)} s (${this.suppressed + 1} errors since the last line): ${describe(error)}`);
      this.lastLine = now;
      this.suppressed = 0;
    } else {
      this.suppressed += 1;
    }
  }

  back(): void {
    if (this.downSince === null) return;
    this.logger.log(`${this.name} reachable again after ${((Date.now() - this.downSince) / 1000).toFixed(1)} s`);
    this.downSince = null;
  }
}

type Emitter = { on(event: 'error', listener: (error: Error) => void): unknown; on(event: string, listener: () => void): unknown };

/** Listens to an ioredis client: its errors become one state line when it goes, one when it is back. */
export function watchRedis(client: Emitter, name: string, logger: Logger): ConnectionWatch {
  const watch = new ConnectionWatch(name, logger);
  client.on('error', (error: Error) => watch.lost(error));
  client.on('ready', () => watch.back());
  return watch;
}

/**
 * A BullMQ Queue or Worker re-emits its client's errors but not its reconnections: they are
 * told to the watch of a plain client of the same Redis, whose `ready` says when it is back.
 */
export function watchQueue(queue: Emitter, watch: ConnectionWatch, logger: Logger): void {
  // Other errors (a job whose key went with a Redis that restarted empty) come in bursts: one line a minute.
  const other = new ConnectionWatch('Queue errors', logger);
  queue.on('error', (error: Error) => (outageOf(error) ? watch.lost(error) : other.lost(error)));
}

function describe(error: unknown): string {
  const failure = error as { code?: unknown; message?: unknown };
  const code = typeof failure?.code === 'string' ? `${failure.code}: ` : '';
  const message = typeof failure?.message === 'string' ? failure.message : String(error);
  // Addresses of the server (host:port) are fine; credentials never reach these messages.
  return `${code}${message}`.replace(/\s+/g, ' ').slice(0, 200);
}

/** Errors worth repeating a statement for: the server is away, or Postgres chose this statement as a deadlock's or a serialisation's victim. */
export function isTransientDatabaseError(error: unknown): boolean {
  if (outageOf(error) !== null) return true;
  const code = (error as { driverError?: { code?: unknown }; code?: unknown })?.driverError?.code ?? (error as { code?: unknown })?.code;
  return code === '40P01' || code === '40001';
}

export interface PersistOptions {
  /** How long to keep trying before the error is thrown. */
  patienceMs: number;
  /** Asked before each new try: false gives up at once (the process is stopping). */
  keepTrying?: () => boolean;
  /** Called once, at the first failure. */
  onFirstFailure?: (error: unknown) => void;
  /** Called once the write finally committed after failures. */
  onRecovered?: (tries: number) => void;
}

/**
 * Runs a write until it commits: what it records (a batch's outcomes, a released claim) is
 * known only to this process, so a restart of Postgres must delay it, never lose it. Waits
 * 250 ms, doubling to 5 s, between tries; other errors are thrown at once.
 */
export async function persist<T>(write: () => Promise<T>, options: PersistOptions): Promise<T> {
  const started = Date.now();
  for (let tries = 1; ; tries += 1) {
    try {
      const value = await write();
      if (tries > 1) options.onRecovered?.(tries);
      return value;
    } catch (error) {
      if (!isTransientDatabaseError(error)) throw error;
      if (tries === 1) options.onFirstFailure?.(error);
      if (Date.now() - started >= options.patienceMs || (options.keepTrying && !options.keepTrying())) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** (tries - 1), 5000)));
    }
  }
}

/** Requests refused while a server is away: one line per server per minute, not one per request. */
export class OutageLog {
  private readonly watches = new Map<Dependency, ConnectionWatch>();
  private readonly timers = new Map<Dependency, NodeJS.Timeout>();

  constructor(private readonly logger: Logger) {}

  lost(dependency: Dependency, error: unknown): void {
    let watch = this.watches.get(dependency);
    if (!watch) {
      watch = new ConnectionWatch(`${dependency === 'postgres' ? 'Postgres' : 'Redis'} (requests answered 503)`, this.logger);
      this.watches.set(dependency, watch);
    }
    watch.lost(error);
    // Quiet for 30 s: the outage is over as far as requests tell.
    clearTimeout(this.timers.get(dependency));
    const timer = setTimeout(() => watch.back(), 30_000);
    timer.unref();
    this.timers.set(dependency, timer);
  }
}
