import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';
import { ConnectionWatch, watchRedis } from '../common/outage';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
import { redisConnection } from '../common/redis-connection';

/** A Redis connection of qalam's own, beside BullMQ's, for delivery progress and job lookups. */
@Injectable()
export class DeliveryRedisService implements OnApplicationShutdown {
  readonly client: Redis;
  /** Whether Redis answers, as this client last saw it. */
  readonly watch: ConnectionWatch;

  constructor(@Inject(QALAM_CONFIG) private readonly config: QalamConfig) {
    this.client = new Redis({ ...redisConnection(config.redisUrl), enableAutoPipelining: true, maxRetriesPerRequest: 3 } as RedisOptions);
    this.watch = watchRedis(this.client, 'Redis (delivery)', new Logger(DeliveryRedisService.name));
  }

  /** The Redis key of a BullMQ job of the letters queue. */
  jobKey(queueName: string, jobId: string): string {
    return `${this.config.queuePrefix}:${queueName}:${jobId}`;
  }

  onApplicationShutdown(): void {
    this.client.disconnect();
  }
}
