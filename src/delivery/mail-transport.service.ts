import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { QALAM_CONFIG, QalamConfig } from '../config/config';

export interface OutgoingLetter {
  letterId: string;
  /** How the sender shows: "Jane Doe via Org" */
  fromName: string;
  to: string;
  subject: string;
  text: string;
}

export interface SendOutcome {
  kind: 'sent' | 'retry' | 'failed' | 'unknown';
  /** The server's reply or the error, without personal data. */
  detail: string;
  messageId: string;
}

/**
 * The one way letters leave: a pooled SMTP transport when SMTP_URL is set, else `.eml` files
 * in OUTBOX_DIR. Nodemailer never retries on its own: BullMQ owns every retry.
 */
@Injectable()
export class MailTransportService implements OnModuleDestroy {
  private readonly logger = new Logger(MailTransportService.name);
  private readonly transport: Transporter;
  private readonly outbox: string | null;
  private readonly domain: string;
  private outboxReady: Promise<unknown> | null = null;

  constructor(@Inject(QALAM_CONFIG) private readonly config: QalamConfig) {
    this.domain = config.mailFrom.split('@')[1] ?? 'qalam.example';
    if (config.smtpUrl) {
      this.outbox = null;
      this.transport = createTransport({
        url: config.smtpUrl,
        pool: true,
        maxConnections: config.smtpPoolSize,
        maxMessages: Infinity,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 30_000,
        disableFileAccess: true,
        disableUrlAccess: true,
      } as Parameters<typeof createTransport>[0]);
    } else {
      this.outbox = resolve(config.outboxDir);
      this.transport = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    }
  }

  /** Derived from the letter id, so every retry carries the same Message-ID. */
  messageIdOf(letterId: string): string {
    return `<letter-${letterId}@${this.domain}>`;
  }

  async send(letter: OutgoingLetter): Promise<SendOutcome> {
    const messageId = this.messageIdOf(letter.letterId);
    try {
      const info = await this.transport.sendMail({
        from: { name: letter.fromName, address: this.config.mailFrom },
        to: letter.to,
        subject: letter.subject,
        text: letter.text,
        messageId,
        headers: { 'X-Qalam-Letter': letter.letterId },
        disableFileAccess: true,
        disableUrlAccess: true,
      });
      if (this.outbox) {
        this.outboxReady ??= mkdir(this.outbox, { recursive: true });
        await this.outboxReady;
        await writeFile(join(this.outbox, `${letter.letterId}.eml`), info.message as Buffer);
        return { kind: 'sent', detail: '250 written to outbox', messageId };
      }
      return { kind: 'sent', detail: String(info.response ?? '250'), messageId };
    } catch (error) {
      return { ...classify(error), messageId };
    }
  }

  async verify(): Promise<boolean> {
    if (this.outbox) return true;
    return this.transport.verify().then(() => true, () => false);
  }

  onModuleDestroy(): void {
    this.transport.close();
  }
}

/** Maps an SMTP or connection error to what happens to the letter next. */
export function classify(error: unknown): Omit<SendOutcome, 'messageId'> {
  const failure = error as { responseCode?: number; response?: string; code?: string; command?: string; message?: string };
  const reply = (failure.response ?? failure.message ?? 'unknown error').replace(/\s+/g, ' ').slice(0, 500);
  if (typeof failure.responseCode === 'number') {
    if (failure.responseCode >= 500) return { kind: 'failed', detail: reply };
    if (failure.responseCode >= 400) return { kind: 'retry', detail: reply };
  }
  // The message went out but no reply came: it may have been delivered. Never resend it blindly.
  if ((failure.code === 'ETIMEDOUT' || failure.code === 'ECONNECTION' || failure.code === 'ESOCKET') && failure.command === 'DATA') {
    return { kind: 'unknown', detail: `${failure.code} after DATA: ${reply}` };
  }
  return { kind: 'retry', detail: `${failure.code ?? 'ERROR'}: ${reply}` };
}
