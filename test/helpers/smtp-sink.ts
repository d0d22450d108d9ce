import { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';

export interface ReceivedMessage {
  raw: string;
  from: string;
  to: string[];
  messageId: string;
  letterId: string | null;
  subject: string;
  text: string;
  fromHeader: string;
}

/** What the server answers to a message: accept, a scripted SMTP error, hang up, or never answer. */
export type Reply = { accept: true } | { code: number; message: string } | { close: true } | { hang: true };

/**
 * A real SMTP server on loopback (smtp-server) that records what it accepts and answers
 * as the test scripts it to.
 */
export class SmtpSink {
  /** Messages the server accepted (answered 250, or received in full before it hung up). */
  readonly messages: ReceivedMessage[] = [];
  /** Every message that reached the end of DATA, per letter id, whatever the answer. */
  readonly receptions = new Map<string, number>();
  /**
   * Called for every message after its data; default accepts. `attempt` counts this
   * letter's receptions, from 1.
   */
  reply: (message: ReceivedMessage, attempt: number) => Reply | Promise<Reply> = () => ({ accept: true });
  private server: SMTPServer;
  port = 0;
  private draining = false;
  private inFlight = 0;

  /** `light`: headers read by pattern, no MIME parsing (for runs of a hundred thousand letters). */
  constructor(private readonly options: { light?: boolean } = {}) {}

  /** Listens on `port` (0: any free one; the port of a stopped sink, to come back where clients expect it). */
  async start(port = this.port): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      size: 10 * 1024 * 1024,
      // Shutting down: no new transaction begins (421), so none can be cut in the middle of its data.
      onMailFrom: (_address, _session, callback: (error?: Error | null) => void) => callback(this.draining ? shuttingDown() : null),
      onRcptTo: (_address, _session, callback: (error?: Error | null) => void) => callback(this.draining ? shuttingDown() : null),
      onData: (stream: SMTPServerDataStream, session: SMTPServerSession, callback: (error?: Error | null) => void) => {
        const chunks: Buffer[] = [];
        // From the first byte of its data to its answer, a message is in flight: a shutdown waits for it.
        this.inFlight += 1;
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          void this.handle(Buffer.concat(chunks).toString('utf8'), session, callback).finally(() => (this.inFlight -= 1));
        });
      },
    });
    // A client killed mid-session resets its connection: that is the test, not a failure.
    this.server.on('error', () => undefined);
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  private async handle(raw: string, session: SMTPServerSession, callback: (error?: Error | null) => void): Promise<void> {
    // Shutting down, as Postfix does: a message that arrives now is refused for later.
    if (this.draining) return callback(shuttingDown());
    const message = this.options.light ? lightMessage(raw, session) : await parsedMessage(raw, session);
    const key = message.letterId ?? message.messageId;
    const attempt = (this.receptions.get(key) ?? 0) + 1;
    this.receptions.set(key, attempt);
    const reply = await this.reply(message, attempt);
    if ('accept' in reply) {
      this.messages.push(message);
      callback(null);
    } else if ('code' in reply) {
      const error = new Error(reply.message) as Error & { responseCode: number };
      error.responseCode = reply.code;
      callback(error);
    } else if ('close' in reply) {
      // The message arrived, the reply never does: the sender cannot know.
      this.messages.push(message);
      (session as unknown as { socket?: { destroy(): void } }).socket?.destroy();
    }
    // hang: never call back
  }

  /** How many times the server received each letter accepted or not, for the letters it accepted. */
  acceptedTwice(): string[] {
    const counts = new Map<string, number>();
    for (const message of this.messages) counts.set(message.letterId ?? '', (counts.get(message.letterId ?? '') ?? 0) + 1);
    return [...counts].filter(([, count]) => count > 1).map(([id]) => id);
  }

  /**
   * Stops as a mail server shuts down: messages being answered get their answer, new ones
   * a 421 (try later), then every connection is closed and the port is free.
   */
  async shutdown(): Promise<void> {
    this.draining = true;
    // A client that died mid-data never ends its message: wait two seconds at most.
    for (const deadline = Date.now() + 2000; this.inFlight > 0 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 10));
    await this.stop();
    this.draining = false;
  }

  async stop(): Promise<void> {
    // A hung session would keep close() waiting: end every connection.
    for (const connection of (this.server as unknown as { connections: Set<{ close(): void }> }).connections ?? []) connection.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function shuttingDown(): Error {
  const error = new Error('421 4.3.2 Service shutting down, try again later') as Error & { responseCode: number };
  error.responseCode = 421;
  return error;
}

function envelopeOf(session: SMTPServerSession): Pick<ReceivedMessage, 'from' | 'to'> {
  return { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((rcpt) => rcpt.address) };
}

async function parsedMessage(raw: string, session: SMTPServerSession): Promise<ReceivedMessage> {
  const parsed = await simpleParser(raw);
  return {
    raw,
    ...envelopeOf(session),
    messageId: parsed.messageId ?? '',
    letterId: (parsed.headers.get('x-qalam-letter') as string | undefined) ?? null,
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    fromHeader: parsed.from?.text ?? '',
  };
}

/** Headers read by pattern, no MIME parsing: for runs of a hundred thousand letters. */
function lightMessage(raw: string, session: SMTPServerSession): ReceivedMessage {
  // Headers unfolded (RFC 5322: a long Message-ID continues on the next line).
  const head = raw.slice(0, Math.max(0, raw.indexOf('\r\n\r\n')) || raw.length).replace(/\r?\n[ \t]+/g, ' ');
  const header = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
  return { raw: '', ...envelopeOf(session), messageId: header('Message-ID'), letterId: header('X-Qalam-Letter') || null, subject: '', text: '', fromHeader: header('From') };
}
