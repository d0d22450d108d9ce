import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import { QALAM_CONFIG, QalamConfig } from '../config/config';

export interface OutgoingLetter {
  letterId: string;
  /** How the sender shows: "Jane Doe via Org"; the address is always MAIL_FROM. */
  fromName: string;
  to: string;
  subject: string;
  text: string;
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

/**
 * The one way letters leave: a pooled SMTP transport when SMTP_URL is set, else `.eml` files
 * in OUTBOX_DIR. Nodemailer never retries on its own (maxRequeues 0): BullMQ owns every retry.
 */
@Injectable()
export class MailTransportService implements OnApplicationShutdown {
  private readonly transport: Transporter;
  private readonly outbox: string | null;
  private readonly domain: string;
  private outboxReady: Promise<unknown> | null = null;

  constructor(@Inject(QALAM_CONFIG) private readonly config: QalamConfig) {
    this.domain = config.mailFrom.split('@')[1] ?? 'qalam.example';
    const timeout = config.smtpTimeoutSeconds * 1000;
    if (config.smtpUrl) {
      this.outbox = null;
      this.transport = createTransport({
        url: config.smtpUrl,
        pool: true,
        maxConnections: config.smtpPoolSize,
        maxMessages: Infinity,
        maxRequeues: 0,
        connectionTimeout: timeout,
        greetingTimeout: timeout,
        socketTimeout: timeout,
        disableFileAccess: true,
        disableUrlAccess: true,
      } as Parameters<typeof createTransport>[0]);
    } else {
      this.outbox = resolve(config.outboxDir);
      this.transport = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
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
    const raw = await new MailComposer({
      from: { name: letter.fromName, address: this.config.mailFrom },
      to: letter.to,
      subject: letter.subject,
      text: letter.text,
      messageId: this.messageIdOf(letter.letterId),
      headers: { 'X-Qalam-Letter': letter.letterId },
      disableFileAccess: true,
      disableUrlAccess: true,
    })
      .compile()
      .build();
    let consumed = false;
    const message = new Readable({
      read() {
        if (this.readableLength > 0 || consumed) return;
        consumed = true;
        beforeData().then(
          () => {
            this.push(raw);
            this.push(null);
          },
          (error: unknown) => this.destroy(error as Error),
        );
      },
    });
    let delivered = false;
    message.on('end', () => (delivered = true));
    try {
      const info = await this.transport.sendMail({ envelope: { from: this.config.mailFrom, to: [letter.to] }, raw: message });
      if (this.outbox) {
        this.outboxReady ??= mkdir(this.outbox, { recursive: true });
        await this.outboxReady;
        await writeFile(join(this.outbox, `${letter.letterId}.eml`), info.message as Buffer);
        return { kind: 'sent', detail: '250 written to outbox', permanent: false };
      }
      return { kind: 'sent', detail: oneLine(String(info.response ?? '250')), permanent: false };
    } catch (error) {
      return classify(error, delivered);
    }
  }

  async verify(): Promise<boolean> {
    if (this.outbox) return true;
    return this.transport.verify().then(
      () => true,
      () => false,
    );
  }

  onApplicationShutdown(): void {
    this.transport.close();
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
