import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import SMTPPool from 'nodemailer/lib/smtp-pool';
import { MailTag, mailTag, taggedAddress } from '../common/mail/mail-tags';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
import { DeliveryMetrics } from './delivery-metrics';
import { DkimSigner } from './dkim';
import { composePlainLetter } from './mime';

export interface OutgoingLetter {
  /** A letter's id names its Message-ID and X-Qalam-Letter; mail to a member passes `messageId` instead. */
  letterId: string;
  messageId?: string;
  headers?: Record<string, string>;
  /** How the sender shows: "Jane Doe via Org"; the address is always MAIL_FROM. */
  fromName: string;
  to: string;
  subject: string;
  text: string;
  /**
   * What the mail is about: a letter (its id) or a member's mail (the supporter's id). With
   * INBOUND_DOMAIN set, its signed tag makes the envelope sender `bounce+<tag>@`, a letter's
   * Reply-To `reply+<tag>@`, and the X-Qalam-Tag header.
   */
  tag?: MailTag;
}

/** The addresses and header a tag gives a mail. */
interface Tagging {
  envelopeFrom: string;
  replyTo?: string;
  tag?: string;
}

/** Thrown by a `beforeData` hook to keep a letter back at the last moment; it is not sent. */
export class LetterWithheld extends Error {}

export type OutcomeKind = 'sent' | 'retry' | 'failed' | 'unknown';

export interface SendOutcome {
  kind: OutcomeKind;
  /** The server's reply or the error, without personal data. */
  detail: string;
  /** Whether the answer was a permanent refusal of the recipient's address (5xx). */
  permanent: boolean;
}

/** What SMTPPool.send reads of a message: its envelope, its id and its bytes. */
interface PooledMessage {
  data: Record<string, never>;
  message: { getEnvelope(): { from: string; to: string[] }; messageId(): string; getHeader(key: string): string | undefined; createReadStream(): Readable };
}

/**
 * The one way letters leave: Nodemailer's SMTP pool when SMTP_URL is set, else `.eml` files
 * in OUTBOX_DIR. Letters are composed once (composePlainLetter) and handed to the pool
 * through its transport interface, without Nodemailer's Mailer building a MIME tree again.
 * The pool never retries on its own (maxRequeues 0): BullMQ owns every retry.
 */
@Injectable()
export class MailTransportService implements OnApplicationShutdown {
  private readonly pool: SMTPPool | null;
  private readonly outbox: string | null;
  private readonly domain: string;
  /** Null when DKIM_* is unset; the key is read here, at boot, so a bad key stops start-up. */
  private readonly dkim: DkimSigner | null;
  private outboxReady: Promise<unknown> | null = null;

  constructor(
    @Inject(QALAM_CONFIG) private readonly config: QalamConfig,
    @Inject(DeliveryMetrics) private readonly metrics: DeliveryMetrics,
  ) {
    this.domain = config.mailFrom.split('@')[1] ?? 'qalam.example';
    this.dkim = DkimSigner.fromConfig(config);
    const timeout = config.smtpTimeoutSeconds * 1000;
    if (config.smtpUrl) {
      this.outbox = null;
      this.pool = new SMTPPool({
        url: config.smtpUrl,
        pool: true,
        maxConnections: config.smtpPoolSize,
        maxMessages: Infinity,
        maxRequeues: 0,
        connectionTimeout: timeout,
        greetingTimeout: timeout,
        socketTimeout: timeout,
      } as SMTPPool.Options);
    } else {
      this.pool = null;
      this.outbox = resolve(config.outboxDir);
    }
  }

  /** Derived from the letter id, so every retry carries the same Message-ID and receivers can drop a duplicate. */
  messageIdOf(letterId: string): string {
    return `<letter-${letterId}@${this.domain}>`;
  }

  /**
   * Sends one letter. `beforeData` runs when the server is about to receive the message
   * and must finish first: it records that this letter may now be delivered, so that a
   * worker killed from then on never sends it again.
   */
  async send(letter: OutgoingLetter, beforeData: () => Promise<void>): Promise<SendOutcome> {
    const timer = this.metrics.sendLatency.startTimer();
    const outcome = await this.sendTimed(letter, beforeData);
    timer({ outcome: outcome.kind });
    return outcome;
  }

  private async sendTimed(letter: OutgoingLetter, beforeData: () => Promise<void>): Promise<SendOutcome> {
    const messageId = letter.messageId ?? this.messageIdOf(letter.letterId);
    const tagging = this.taggingOf(letter.tag);
    const raw = composePlainLetter({
      ...letter,
      letterId: letter.messageId ? undefined : letter.letterId,
      fromAddress: this.config.mailFrom,
      messageId,
      date: new Date(),
      replyTo: tagging.replyTo,
      tag: tagging.tag,
    });
    if (!this.pool) {
      try {
        await beforeData();
      } catch (error) {
        return classify(error, false);
      }
      this.outboxReady ??= mkdir(this.outbox!, { recursive: true });
      await this.outboxReady;
      await writeFile(join(this.outbox!, `${letter.letterId}.eml`), this.dkim ? this.dkim.sign(raw) : raw);
      return { kind: 'sent', detail: '250 written to outbox', permanent: false };
    }
    let handedOver = false;
    const dkim = this.dkim;
    // Read only once the server has taken DATA: beforeData must finish before the first byte goes.
    const stream = Readable.from(
      (async function* () {
        await beforeData();
        if (dkim) yield* dkim.sign(raw);
        else yield raw;
      })(),
      { objectMode: false },
    );
    stream.once('end', () => (handedOver = true));
    const envelope = { from: tagging.envelopeFrom, to: [letter.to] };
    const message: PooledMessage = {
      data: {},
      message: { getEnvelope: () => envelope, messageId: () => messageId, getHeader: (key) => (key.toLowerCase() === 'message-id' ? messageId : undefined), createReadStream: () => stream },
    };
    return new Promise<SendOutcome>((settle) => {
      this.pool!.send(message as unknown as Parameters<SMTPPool['send']>[0], (error: Error | null, info?: { response?: string }) => {
        settle(error ? classify(error, handedOver) : { kind: 'sent', detail: oneLine(String(info?.response ?? '250')), permanent: false });
      });
    });
  }

  /** The envelope sender, Reply-To and tag header of a mail: tagged only when INBOUND_DOMAIN is set. */
  private taggingOf(tag: MailTag | undefined): Tagging {
    const domain = this.config.inboundDomain;
    if (!tag || !domain) return { envelopeFrom: this.config.mailFrom };
    const signed = mailTag(this.config.appSecret, tag);
    return {
      envelopeFrom: taggedAddress('bounce', signed, domain),
      // An official's answer comes back to the inbound listener; a member's reply goes to MAIL_FROM as before.
      replyTo: tag.kind === 'letter' ? taggedAddress('reply', signed, domain) : undefined,
      tag: signed,
    };
  }

  async verify(): Promise<boolean> {
    if (!this.pool) return true;
    return this.pool.verify().then(
      () => true,
      () => false,
    );
  }

  onApplicationShutdown(): void {
    this.pool?.close();
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 500);
}

/**
 * What an SMTP or connection error means for the letter: a 5xx reply is final, a 4xx reply
 * or a failure before the message was handed over is worth another try, and a failure after
 * the whole message went out leaves us not knowing: it may have been delivered.
 */
export function classify(error: unknown, messageHandedOver: boolean): SendOutcome {
  if (error instanceof LetterWithheld) return { kind: 'failed', detail: error.message, permanent: false };
  const failure = error as { responseCode?: number; response?: string; code?: string; message?: string };
  const reply = oneLine(failure.response ?? failure.message ?? 'unknown error');
  if (typeof failure.responseCode === 'number' && failure.responseCode >= 500) return { kind: 'failed', detail: reply, permanent: true };
  if (typeof failure.responseCode === 'number' && failure.responseCode >= 400) return { kind: 'retry', detail: reply, permanent: false };
  if (messageHandedOver) return { kind: 'unknown', detail: `no reply after the message was sent (${failure.code ?? 'ERROR'}: ${reply})`, permanent: false };
  return { kind: 'retry', detail: `${failure.code ?? 'ERROR'}: ${reply}`, permanent: false };
}
