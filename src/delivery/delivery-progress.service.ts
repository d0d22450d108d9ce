import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
import { DeliveryRedisService } from './delivery-redis.service';

/** What a dead worker left behind for one of its letters. */
export type LetterProgress = { state: 'not-started' } | { state: 'started' } | { state: 'sent'; reply: string };

const SENTINEL = '_';

/**
 * Per-letter progress of a batch in flight, in Redis: written before a letter's data goes to
 * the SMTP server and after its 250. If a worker dies, whoever takes the batch over knows
 * which letters are safe to send again, which were sent, and which are unknown.
 */
@Injectable()
export class DeliveryProgressService {
  private readonly redis: Redis;

  constructor(
    @Inject(DeliveryRedisService) redis: DeliveryRedisService,
    @Inject(QALAM_CONFIG) private readonly config: QalamConfig,
  ) {
    this.redis = redis.client;
  }

  private key(batchId: string): string {
    return `${this.config.queuePrefix}:progress:${batchId}`;
  }

  /** Marks the batch as in flight before any letter is claimed; without this mark, progress cannot be trusted. */
  async open(batchId: string, workerId: string): Promise<void> {
    await this.redis.multi().hset(this.key(batchId), SENTINEL, workerId).expire(this.key(batchId), 7 * 24 * 3600).exec();
  }

  async started(batchId: string, letterId: string): Promise<void> {
    await this.redis.hset(this.key(batchId), letterId, 's');
  }

  async sent(batchId: string, letterId: string, reply: string): Promise<void> {
    await this.redis.hset(this.key(batchId), letterId, `d${reply}`);
  }

  /** Progress of the given letters, or null when Redis no longer has the batch's record (it lost its data). */
  async read(batchId: string, letterIds: string[]): Promise<Map<string, LetterProgress> | null> {
    const all = await this.redis.hgetall(this.key(batchId));
    if (!(SENTINEL in all)) return null;
    return new Map(
      letterIds.map((id): [string, LetterProgress] => {
        const value = all[id];
        if (value === undefined) return [id, { state: 'not-started' }];
        if (value.startsWith('d')) return [id, { state: 'sent', reply: value.slice(1) }];
        return [id, { state: 'started' }];
      }),
    );
  }

  /** Once every claimed letter's outcome is in Postgres. */
  async close(batchId: string): Promise<void> {
    await this.redis.del(this.key(batchId));
  }
}
