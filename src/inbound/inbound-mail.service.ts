import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { simpleParser } from 'mailparser';
import { DataSource, EntityManager } from 'typeorm';
import { MailTag } from '../common/mail/mail-tags';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
import { InboundMailKind } from '../inbound-mail/inbound-mail.entity';
import { InboundMailRepository, NewInboundMail, QueuedInboundMail } from '../inbound-mail/inbound-mail.repository';
import { LettersRepository } from '../letters/letters.repository';
import { SuppressionsRepository } from '../letters/suppressions.repository';
import { OfficialsService } from '../officials/officials.service';
import { SupportersRepository } from '../supporters/supporters.repository';
import { classifyInbound, InboundDecision, InboundMessage } from './inbound-classification';
import { listensForInbound } from './inbound-role';

/** What became of one received message: its row (null when it repeated a report already applied) and its kind. */
export interface InboundOutcome {
  id: string | null;
  kind: InboundMailKind | 'duplicate';
}

/** A message read and classified, to be applied. */
interface PendingMail {
  decision: InboundDecision;
  raw: Buffer;
  read: ReadMail | null;
}

/** A message the listener has, waiting for the statement that queues it. */
interface Accepted {
  raw: Buffer;
  recipients: string[];
  resolve(queueId: string): void;
  reject(error: unknown): void;
}

type ReadMail = { message: InboundMessage; fromAddress: string | null; subject: string | null; text: string | null };
type Kept = (kind: 'unreadable' | 'ignored', why: string) => Promise<InboundOutcome>;

/** Messages queued in one statement, and applied in one transaction, at most. */
const MAX_BATCH = 200;
/** Batches that may fail on a message before it is set aside for review (kept, unapplied). */
const MAX_ATTEMPTS = 5;
/** How often the queue is looked at without a new message (after a restart, or once Postgres is back). */
const DRAIN_EVERY_MS = 5_000;
const MAX_TEXT = 20_000;
const MAX_SUBJECT = 500;
/** How much of a report's body is searched for the original's headers. */
const MAX_ORIGINAL = 64 * 1024;

/**
 * What the inbound listener received, accepted and then applied. Accepting is one statement:
 * the message's bytes and recipients go into inbound_queue (messages that arrive while one
 * statement runs go together in the next), and the sender gets its 250 only once they are
 * on disk, so nothing accepted is lost; Postgres away, the listener answers 451 and the
 * sender retries. Applying runs behind it, one batch at a time per process (queue rows
 * locked with SKIP LOCKED, so several inbound processes share the queue), in one
 * transaction that also deletes the batch's queue rows:
 * a bounce marks the letter bounced, suppresses the official's address and flags them (on
 * email-then-post the letter goes by post); a delay is recorded on the letter; a complaint
 * unsubscribes the member (or flags the official of a letter); a reply is kept on the case.
 * Anything else is kept for review. A batch that fails is tried again message by message,
 * and a message that fails MAX_ATTEMPTS times is kept for review as unreadable, so one bad
 * message holds back none. The queue is also drained every few seconds: what a process
 * accepted before it stopped is applied by the next one.
 */
@Injectable()
export class InboundMailService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InboundMailService.name);
  private accepting: Accepted[] = [];
  private storing = false;
  private draining: Promise<void> | null = null;
  private drainAgain = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(QALAM_CONFIG) private readonly config: QalamConfig,
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(InboundMailRepository) private readonly inbound: InboundMailRepository,
    @Inject(LettersRepository) private readonly letters: LettersRepository,
    @Inject(SuppressionsRepository) private readonly suppressions: SuppressionsRepository,
    @Inject(OfficialsService) private readonly officials: OfficialsService,
    @Inject(SupportersRepository) private readonly supporters: SupportersRepository,
  ) {}

  onApplicationBootstrap(): void {
    if (!listensForInbound(this.config)) return;
    this.timer = setInterval(() => this.drainSoon(), DRAIN_EVERY_MS);
    this.timer.unref();
    this.drainSoon();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.draining;
  }

  /** Accepts a message: resolved with its queue id once it is on disk (then applied behind); rejected only when Postgres cannot queue it. */
  async receive(raw: Buffer, recipients: string[]): Promise<string> {
    const queueId = await new Promise<string>((resolve, reject) => {
      this.accepting.push({ raw, recipients, resolve, reject });
      void this.store();
    });
    this.drainSoon();
    return queueId;
  }

  /** Waits until every message accepted so far in this process, and any queued before, is applied (tests, the bench). */
  async settled(): Promise<void> {
    for (;;) {
      await this.draining;
      if (this.accepting.length === 0 && !this.storing && (await this.inbound.queuedCount()) === 0) return;
      this.drainSoon();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private async store(): Promise<void> {
    if (this.storing) return;
    this.storing = true;
    try {
      while (this.accepting.length > 0) {
        const batch = this.accepting.splice(0, MAX_BATCH);
        try {
          const ids = await this.inbound.enqueue(batch);
          batch.forEach((mail, index) => mail.resolve(ids[index]));
        } catch (error) {
          batch.forEach((mail) => mail.reject(error));
        }
      }
    } finally {
      this.storing = false;
    }
  }

  /** Starts draining the queue, or asks the drain under way to look again when it is done. */
  private drainSoon(): void {
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = this.drain()
      .catch((error: unknown) => this.logger.warn({ msg: 'inbound queue not applied yet; tried again shortly', error: (error as Error).name }))
      .finally(() => {
        this.draining = null;
        if (this.drainAgain) {
          this.drainAgain = false;
          this.drainSoon();
        }
      });
  }

  private async drain(): Promise<void> {
    for (;;) {
      let claimed: QueuedInboundMail[] = [];
      try {
        if ((await this.applyQueued(MAX_BATCH, (rows) => (claimed = rows))) === 0) return;
      } catch (error) {
        if (claimed.length === 0) throw error;
        // One by one: the messages that apply go, the one that fails is counted (and set aside after MAX_ATTEMPTS).
        for (let n = 0; n < claimed.length; n++) {
          let alone: QueuedInboundMail[] = [];
          try {
            await this.applyQueued(1, (rows) => (alone = rows));
          } catch (failure) {
            if (alone.length === 0) throw failure;
            await this.failed(alone[0], failure);
          }
        }
      }
    }
  }

  /** One transaction: claims up to `limit` queued messages, reads, applies and dequeues them; how many. */
  private applyQueued(limit: number, claimed: (rows: QueuedInboundMail[]) => void): Promise<number> {
    return this.db.transaction(async (manager) => {
      const rows = await this.inbound.claimQueued(manager, limit);
      claimed(rows);
      if (rows.length === 0) return 0;
      const batch = await Promise.all(rows.map((row) => this.prepare(row.raw, row.recipients)));
      const outcomes = await this.applyBatch(manager, batch);
      await this.inbound.dequeue(manager, rows.map((row) => row.id));
      const kinds: Record<string, number> = {};
      for (const outcome of outcomes) kinds[outcome.kind] = (kinds[outcome.kind] ?? 0) + 1;
      this.logger.log({ msg: 'inbound mail applied', count: rows.length, kinds });
      return rows.length;
    });
  }

  /** A message its batch failed on: counted; after MAX_ATTEMPTS, kept for review as unreadable and dequeued. */
  private async failed(row: QueuedInboundMail, error: unknown): Promise<void> {
    this.logger.warn({ msg: 'inbound mail could not be applied', queueId: row.id, attempt: row.attempts + 1, error: (error as Error).name });
    if (row.attempts + 1 < MAX_ATTEMPTS) return this.inbound.countFailedAttempt([row.id]);
    await this.db.transaction(async (manager) => {
      await this.inbound.insert(manager, { kind: 'unreadable', diagnostic: `could not be applied after ${MAX_ATTEMPTS} attempts`, raw: row.raw.subarray(0, this.config.inboundMaxBytes) });
      await this.inbound.dequeue(manager, [row.id]);
    });
  }

  /** The message read (null if it cannot be) and classified. */
  private async prepare(raw: Buffer, recipients: string[]): Promise<PendingMail> {
    const read = await this.read(raw, recipients);
    const decision: InboundDecision = read ? classifyInbound(read.message, { secret: this.config.appSecret, domain: this.config.inboundDomain ?? '' }) : { kind: 'unreadable', why: 'not a message mailparser could read' };
    return { decision, raw, read };
  }

  /** Bounces of letters set-based, the rest one by one, all in the caller's transaction; an outcome per message, in order. */
  private async applyBatch(manager: EntityManager, batch: PendingMail[]): Promise<InboundOutcome[]> {
    const outcomes: InboundOutcome[] = new Array<InboundOutcome>(batch.length);
    const bounces = batch.flatMap((mail, index) => (mail.decision.kind === 'bounce' && mail.decision.about.kind === 'letter' ? [index] : []));
    const alone = new Set(batch.keys());
    if (bounces.length > 0) {
      const letters = new Map((await this.letters.lockManyForInbound(manager, bounces.map((index) => (batch[index].decision as { about: MailTag }).about.id))).map((letter) => [letter.id, letter]));
      const found = bounces.filter((index) => letters.has((batch[index].decision as { about: MailTag }).about.id));
      const rows = found.map((index) => {
        const decision = batch[index].decision as Extract<InboundDecision, { kind: 'bounce' | 'delay' }>;
        const letter = letters.get(decision.about.id)!;
        return { letter, statusCode: decision.statusCode, diagnostic: decision.diagnostic };
      });
      const ids = await this.inbound.insertManyWithEffects(
        manager,
        rows.map(({ letter, statusCode, diagnostic }) => ({ kind: 'bounce', letterId: letter.id, caseId: letter.caseId, officialId: letter.officialId, statusCode, diagnostic, effectKey: `bounce:letter:${letter.id}` })),
      );
      const applied = rows.filter((_, position) => ids[position] !== null);
      await this.letters.markBouncedMany(manager, applied.map(({ letter, statusCode, diagnostic }) => ({ id: letter.id, reason: `bounced: ${statusCode}${diagnostic ? ` ${diagnostic.slice(0, 300)}` : ''}` })));
      // An official whose letters bounce by the hundred is suppressed and flagged by the first: the rest write nothing more.
      await this.suppressions.suppressMany(manager, applied.flatMap(({ letter, statusCode }) => (letter.officialEmail && !letter.officialSuppressed ? [{ address: letter.officialEmail, reason: `bounce ${statusCode}` }] : [])));
      await this.officials.flagMany(manager, applied.filter(({ letter, statusCode }) => letter.officialFlagReason !== `bounce ${statusCode}`).map(({ letter, statusCode }) => ({ id: letter.officialId, reason: `bounce ${statusCode}` })));
      // queueForPost takes only email-then-post letters now bounced (or failed) whose official has a postal address.
      await this.letters.queueForPost(manager, applied.filter(({ letter }) => letter.appealChannel === 'email-then-post').map(({ letter }) => letter.id));
      found.forEach((index, position) => {
        outcomes[index] = { id: ids[position], kind: ids[position] ? 'bounce' : 'duplicate' };
        alone.delete(index);
      });
    }
    for (const index of alone) outcomes[index] = await this.apply(manager, batch[index].decision, batch[index].raw, batch[index].read);
    return outcomes;
  }

  /** The message as mailparser reads it; null if it cannot. */
  private async read(raw: Buffer, recipients: string[]): Promise<ReadMail | null> {
    try {
      const parsed = await simpleParser(raw, { keepDeliveryStatus: true, skipHtmlToText: false, skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
      const contentType = parsed.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
      const attachments = parsed.attachments ?? [];
      const part = (...types: string[]) => attachments.filter((a) => types.includes(a.contentType?.toLowerCase()));
      const deliveryStatus = part('message/delivery-status', 'message/global-delivery-status')[0]?.content.toString('utf8') ?? null;
      // The original's headers: an enclosed part if mailparser kept one, and the report's own body
      // (mailparser opens an inline message/rfc822 into the text, without its headers).
      const headerEnd = raw.indexOf('\r\n\r\n') >= 0 ? raw.indexOf('\r\n\r\n') : raw.indexOf('\n\n');
      const body = headerEnd >= 0 ? raw.subarray(headerEnd, headerEnd + MAX_ORIGINAL).toString('utf8') : '';
      const originalHeaders = [...part('text/rfc822-headers', 'message/rfc822').map((a) => a.content.subarray(0, MAX_ORIGINAL).toString('utf8')), body].join('\n');
      const fromAddress = parsed.from?.value?.[0]?.address?.slice(0, 320) ?? null;
      const subject = parsed.subject?.slice(0, MAX_SUBJECT) ?? null;
      const text = parsed.text?.slice(0, MAX_TEXT) ?? null;
      return {
        message: {
          recipients,
          contentType: contentType?.value?.toLowerCase() ?? null,
          reportType: contentType?.params?.['report-type'] ?? null,
          deliveryStatus,
          originalHeaders,
          from: fromAddress,
          subject,
          text,
        },
        fromAddress,
        subject,
        text,
      };
    } catch {
      return null;
    }
  }

  private async apply(manager: EntityManager, decision: InboundDecision, raw: Buffer, read: { fromAddress: string | null; subject: string | null; text: string | null } | null): Promise<InboundOutcome> {
    const kept = (kind: 'unreadable' | 'ignored', diagnostic: string) => this.record(manager, { kind, diagnostic, raw: raw.subarray(0, this.config.inboundMaxBytes), fromAddress: read?.fromAddress, subject: read?.subject });
    switch (decision.kind) {
      case 'unreadable':
        return kept('unreadable', decision.why);
      case 'ignored':
        return kept('ignored', decision.why);
      case 'bounce':
      case 'delay':
        return decision.about.kind === 'letter'
          ? this.letterReport(manager, decision.kind, decision.about.id, decision.statusCode, decision.diagnostic, kept)
          : this.memberBounce(manager, decision.kind, decision.about, decision.statusCode, decision.diagnostic, kept);
      case 'complaint':
        return this.complaint(manager, decision.about, kept);
      case 'reply': {
        const letter = await this.letters.lockForInbound(manager, decision.letterId);
        if (!letter) return kept('ignored', 'a reply to a letter that is gone');
        return this.record(manager, {
          kind: 'reply',
          letterId: letter.id,
          caseId: letter.caseId,
          officialId: letter.officialId,
          fromAddress: read?.fromAddress,
          subject: read?.subject,
          bodyText: read?.text,
        });
      }
    }
  }

  private async letterReport(
    manager: EntityManager,
    kind: 'bounce' | 'delay',
    letterId: string,
    statusCode: string,
    diagnostic: string | null,
    kept: Kept,
  ): Promise<InboundOutcome> {
    const letter = await this.letters.lockForInbound(manager, letterId);
    if (!letter) return kept('ignored', `a ${kind} about a letter that is gone`);
    const base = { letterId: letter.id, caseId: letter.caseId, officialId: letter.officialId, statusCode, diagnostic };
    if (kind === 'delay') {
      const outcome = await this.record(manager, { ...base, kind: 'delay', effectKey: `delay:${letter.id}:${statusCode}` });
      if (outcome.id) await this.letters.recordDelay(manager, letter.id, statusCode);
      return outcome;
    }
    const outcome = await this.record(manager, { ...base, kind: 'bounce', effectKey: `bounce:letter:${letter.id}` });
    if (!outcome.id) return outcome;
    await this.letters.markBounced(manager, letter.id, `bounced: ${statusCode}${diagnostic ? ` ${diagnostic.slice(0, 300)}` : ''}`);
    if (letter.officialEmail) await this.suppressions.suppress(manager, letter.officialEmail, `bounce ${statusCode}`);
    await this.officials.flag(manager, letter.officialId, `bounce ${statusCode}`);
    // queueForPost takes only email-then-post letters now bounced (or failed) whose official has a postal address.
    if (letter.appealChannel === 'email-then-post') await this.letters.queueForPost(manager, [letter.id]);
    return outcome;
  }

  private async memberBounce(
    manager: EntityManager,
    kind: 'bounce' | 'delay',
    member: MailTag,
    statusCode: string,
    diagnostic: string | null,
    kept: Kept,
  ): Promise<InboundOutcome> {
    if (!(await this.supporters.leavingStateOf(member.id))) return kept('ignored', `a ${kind} about a member who is gone`);
    // A delay of member mail changes nothing; a bounce marks the address until it changes (a second one finds it marked).
    if (kind === 'bounce' && !(await this.supporters.markEmailUndeliverable(manager, member.id))) return { id: null, kind: 'duplicate' };
    return this.record(manager, { kind, supporterId: member.id, statusCode, diagnostic });
  }

  private async complaint(manager: EntityManager, about: MailTag, kept: Kept): Promise<InboundOutcome> {
    if (about.kind === 'member') {
      if (!(await this.supporters.leavingStateOf(about.id))) return kept('ignored', 'a complaint about a member who is gone');
      const outcome = await this.record(manager, { kind: 'complaint', supporterId: about.id, effectKey: `complaint:member:${about.id}` });
      if (!outcome.id) return outcome;
      // What POST /api/unsubscribe does: unsubscribed, and the letters auto-signed in their name and still queued cancelled.
      await this.supporters.unsubscribe(manager, about.id);
      await this.letters.cancelQueuedAutoSigned(manager, about.id);
      return outcome;
    }
    const letter = await this.letters.lockForInbound(manager, about.id);
    if (!letter) return kept('ignored', 'a complaint about no letter of ours');
    const outcome = await this.record(manager, { kind: 'complaint', letterId: letter.id, caseId: letter.caseId, officialId: letter.officialId, effectKey: `complaint:letter:${letter.id}` });
    if (outcome.id) await this.officials.flag(manager, letter.officialId, 'complaint');
    return outcome;
  }

  private async record(manager: EntityManager, mail: NewInboundMail): Promise<InboundOutcome> {
    const id = await this.inbound.insert(manager, mail);
    return { id, kind: id ? mail.kind : 'duplicate' };
  }
}
