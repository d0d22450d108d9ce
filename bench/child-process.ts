import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** USER_HZ: 100 on every Linux the bench runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * One process the bench starts (qalam api or worker, the SMTP sink), with its output in a
 * log file rather than a pipe, so a chatty child never blocks on a full pipe.
 */
export class BenchChild {
  private readonly process: ChildProcess;
  private exit: ChildExit | null = null;
  readonly exited: Promise<ChildExit>;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    readonly logFile: string,
    env: Record<string, string>,
    cwd?: string,
  ) {
    const log = openSync(logFile, 'a');
    try {
      this.process = spawn(command, args, { env, cwd, stdio: ['ignore', log, log] });
    } finally {
      closeSync(log);
    }
    this.exited = new Promise((resolve) => {
      this.process.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
      this.process.once('error', (error) => {
        this.exit = { code: null, signal: null };
        console.error(`${name}: ${error.message}`);
        resolve(this.exit);
      });
    });
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get running(): boolean {
    return this.exit === null && this.process.pid !== undefined;
  }

  /** Why the process is gone, for messages: "exited with status 78". */
  describeExit(): string {
    if (!this.exit) return 'is running';
    if (this.exit.signal) return `was killed by ${this.exit.signal}`;
    return `exited with status ${this.exit.code ?? '?'}`;
  }

  /**
   * Peak resident set (VmHWM) in kB, read from /proc while the process lives; null when it is
   * gone or /proc is not there. VmHWM covers the whole life of the process, so reading it just
   * before stopping gives the peak of the run.
   */
  async peakRssKb(): Promise<number | null> {
    if (!this.running) return null;
    try {
      const status = await readFile(`/proc/${this.process.pid}/status`, 'utf8');
      const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
      return match ? Number(match[1]) : null;
    } catch {
      return null;
    }
  }

  /**
   * CPU time (user + system) the process has used so far, in seconds, from /proc/<pid>/stat;
   * null when it is gone. Linux counts it in clock ticks of 1/100 s.
   */
  async cpuSeconds(): Promise<number | null> {
    if (!this.running) return null;
    try {
      const stat = await readFile(`/proc/${this.process.pid}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: count fields after its closing ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      return Number.isFinite(ticks) ? ticks / CLOCK_TICKS_PER_SECOND : null;
    } catch {
      return null;
    }
  }

  /** SIGTERM, then SIGKILL when the process has not exited after `graceMs`. */
  async stop(graceMs = 10_000): Promise<ChildExit> {
    if (!this.running) return this.exited;
    this.process.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
    });
    const outcome = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout' && this.running) {
      console.error(`${this.name} (pid ${this.pid}) did not stop within ${graceMs / 1000} s of SIGTERM: SIGKILL`);
      this.process.kill('SIGKILL');
    }
    return this.exited;
  }

  /** The last lines of the child's output, for a failure report. */
  logTail(lines = 20): string {
    try {
      const text = readFileSync(this.logFile, 'utf8').trimEnd();
      return text ? text.split('\n').slice(-lines).join('\n') : '(no output)';
    } catch {
      return '(no log)';
    }
  }
}
