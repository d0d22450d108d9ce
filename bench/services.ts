import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { dropDatabase, postgresVersion } from './bench-database';
import type { ServiceOptions } from './command-line';
import type { Machine } from './machine';

/**
 * Postgres and Redis for one run: checked to answer, and the run's own database and queue
 * keys emptied before it starts and, unless --keep, after it ends.
 */
export class BenchServices {
  private constructor(
    private readonly options: ServiceOptions,
    /** For the run's own questions to Redis (which workers are connected). */
    readonly redis: Redis,
    readonly postgresVersion: string,
    readonly redisVersion: string | null,
    /** Keys under the prefix that a previous run left and `open` deleted. */
    readonly deletedKeys: number,
  ) {}

  /** Fails naming the service that does not answer; then drops the database and deletes the prefix's keys. */
  static async open(options: ServiceOptions): Promise<BenchServices> {
    let postgres: string;
    try {
      postgres = await postgresVersion(options.databaseUrl);
    } catch (error) {
      throw new Error(`Postgres does not answer at ${options.databaseUrl} (${(error as Error).message}); scripts/services starts one`);
    }
    const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
    // Failed commands reject on their own; without a listener ioredis would also print each error.
    redis.on('error', () => undefined);
    let version: string | null;
    try {
      await redis.connect();
      version = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? null;
    } catch (error) {
      redis.disconnect();
      throw new Error(`Redis does not answer at ${options.redisUrl} (${(error as Error).message}); scripts/services starts one`);
    }
    try {
      await dropDatabase(options.databaseUrl);
      return new BenchServices(options, redis, postgres, version, await deleteQueueKeys(redis, options.queuePrefix));
    } catch (error) {
      redis.disconnect();
      throw error;
    }
  }

  get databaseName(): string {
    return decodeURIComponent(new URL(this.options.databaseUrl).pathname.slice(1));
  }

  /** Unless --keep, drops the database and deletes the keys, saying what it could not do; then disconnects. */
  async close(log: (message: string) => void): Promise<void> {
    if (!this.options.keep) {
      await dropDatabase(this.options.databaseUrl).catch((error: Error) => log(`could not drop the database: ${error.message}`));
      await deleteQueueKeys(this.redis, this.options.queuePrefix).catch((error: Error) => log(`could not delete the queue keys: ${error.message}`));
    }
    this.redis.disconnect();
  }
}

/**
 * A run's start: its services opened and emptied (their versions noted in `machine`), and a
 * private work directory for its processes' logs and files, `/tmp/<workPrefix>-*`.
 */
export async function prepareRun(options: ServiceOptions, machine: Machine, workPrefix: string, log: (message: string) => void): Promise<{ services: BenchServices; workDir: string }> {
  const services = await BenchServices.open(options);
  machine.postgres = services.postgresVersion;
  machine.redis = services.redisVersion;
  const workDir = await mkdtemp(join(tmpdir(), `${workPrefix}-`));
  log(`database ${services.databaseName} dropped, ${services.deletedKeys} keys under ${options.queuePrefix}: deleted, work files in ${workDir}`);
  return { services, workDir };
}

async function deleteQueueKeys(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
