import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * What the bench needs of one message the sink accepted. Both sinks leave the same record:
 * smtp-sink's multi-message dump (`-D`), in which every message starts with the
 * `X-Client-Addr:` line smtp-sink adds, and the node sink's file, which holds the same
 * first line and the message's header block, without the body.
 */
export interface DumpedMessage {
  /** `X-Qalam-Letter`: the letter id every qalam letter carries. */
  letterId: string | null;
  /** `X-Bench-Baseline`: the number of a bare-pool letter. */
  baseline: number | null;
  messageId: string | null;
  /** A header the bench counts on appeared twice: the record is not to be trusted. */
  repeatedHeader: boolean;
}

export const MESSAGE_START = 'X-Client-Addr:';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads dump lines one at a time and hands back each message once its header block has ended. */
export class DumpParser {
  private current: DumpedMessage | null = null;
  private inHeaders = false;
  /** The header the last line belonged to, for folded continuation lines. */
  private header: keyof Pick<DumpedMessage, 'letterId' | 'messageId'> | null = null;

  /** Returns the message that this line completes, if any. */
  line(raw: string): DumpedMessage | null {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.startsWith(MESSAGE_START)) {
      const finished = this.current;
      this.current = { letterId: null, baseline: null, messageId: null, repeatedHeader: false };
      this.inHeaders = true;
      this.header = null;
      return finished;
    }
    const message = this.current;
    if (!message || !this.inHeaders) return null;
    if (line === '') {
      // The first empty line ends the headers: smtp-sink's own come right before the message's.
      this.inHeaders = false;
      return null;
    }
    if (line[0] === ' ' || line[0] === '\t') {
      // Nodemailer folds a long Message-ID onto the next line.
      if (this.header) message[this.header] = `${message[this.header] ?? ''}${line.trim()}`;
      return null;
    }
    this.header = null;
    const colon = line.indexOf(':');
    if (colon <= 0) return null;
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'x-qalam-letter') {
      if (message.letterId !== null) message.repeatedHeader = true;
      message.letterId = value;
      this.header = 'letterId';
    } else if (name === 'x-bench-baseline') {
      if (message.baseline !== null) message.repeatedHeader = true;
      message.baseline = /^\d+$/.test(value) ? Number(value) : -1;
    } else if (name === 'message-id') {
      if (message.messageId !== null) message.repeatedHeader = true;
      message.messageId = value;
      this.header = 'messageId';
    }
    return null;
  }

  /** The last message of the file. */
  end(): DumpedMessage | null {
    const finished = this.current;
    this.current = null;
    return finished;
  }
}

export type MessageKind = 'letter' | 'baseline' | 'unidentified';

/** Which of the two streams a message belongs to; anything ambiguous is unidentified. */
export function kindOf(message: DumpedMessage): MessageKind {
  if (message.repeatedHeader) return 'unidentified';
  if (message.letterId !== null && message.baseline === null) return UUID.test(message.letterId) ? 'letter' : 'unidentified';
  if (message.baseline !== null && message.letterId === null) return message.baseline >= 0 ? 'baseline' : 'unidentified';
  return 'unidentified';
}

/** qalam derives a letter's Message-ID from its id: `<letter-<uuid>@domain>`. */
export function messageIdMatches(message: DumpedMessage): boolean {
  return message.letterId !== null && message.messageId !== null && message.messageId.toLowerCase().startsWith(`<letter-${message.letterId.toLowerCase()}@`);
}

/** Streams a dump file and calls `visit` for every message in it, in order. */
export async function readDump(path: string, visit: (message: DumpedMessage) => Promise<void> | void): Promise<void> {
  const parser = new DumpParser();
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) {
    const message = parser.line(line);
    if (message) await visit(message);
  }
  const last = parser.end();
  if (last) await visit(last);
}
