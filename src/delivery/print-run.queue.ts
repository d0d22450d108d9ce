import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { watchQueue } from '../common/outage';
import { DeliveryRedisService } from './delivery-redis.service';
import { JobName, JobOf, LETTERS_QUEUE, MAX_LETTER_ATTEMPTS } from './jobs';

/** BullMQ refuses ':' in custom ids; one job per run, so enqueueing it again while it waits or runs adds nothing. */
export function printRunJobId(runId: string): string {
  return `print-run-${runId}`;
}

/** Puts a print run's rendering on the worker's queue: the job carries the run's id only. */
@Injectable()
export class PrintRunQueue {
  constructor(
    @InjectQueue(LETTERS_QUEUE) private readonly queue: Queue<JobOf<JobName.RenderPrintRun>, unknown, JobName>,
    @Inject(DeliveryRedisService) redis: DeliveryRedisService,
  ) {
    watchQueue(queue, redis.watch, new Logger(PrintRunQueue.name));
  }

  async enqueue(runId: string): Promise<void> {
    await this.queue.add(JobName.RenderPrintRun, { printRunId: runId }, {
      jobId: printRunJobId(runId),
      attempts: MAX_LETTER_ATTEMPTS,
      backoff: { type: 'exponential', delay: 2000 },
      removeOnComplete: true,
      removeOnFail: true,
    });
  }
}
