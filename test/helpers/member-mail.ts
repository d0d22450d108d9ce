import { JwtService } from '@nestjs/jwt';
import { Queue } from 'bullmq';
import type { QalamConfig } from '../../src/config/config';
import { LETTERS_QUEUE } from '../../src/delivery/jobs';
import { redisConnection } from '../../src/common/redis-connection';
import { MemberTokenService } from '../../src/supporters/member-token.service';
import type { ReceivedMessage, SmtpSink } from './smtp-sink';
import { waitFor } from './wait';

export type MemberMailKind = 'invitation' | 'reminder' | 'confirmation';

/** Mail to members carries Message-ID <member-<kind>-...>; letters to officials <letter-...>. */
export function kindOf(message: ReceivedMessage): MemberMailKind | null {
  const match = /^<member-(invitation|reminder|confirmation)-/.exec(message.messageId);
  return match ? (match[1] as MemberMailKind) : null;
}

export function memberMails(sink: SmtpSink, kind?: MemberMailKind): ReceivedMessage[] {
  return sink.messages.filter((message) => (kind ? kindOf(message) === kind : kindOf(message) !== null));
}

export function letters(sink: SmtpSink): ReceivedMessage[] {
  return sink.messages.filter((message) => message.letterId !== null);
}

/** A header of the raw message, unfolded; undefined when absent. */
export function headerOf(message: ReceivedMessage, name: string): string | undefined {
  const head = message.raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((candidate) => candidate.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

/** The token of the first link to `path` (e.g. '/sign/') in the text; fails when there is none. */
export function tokenIn(text: string, base: string, path: string): string {
  const match = new RegExp(`${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${path}([A-Za-z0-9_.-]+)`).exec(text);
  if (!match) throw new Error(`no ${base}${path} link in: ${text}`);
  return match[1];
}

/** The service that signs members' links, with the test app's secret: what the app itself verifies with. */
export function memberTokens(config: QalamConfig): MemberTokenService {
  return new MemberTokenService(new JwtService({ secret: config.appSecret, signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } }));
}

/** The app's letters queue, to wait until it holds no job (every letter and member email handled). */
export class QueueWatch {
  private readonly queue: Queue;

  constructor(config: QalamConfig) {
    this.queue = new Queue(LETTERS_QUEUE, { connection: redisConnection(config.redisUrl), prefix: config.queuePrefix });
  }

  async counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('active', 'waiting', 'delayed', 'prioritized', 'waiting-children');
  }

  /** Resolves once no job is waiting, running or delayed; fails with the counts. */
  async idle(timeoutMs = 15_000): Promise<void> {
    await waitFor(
      async () => (Object.values(await this.counts()).every((count) => count === 0) ? true : undefined),
      async () => `jobs still in the queue: ${JSON.stringify(await this.counts())}`,
      timeoutMs,
    );
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
