import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Counter, Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { watchQueue } from '../common/outage';
import { DeliveryMetrics } from '../delivery/delivery-metrics';
import { DeliveryRedisService } from '../delivery/delivery-redis.service';
import { LETTERS_QUEUE } from '../delivery/jobs';
import { INBOUND_MAIL_KINDS } from '../inbound-mail/inbound-mail.entity';
import { InboundMailRepository } from '../inbound-mail/inbound-mail.repository';
import { LETTER_STATUSES } from '../letters/letter.entity';

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed'] as const;

/** Gauges read when Prometheus scrapes: letters by status from the counters, jobs by state from BullMQ. */
@Injectable()
export class MetricsService {
  constructor(
    @Inject(DeliveryMetrics) private readonly metrics: DeliveryMetrics,
    @Inject(DataSource) db: DataSource,
    @InjectQueue(LETTERS_QUEUE) queue: Queue,
    @Inject(DeliveryRedisService) redis: DeliveryRedisService,
    @Inject(InboundMailRepository) inbound: InboundMailRepository,
  ) {
    watchQueue(queue, redis.watch, new Logger(MetricsService.name));
    new Gauge({
      name: 'qalam_letters',
      help: 'Letters by status (from the letter_counts rollup)',
      labelNames: ['status'] as const,
      registers: [metrics.registry],
      async collect() {
        const rows = await db.query<{ status: string; count: number }[]>(`SELECT status, sum(count)::int AS count FROM letter_counts GROUP BY status`);
        const counts = new Map(rows.map((row) => [row.status, row.count]));
        for (const status of LETTER_STATUSES) this.set({ status }, counts.get(status) ?? 0);
      },
    });
    // Read from Postgres when scraped, so that a listener in its own process (role inbound) counts here too.
    new Counter({
      name: 'qalam_inbound_mail_total',
      help: 'Messages the inbound listener received, by kind (bounce, delay, complaint, reply, unreadable, ignored)',
      labelNames: ['kind'] as const,
      registers: [metrics.registry],
      async collect() {
        const counts = await inbound.countsByKind();
        this.reset();
        for (const kind of INBOUND_MAIL_KINDS) this.inc({ kind }, counts[kind]);
      },
    });
    new Gauge({
      name: 'qalam_queue_jobs',
      help: 'Jobs of the letters queue by state',
      labelNames: ['state'] as const,
      registers: [metrics.registry],
      async collect() {
        const counts = await queue.getJobCounts(...QUEUE_STATES);
        for (const state of QUEUE_STATES) this.set({ state }, counts[state] ?? 0);
      },
    });
  }

  contentType(): string {
    return this.metrics.registry.contentType;
  }

  render(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
