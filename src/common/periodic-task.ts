import { Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ConnectionWatch, outageOf } from './outage';

/**
 * A job a worker repeats every few seconds (reconciling, reminders): one run at a time in
 * this process, and one worker at a time across processes (a Postgres advisory lock held for
 * the run's transaction). A failed run is logged and tried again at the next tick.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  /** While Postgres or Redis is away, one line when the runs start failing and one when they succeed again. */
  private readonly outage: ConnectionWatch;

  constructor(
    private readonly name: string,
    private readonly logger: Logger,
  ) {
    this.outage = new ConnectionWatch(`${name}: its servers`, logger);
  }

  start(everySeconds: number, run: () => Promise<unknown>): void {
    this.timer = setInterval(() => {
      this.running ??= run()
        .then(() => this.outage.back())
        .catch((error: Error) => {
          if (outageOf(error)) this.outage.lost(error);
          else this.logger.warn(`${this.name} failed: ${error.message}`);
        })
        .finally(() => (this.running = null));
    }, everySeconds * 1000);
    this.timer.unref();
  }

  /** Stops the timer and waits for a run in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}

/** Runs `work` in a transaction if this process wins the named lock; else returns `idle`. */
export async function asLeader<T>(db: DataSource, lockName: string, idle: T, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  return db.transaction(async (manager) => {
    const [{ leader }] = await manager.query<{ leader: boolean }[]>(`SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS leader`, [lockName]);
    return leader ? work(manager) : idle;
  });
}
