import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { stdoutLines } from './line-writer';
import { currentRequestId } from './request-context';

export const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** The levels enabled by LOG_LEVEL: that level and every more severe one. */
export function levelsFrom(level: LogLevel): LogLevel[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1);
}

type JsonOptions = Parameters<ConsoleLogger['getJsonLogObject']>[1];

/**
 * Nest's ConsoleLogger in JSON mode, one object a line on stdout:
 * `{"time","level","context","message","requestId"?}` (plus `stack`/`error` for errors).
 * The request id comes from the AsyncLocalStorage set by the request middleware.
 * Callers must never pass a supporter's name or email: lines carry ids only.
 */
export class JsonLogger extends ConsoleLogger {
  constructor(levels: LogLevel[]) {
    super({ json: true, logLevels: levels, colors: false });
  }

  /** Nest's JSON line (its serialiser: truncation, circular references, errors), to stdout through the per-turn writer. */
  protected override printAsJson(message: unknown, options: JsonOptions): void {
    const line = this.stringifyJsonLogObject(this.getJsonLogObject(message, options) as unknown as Record<string, unknown>);
    stdoutLines.write(`${line}\n`, options.logLevel === 'fatal' || options.logLevel === 'error');
  }

  protected override getJsonLogObject(message: unknown, options: JsonOptions): ReturnType<ConsoleLogger['getJsonLogObject']> {
    const base = super.getJsonLogObject(message, options);
    const { level, pid: _pid, timestamp, message: text, context, ...rest } = base;
    const requestId = currentRequestId();
    // Key order is the reading order: time, level, context, message, requestId, the rest.
    return {
      time: new Date(timestamp).toISOString(),
      level,
      context: context ?? '',
      message: text,
      ...(requestId ? { requestId } : {}),
      ...rest,
    } as unknown as ReturnType<ConsoleLogger['getJsonLogObject']>;
  }

  /**
   * The one line a request writes when its response is done, in the same shape as every
   * other line (`params` holding the figures), built without the general path's
   * serialiser: its fields are plain strings and numbers set by the request middleware.
   */
  request(message: string, requestId: string, params: RequestLine): void {
    if (!this.isLevelEnabled('log')) return;
    const line = { time: new Date().toISOString(), level: 'log', context: 'HTTP', message, requestId, params };
    stdoutLines.write(`${JSON.stringify(line)}\n`);
  }
}

/** What a request's line says of it: never its URL (paths hold tokens), only its route pattern. */
export interface RequestLine {
  method: string;
  route: string;
  status: number;
  durationMs: number;
}
