import { Inject, Injectable, Logger } from '@nestjs/common';
import { simpleParser } from 'mailparser';
import { DataSource, EntityManager } from 'typeorm';
import { MailTag } from '../common/mail/mail-tags';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
import { InboundMailKind } from '../inbound-mail/inbound-mail.entity';
import { InboundMailRepository, NewInboundMail } from '../inbound-mail/inbound-mail.repository';
import { LettersRepository } from '../letters/letters.repository';
import { SuppressionsRepository } from '../letters/suppressions.repository';
import { OfficialsService } from '../officials/officials.service';
import { SupportersRepository } from '../supporters/supporters.repository';
import { classifyInbound, InboundDecision, InboundMessage } from './inbound-classification';

/** What became of one received message: its row (null when it repeated a report already applied) and its kind. */
export interface InboundOutcome {
  id: string | null;
  kind: InboundMailKind | 'duplicate';
}

/** A message read and classified, waiting for its transaction. */
interface PendingMail {
  decision: InboundDecision;
  raw: Buffer;
  read: ReadMail | null;
  resolve(outcome: InboundOutcome): void;
  reject(error: unknown): void;
}

type ReadMail = { message: InboundMessage; fromAddress: string | null; subject: string | null; text: string | null };
type Kept = (kind: 'unreadable' | 'ignored', why: string) => Promise<InboundOutcome>;

/** Messages applied in one transaction at most. */
const MAX_BATCH = 200;
/**
 * Transactions at once, per process. One: concurrent ones only wait for each other's locks on
 * the counters, officials and suppressions (measured: 3 at once took 590 DSNs/s, 1 took 765),
 * and one at a time lets the next batch grow while this one commits. Locks are still taken in
 * key order, for several inbound processes at once.
 */
const MAX_FLUSHERS = 1;
const MAX_TEXT = 20_000;
const MAX_SUBJECT = 500;
/** How much of a report's body is searched for the original's headers. */
const MAX_ORIGINAL = 64 * 1024;

/**
 * Reads what the inbound listener received and applies it, in one transaction:
 * a bounce marks the letter bounced, suppresses the official's address and flags them (on
 * email-then-post the letter goes by post); a delay is recorded on the letter; a complaint
 * unsubscribes the member (or flags the official of a letter); a reply is kept on the case.
 * Anything else is kept for review. It never throws for what a message holds: only when
 * Postgres cannot record it (the listener then answers 451 and the sender retries).
 *
 * Messages that arrive while transactions run wait for the next one and go in it together
 * (group commit: one commit, and set-based statements for the bounces of letters, however
 * many connections deliver at once); each sender is answered once its message is committed.
 * A batch that fails is tried again message by message, so one bad message holds back none.
 */
@Injectable()
export class InboundMailService {
  private readonly logger = new Logger(InboundMailService.name);
  private pending: PendingMail[] = [];
  private flushers = 0;

  constructor(
    @Inject(QALAM_CONFIG) private readonly config: QalamConfig,
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(InboundMailRepository) private readonly inbound: InboundMailRepository,
    @Inject(LettersRepository) private readonly letters: LettersRepository,
    @Inject(SuppressionsRepository) private readonly suppressions: SuppressionsRepository,
    @Inject(OfficialsService) private readonly officials: OfficialsService,
    @Inject(SupportersRepository) private readonly supporters: SupportersRepository,
  ) {}

  async receive(raw: Buffer, recipients: string[]): Promise<InboundOutcome> {
    const read = await this.read(raw, recipients);
    const decision: InboundDecision = read ? classifyInbound(read.message, { secret: this.config.appSecret, domain: this.config.inboundDomain ?? '' }) : { kind: 'unreadable', why: 'not a message mailparser could read' };
    const outcome = await new Promise<InboundOutcome>((resolve, reject) => {
      this.pending.push({ decision, raw, read, resolve, reject });
      void this.flush();
    });
    this.logger.log({ msg: 'inbound mail', id: outcome.id, kind: outcome.kind });
    return outcome;
  }

  private async flush(): Promise<void> {
    if (this.flushers >= MAX_FLUSHERS) return;
    this.flushers += 1;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, MAX_BATCH);
        try {
          const outcomes = await this.db.transaction((manager) => this.applyBatch(manager, batch));
          batch.forEach((mail, index) => mail.resolve(outcomes[index]));
        } catch (error) {
          if (batch.length === 1) {
            batch[0].reject(error);
            continue;
          }
          for (const mail of batch) {
            await this.db.transaction((manager) => this.applyBatch(manager, [mail])).then(([outcome]) => mail.resolve(outcome), (alone: unknown) => mail.reject(alone));
          }
        }
      }
    } finally {
      this.flushers -= 1;
    }
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
