import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
import { Job } from 'bullmq';
import { JobName, JobOf, LETTERS_QUEUE } from './jobs';
import { LetterSenderService } from './letter-sender.service';

type Handlers = { [K in JobName]: (data: JobOf<K>) => Promise<unknown> };

/** Thin: checks what the job is, hands it to one service. */
@Processor(LETTERS_QUEUE)
export class LettersProcessor extends WorkerHost implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(LettersProcessor.name);
  private readonly handlers: Handlers;

  constructor(
    @Inject(LetterSenderService) private readonly sender: LetterSenderService,
    @Inject(QALAM_CONFIG) private readonly config: QalamConfig,
  ) {
    super();
    this.handlers = {
      [JobName.SendLetters]: async ({ letterIds }) => {
        const result = await this.sender.sendBatch(letterIds);
        // Letters that met a transient failure are queued again; failing the job makes
        // BullMQ retry it with backoff, and the retry claims only those letters.
        if (result.retry > 0) throw new Error(`${result.retry} letters met a transient failure`);
        return result;
      },
    };
  }

  /** Fail at boot, not at 3 a.m.: every job name needs exactly one handler. */
  onModuleInit(): void {
    const missing = Object.values(JobName).filter((name) => typeof this.handlers[name] !== 'function');
    if (missing.length > 0) throw new Error(`No handler for jobs: ${missing.join(', ')}`);
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.deliveryConcurrency;
  }

  async process(job: Job<JobOf<JobName>, unknown, JobName>): Promise<unknown> {
    const handler = this.handlers[job.name] as ((data: JobOf<JobName>) => Promise<unknown>) | undefined;
    if (!handler) throw new Error(`Unknown job ${job.name}`);
    return handler(job.data);
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    this.logger.warn(`Job ${job?.id ?? '?'} failed (attempt ${job?.attemptsMade ?? '?'}): ${error.message}`);
  }
}
