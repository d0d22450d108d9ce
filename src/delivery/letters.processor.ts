import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DelayedError, Job, Worker } from 'bullmq';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
import { MemberMailService } from '../members/member-mail.service';
import { JobName, JobOf, LETTERS_QUEUE } from './jobs';
import { LetterSenderService } from './letter-sender.service';
import { redisConnection } from './redis-connection';
import { WorkerRegistryService } from './worker-registry.service';

type Handlers = { [K in JobName]: (job: Job<JobOf<K>>, token: string | undefined) => Promise<unknown> };

/**
 * The queue's worker, thin: checks what the job is, hands it to one service, and turns the
 * result into BullMQ's terms. Built here rather than with @Processor because its lock
 * duration comes from the validated configuration, not from a decorator.
 */
@Injectable()
export class LettersProcessor implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(LettersProcessor.name);
  private readonly handlers: Handlers;
  private worker: Worker<JobOf<JobName>, unknown, JobName> | null = null;

  constructor(
    @Inject(LetterSenderService) private readonly sender: LetterSenderService,
    @Inject(MemberMailService) private readonly memberMail: MemberMailService,
    @Inject(WorkerRegistryService) private readonly registry: WorkerRegistryService,
    @Inject(QALAM_CONFIG) private readonly config: QalamConfig,
  ) {
    this.handlers = {
      [JobName.SendLetters]: async (job, token) => {
        const result = await this.sender.sendBatch(job.data.batchId, job.data.letterIds);
        // Transient failures are queued again; failing the job makes BullMQ retry it with
        // backoff, and the retry claims only those letters.
        if (result.retry > 0) throw new Error(`${result.retry} of ${result.claimed} letters met a transient failure`);
        // Letters waiting for an official's pace: the same job looks again when a slot frees.
        if (result.waiting > 0 && result.retryAt && token) {
          await job.moveToDelayed(result.retryAt.getTime(), token);
          throw new DelayedError();
        }
        return result;
      },
      [JobName.SendMemberMail]: async (job) => {
        // On the last attempt a transient failure stays claimed: it is not sent, and not retried forever.
        const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        const result = await this.memberMail.sendBatch(job.data, finalAttempt);
        if (result.retry > 0 && !finalAttempt) throw new Error(`${result.retry} of ${result.claimed} member emails met a transient failure`);
        return result;
      },
      [JobName.SendThankYous]: async (job) => {
        const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        const result = await this.memberMail.sendThankYous(job.data, finalAttempt);
        if (result.retry > 0 && !finalAttempt) throw new Error(`${result.retry} of ${result.claimed} thank-yous met a transient failure`);
        return result;
      },
    };
  }

  /** Fail at boot, not at 3 a.m.: every job name needs a handler. */
  onModuleInit(): void {
    const missing = Object.values(JobName).filter((name) => typeof this.handlers[name] !== 'function');
    if (missing.length > 0) throw new Error(`No handler for jobs: ${missing.join(', ')}`);
  }

  onApplicationBootstrap(): void {
    const lease = this.config.deliveryLeaseSeconds * 1000;
    this.worker = new Worker<JobOf<JobName>, unknown, JobName>(LETTERS_QUEUE, (job, token) => this.process(job, token), {
      connection: redisConnection(this.config.redisUrl),
      prefix: this.config.queuePrefix,
      concurrency: this.config.deliveryConcurrency,
      // A batch whose worker died is handed to another after the lease; SMTP timeouts are
      // below half of it (checked at boot), so a live batch always renews its lock in time.
      lockDuration: lease,
      stalledInterval: Math.max(1000, lease / 2),
      maxStalledCount: 10,
    });
    this.worker.on('failed', (job, error) => {
      if (error instanceof DelayedError || error.name === 'DelayedError') return;
      this.logger.warn(`Job ${job?.id ?? '?'} failed (attempt ${job?.attemptsMade ?? '?'}): ${error.message}`);
    });
    this.worker.on('error', (error) => this.logger.error(`Worker error: ${error.message}`));
  }

  /** SIGTERM: finish the batches in flight before the database and the transport close. */
  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
    await this.registry.retire();
  }

  private async process(job: Job<JobOf<JobName>, unknown, JobName>, token?: string): Promise<unknown> {
    const handler = this.handlers[job.name] as ((job: Job<JobOf<JobName>>, token: string | undefined) => Promise<unknown>) | undefined;
    if (!handler) throw new Error(`Unknown job ${job.name}`);
    return handler(job, token);
  }
}
