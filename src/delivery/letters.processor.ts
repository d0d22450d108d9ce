import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DelayedError, Job, Worker } from 'bullmq';
import { DataSource } from 'typeorm';
import { outageOf, watchQueue } from '../common/outage';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
import { DeliveryRedisService } from './delivery-redis.service';
import { MemberMailService } from './member-mail.service';
import { PrintRunRenderer } from './print-run-renderer.service';
import { JobName, JobOf, LETTERS_QUEUE, MAX_LETTER_ATTEMPTS } from './jobs';
import { BatchBusyError, LetterSenderService } from './letter-sender.service';
import { redisConnection } from '../common/redis-connection';
import { retryDelayMs } from './retry-policy';
import { WorkerRegistryService } from './worker-registry.service';

type Handlers = { [K in JobName]: (job: Job<JobOf<K>>, token: string | undefined) => Promise<unknown> };

/** How long a job waits when Postgres or Redis is unreachable, or its batch is running here already. */
const OUTAGE_DELAY_MS = 2000;

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
  /** While Postgres is away the worker claims nothing; a probe resumes it when Postgres answers. */
  private waitingForPostgres: Promise<void> | null = null;
  private stopping = false;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(LetterSenderService) private readonly sender: LetterSenderService,
    @Inject(MemberMailService) private readonly memberMail: MemberMailService,
    @Inject(WorkerRegistryService) private readonly registry: WorkerRegistryService,
    @Inject(QALAM_CONFIG) private readonly config: QalamConfig,
    @Inject(DeliveryRedisService) private readonly redis: DeliveryRedisService,
    @Inject(PrintRunRenderer) private readonly printRuns: PrintRunRenderer,
  ) {
    this.handlers = {
      [JobName.SendLetters]: async (job, token) => {
        const result = await this.sender.sendBatch(job.data.batchId, job.data.letterIds);
        // Transient failures are queued again and the job comes back after a capped
        // exponential backoff (moved to delayed: BullMQ's attempts are kept for real errors);
        // letters waiting for an official's pace come back when a slot frees; the earlier wins.
        const retryAt = result.retry > 0 ? Date.now() + retryDelayMs(this.config, result.retryRound) : null;
        const paceAt = result.waiting > 0 && result.retryAt ? result.retryAt.getTime() : null;
        const next = retryAt !== null && paceAt !== null ? Math.min(retryAt, paceAt) : (retryAt ?? paceAt);
        if (next !== null && token) {
          await job.moveToDelayed(next, token);
          throw new DelayedError();
        }
        return result;
      },
      [JobName.SendMemberMail]: async (job, token) => {
        // On the last attempt a transient failure stays claimed: it is not sent, and not retried forever.
        const round = this.roundOf(job);
        const finalAttempt = this.finalRound(job, round);
        const result = await this.memberMail.sendBatch(job.data, finalAttempt);
        if (result.retry > 0 && !finalAttempt) await this.retryLater(job, token, round, `${result.retry} of ${result.claimed} member emails met a transient failure`);
        return result;
      },
      [JobName.SendThankYous]: async (job, token) => {
        const round = this.roundOf(job);
        const finalAttempt = this.finalRound(job, round);
        const result = await this.memberMail.sendThankYous(job.data, finalAttempt);
        if (result.retry > 0 && !finalAttempt) await this.retryLater(job, token, round, `${result.retry} of ${result.claimed} thank-yous met a transient failure`);
        return result;
      },
      // A render error ends the run `failed` inside; anything else (Postgres away, a full disk) is retried by BullMQ.
      [JobName.RenderPrintRun]: (job) => this.printRuns.render(job.data.printRunId),
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
    // Redis away: one line when it goes, one when it is back (the worker reconnects by itself).
    watchQueue(this.worker, this.redis.watch, this.logger);
  }

  /** SIGTERM: finish the batches in flight before the database and the transport close. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    // A record that cannot reach Postgres now gives up and leaves its marks to the next run.
    this.sender.stopping = true;
    await this.worker?.close();
    await this.waitingForPostgres;
    await this.registry.retire();
  }

  private async process(job: Job<JobOf<JobName>, unknown, JobName>, token?: string): Promise<unknown> {
    const handler = this.handlers[job.name] as ((job: Job<JobOf<JobName>>, token: string | undefined) => Promise<unknown>) | undefined;
    if (!handler) throw new Error(`Unknown job ${job.name}`);
    try {
      return await handler(job, token);
    } catch (error) {
      if (error instanceof DelayedError) throw error;
      const outage = outageOf(error);
      if (!outage && !(error instanceof BatchBusyError)) throw error;
      // An unreachable server is a state, not a failure of the job: it waits without using an attempt.
      if (outage === 'postgres') this.pauseUntilPostgresAnswers(error);
      if (!token) throw error;
      try {
        await job.moveToDelayed(Date.now() + OUTAGE_DELAY_MS, token);
      } catch {
        // Redis is away too: the job's lock lapses and BullMQ hands it out again once Redis is back.
        throw error;
      }
      throw new DelayedError();
    }
  }

  /** The round of a member-mail job (from 1): every start counts, moves to delayed included. */
  private roundOf(job: Job): number {
    return Math.max(job.attemptsStarted ?? 0, job.attemptsMade + 1);
  }

  /** Member mail's last round: its attempts used and RETRY_WINDOW_MINUTES passed since the job was queued. */
  private finalRound(job: Job, round: number): boolean {
    return round >= MAX_LETTER_ATTEMPTS && Date.now() - job.timestamp >= this.config.retryWindowMs;
  }

  private async retryLater(job: Job, token: string | undefined, round: number, reason: string): Promise<never> {
    if (!token) throw new Error(reason);
    await job.moveToDelayed(Date.now() + retryDelayMs(this.config, round), token);
    throw new DelayedError();
  }

  /**
   * Stops claiming new jobs while Postgres is unreachable (batches in flight go on: their
   * records wait for Postgres) and resumes once it answers a probe.
   */
  private pauseUntilPostgresAnswers(error: unknown): void {
    if (this.waitingForPostgres || this.stopping || !this.worker) return;
    const worker = this.worker;
    this.registry.postgres.lost(error);
    this.waitingForPostgres = (async () => {
      await worker.pause(true);
      this.logger.warn('Claiming paused: Postgres is unreachable');
      while (!this.stopping) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        try {
          await this.db.query('SELECT 1');
          break;
        } catch (probeError) {
          this.registry.postgres.lost(probeError);
        }
      }
      this.registry.postgres.back();
      if (!this.stopping) {
        await worker.resume();
        this.logger.log('Claiming resumed: Postgres answers again');
      }
    })()
      .catch((pauseError: Error) => this.logger.warn(`Pausing for Postgres failed: ${pauseError.message.slice(0, 200)}`))
      .finally(() => (this.waitingForPostgres = null));
  }
}
