import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DumpedMessage, DumpParser, kindOf, messageIdMatches, readDump } from './dump';

const LETTER = '0b0e5a9e-1111-4222-8333-944445555666';

/** A message as smtp-sink's -D dump holds it: its own headers, the message, an empty line. */
function smtpSinkRecord(headers: string[], body = 'Dear Prosecutor General,\n\nX-Qalam-Letter: not a header in the body\n'): string {
  return [
    'X-Client-Addr: 127.0.0.1',
    'X-Client-Proto: ESMTP',
    'X-Helo-Args: [127.0.0.1]',
    'X-Mail-Args: <letters@qalam-bench.example>',
    'X-Rcpt-Args: <official1@prosecutor.example>',
    'Received: from [127.0.0.1] ([127.0.0.1])',
    '\tby smtp-sink (smtp-sink) with ESMTP id 19865451;',
    '\tFri, 27 Nov 2026 13:05:50 +0000 (UTC)',
    ...headers,
    'MIME-Version: 1.0',
    '',
    body,
    '',
  ].join('\n');
}

function parse(text: string): DumpedMessage[] {
  const parser = new DumpParser();
  const messages = text.split('\n').map((line) => parser.line(line)).filter((message): message is DumpedMessage => message !== null);
  const last = parser.end();
  return last ? [...messages, last] : messages;
}

describe(DumpParser.name, () => {
  it('reads the letter id and the folded Message-ID of a qalam letter', () => {
    const [message] = parse(smtpSinkRecord([`X-Qalam-Letter: ${LETTER}`, 'Subject: Appeal', 'Message-ID:', ` <letter-${LETTER}@qalam-bench.example>`]));
    expect(message).toEqual({ letterId: LETTER, baseline: null, messageId: `<letter-${LETTER}@qalam-bench.example>`, repeatedHeader: false });
    expect(kindOf(message)).toBe('letter');
    expect(messageIdMatches(message)).toBe(true);
  });

  it('tells bare-pool letters, letters and unreadable messages apart, and ignores bodies', () => {
    const messages = parse(
      [
        smtpSinkRecord(['X-Bench-Baseline: 41', 'Message-ID: <baseline-41@bench.qalam.example>']),
        smtpSinkRecord([`X-Qalam-Letter: ${LETTER}`, 'Message-ID: <letter-00000000-0000-4000-8000-000000000000@qalam-bench.example>']),
        smtpSinkRecord(['Subject: neither']),
        smtpSinkRecord([`X-Qalam-Letter: ${LETTER}`, `X-Qalam-Letter: ${LETTER}`]),
        smtpSinkRecord(['X-Qalam-Letter: not-a-uuid']),
      ].join(''),
    );
    expect(messages.map(kindOf)).toEqual(['baseline', 'letter', 'unidentified', 'unidentified', 'unidentified']);
    expect(messages[0].baseline).toBe(41);
    expect(messageIdMatches(messages[1])).toBe(false);
  });

  it('reads the node sink header blocks and CRLF lines', () => {
    const messages = parse(`X-Client-Addr: 127.0.0.1\r\nX-Bench-Baseline: 7\r\nMessage-ID: <baseline-7@x>\r\n\r\n\nX-Client-Addr: 127.0.0.1\nX-Bench-Baseline: 8\n\n\n`);
    expect(messages.map((message) => message.baseline)).toEqual([7, 8]);
  });
});

describe(readDump.name, () => {
  it('streams every message of a file, the last one included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qalam-bench-spec-'));
    try {
      const file = join(dir, 'received.dump');
      await writeFile(file, Array.from({ length: 3 }, (_, index) => smtpSinkRecord([`X-Bench-Baseline: ${index}`])).join(''));
      const seen: (number | null)[] = [];
      await readDump(file, (message) => {
        seen.push(message.baseline);
      });
      expect(seen).toEqual([0, 1, 2]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
