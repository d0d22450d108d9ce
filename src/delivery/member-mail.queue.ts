import { createHash } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { watchQueue } from '../common/outage';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
import { DeliveryRedisService } from './delivery-redis.service';
import { JobName, JobOf, LETTERS_QUEUE, MAX_LETTER_ATTEMPTS, MEMBER_MAIL_BATCH_SIZE, MemberMailKind } from './jobs';

/** Jobs are added this many at a time. */
const JOBS_PER_ADD = 200;

/**
 * Puts mail to members on the letters queue, in batches of supporter ids: never a name or an
 * address (job data sits in Redis in clear text). Enqueueing is safe to repeat: the worker
 * claims each member's invitation or reminder in Postgres before it sends, so a duplicate job
 * finds nothing left to send.
 */
@Injectable()
export class MemberMailQueue {
  constructor(
    @InjectQueue(LETTERS_QUEUE) private readonly queue: Queue<JobOf<JobName.SendMemberMail> | JobOf<JobName.SendThankYous>, unknown, JobName>,
    @Inject(QALAM_CONFIG) private readonly config: QalamConfig,
    @Inject(DeliveryRedisService) redis: DeliveryRedisService,
  ) {
    watchQueue(queue, redis.watch, new Logger(MemberMailQueue.name));
  }

  /** Returns how many jobs it added. */
  async enqueue(kind: MemberMailKind, cycleId: string | null, supporterIds: string[]): Promise<number> {
    const payloads: JobOf<JobName.SendMemberMail>[] = [];
    for (let start = 0; start < supporterIds.length; start += MEMBER_MAIL_BATCH_SIZE) {
      payloads.push({ kind, cycleId, supporterIds: supporterIds.slice(start, start + MEMBER_MAIL_BATCH_SIZE) });
    }
    for (let start = 0; start < payloads.length; start += JOBS_PER_ADD) {
      await this.queue.addBulk(
        payloads.slice(start, start + JOBS_PER_ADD).map((data) => ({
          name: JobName.SendMemberMail,
          data,
          opts: {
            // The same members of the same cycle make the same id: a job still waiting is not added twice.
            jobId: memberMailJobId(data),
            attempts: MAX_LETTER_ATTEMPTS,
            backoff: { type: 'exponential', delay: this.config.retryDelayMs },
            removeOnComplete: true,
            removeOnFail: true,
          },
        })),
      );
    }
    return payloads.length;
  }

  /** Thank-yous of a case's outcome; the worker claims each in case_outcome_mails before it sends, so a repeated job sends nothing twice. */
  async enqueueThankYous(caseId: string, supporterIds: string[]): Promise<number> {
    const payloads: JobOf<JobName.SendThankYous>[] = [];
    for (let start = 0; start < supporterIds.length; start += MEMBER_MAIL_BATCH_SIZE) {
      payloads.push({ caseId, supporterIds: supporterIds.slice(start, start + MEMBER_MAIL_BATCH_SIZE) });
    }
    for (let start = 0; start < payloads.length; start += JOBS_PER_ADD) {
      await this.queue.addBulk(
        payloads.slice(start, start + JOBS_PER_ADD).map((data) => ({
          name: JobName.SendThankYous,
          data,
          opts: {
            jobId: `thank-you-${caseId}-${digestOf(data.supporterIds)}`,
            attempts: MAX_LETTER_ATTEMPTS,
            backoff: { type: 'exponential', delay: this.config.retryDelayMs },
            removeOnComplete: true,
            removeOnFail: true,
          },
        })),
      );
    }
    return payloads.length;
  }

  /** Whether the queue holds no job that is waiting, running or delayed: then a mail still due in Postgres has lost its job. */
  async idle(): Promise<boolean> {
    const counts = await this.queue.getJobCounts('active', 'waiting', 'delayed', 'prioritized', 'waiting-children');
    return Object.values(counts).every((count) => count === 0);
  }
}

/** BullMQ refuses ':' in custom ids; the members are named by a digest, so the id stays short. */
export function memberMailJobId(data: JobOf<JobName.SendMemberMail>): string {
  return `member-${data.kind}-${data.cycleId ?? 'none'}-${digestOf(data.supporterIds)}`;
}

function digestOf(supporterIds: string[]): string {
  return createHash('sha256').update(supporterIds.join(',')).digest('base64url').slice(0, 22);
}
