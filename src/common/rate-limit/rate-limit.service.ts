import { createHash, createHmac } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';
import { watchRedis } from '../outage';
import { QALAM_CONFIG, QalamConfig } from '../../config/config';
import { redisConnection } from '../redis-connection';

export interface RateLimitOutcome {
  allowed: boolean;
  /** Seconds until the window that refused this request ends (at least 1). */
  retryAfterSeconds: number;
}

/**
 * Fixed one-minute windows counted in Redis, so that every API process shares them: INCR,
 * and PEXPIRE on the first hit, in one script so that a crash between them cannot leave a
 * counter that never expires.
 */
const HIT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}
`;

const WINDOW_MS = 60_000;

@Injectable()
export class RateLimitService implements OnApplicationShutdown {
  private readonly client: Redis;

  constructor(@Inject(QALAM_CONFIG) private readonly config: QalamConfig) {
    this.client = new Redis({ ...redisConnection(config.redisUrl), maxRetriesPerRequest: 3 } as RedisOptions);
    watchRedis(this.client, 'Redis (rate limits)', new Logger(RateLimitService.name));
  }

  /** Counts one request against `limit` per minute for this bucket and key (a hash of an IP or of an email). */
  async hit(bucket: string, key: string, limit: number): Promise<RateLimitOutcome> {
    const redisKey = `${this.config.queuePrefix}:rate:${bucket}:${key}`;
    const [count, ttl] = (await this.client.eval(HIT, 1, redisKey, WINDOW_MS)) as [number, number];
    return { allowed: count <= limit, retryAfterSeconds: Math.max(1, Math.ceil(ttl / 1000)) };
  }

  /**
   * A client's IP as a key: keyed with APP_SECRET (a bare hash of an IPv4 address is undone by
   * trying all four billion), so Redis never holds an IP, and the key expires with its window.
   */
  ipKey(ip: string): string {
    return createHmac('sha256', this.config.appSecret).update(`ip:${ip}`).digest('hex').slice(0, 32);
  }

  /** An email as a key: hashed, so that Redis never holds a member's address. */
  static emailKey(email: string): string {
    return createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 32);
  }

  onApplicationShutdown(): void {
    this.client.disconnect();
  }
}
