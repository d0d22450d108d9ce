import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SMTPServer, SMTPServerAddress, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
import { InboundMailService } from './inbound-mail.service';
import { listensForInbound } from './inbound-role';

/** At most this many SMTP clients at once; more wait for a free slot (smtp-server answers 421). */
const MAX_CLIENTS = 64;
/** A bounce or a reply names one of our addresses; a message to many is not one we expect. */
const MAX_RECIPIENTS = 20;

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}


/**
 * The inbound SMTP listener (smtp-server): mail for INBOUND_DOMAIN only, any local part
 * (`bounce+<tag>`, `reply+<tag>`, `abuse`, `postmaster`), every other domain refused 550, so
 * it relays nothing. No AUTH (nobody logs in to send to a domain's MX) and no STARTTLS (no
 * certificate is configured; run it on loopback behind the organisation's MX, or where
 * transport security is provided in front of it). A message over INBOUND_MAX_BYTES is refused
 * 552 whether or not the client announced its SIZE, and nothing of it is kept.
 */
@Injectable()
export class InboundListenerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InboundListenerService.name);
  private server: SMTPServer | null = null;

  constructor(
    @Inject(QALAM_CONFIG) private readonly config: QalamConfig,
    @Inject(InboundMailService) private readonly inbound: InboundMailService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!listensForInbound(this.config)) return;
    const domain = this.config.inboundDomain!.toLowerCase();
    const maxBytes = this.config.inboundMaxBytes;
    const server = new SMTPServer({
      name: domain,
      banner: 'qalam inbound',
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      size: maxBytes,
      maxClients: MAX_CLIENTS,
      logger: false,
      socketTimeout: 60_000,
      closeTimeout: 5_000,
      onRcptTo: (address: SMTPServerAddress, session: SMTPServerSession, callback: (error?: Error | null) => void) => {
        const at = address.address.lastIndexOf('@');
        if (at < 1 || address.address.slice(at + 1).toLowerCase() !== domain) return callback(smtpError(550, '5.7.1 Relaying denied: this server accepts mail for its own domain only'));
        if (session.envelope.rcptTo.length >= MAX_RECIPIENTS) return callback(smtpError(452, '4.5.3 Too many recipients'));
        callback();
      },
      onData: (stream: SMTPServerDataStream, session: SMTPServerSession, callback: (error?: Error | null, message?: string) => void) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        let over = false;
        stream.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > maxBytes) over = true;
          // Past the limit nothing more is held; the rest is read and dropped so the client gets its answer.
          if (!over) chunks.push(chunk);
        });
        stream.on('error', () => callback(smtpError(451, '4.3.0 Could not read the message')));
        stream.on('end', () => {
          if (over || stream.sizeExceeded) {
            this.logger.warn({ msg: 'inbound mail refused: too large', bytes });
            return callback(smtpError(552, `5.3.4 Message too big: at most ${maxBytes} bytes`));
          }
          const recipients = session.envelope.rcptTo.map((rcpt) => rcpt.address);
          this.inbound.receive(Buffer.concat(chunks), recipients).then(
            (queueId) => callback(null, `2.0.0 Queued as ${queueId}`),
            (error: unknown) => {
              // Only queueing can fail here (Postgres away): the sender keeps the message and retries.
              this.logger.error({ msg: 'inbound mail not recorded', error: (error as Error).name });
              callback(smtpError(451, '4.3.0 Temporary failure, try again later'));
            },
          );
        });
      },
    });
    server.on('error', (error: Error) => this.logger.warn({ msg: 'inbound SMTP connection error', error: error.name }));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.inboundSmtpPort!, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.logger.log({ msg: 'inbound SMTP listener started', port: this.config.inboundSmtpPort });
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
