import { Injectable } from '@nestjs/common';
import { Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus registry (its own, not prom-client's global one, so two apps in
 * one process never register a metric twice) and the send latency the transport observes.
 * A worker-only process serves no HTTP: its histogram is scraped only where role is `all`.
 */
@Injectable()
export class DeliveryMetrics {
  readonly registry = new Registry();
  readonly sendLatency = new Histogram({
    name: 'qalam_mail_send_seconds',
    help: 'Time to hand one letter or member email to SMTP (or the outbox), by outcome',
    labelNames: ['outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
}
