import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { SMTPServer, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { MESSAGE_START } from './dump';

/** Headers longer than this are not ours: keep the start, drop the rest. */
const MAX_HEADER_BYTES = 64 * 1024;
const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * The SMTP sink the bench falls back on when Postfix's smtp-sink is not installed: it accepts
 * every message and appends its header block, without the body, to a dump file in
 * smtp-sink's format, so that the bench counts what arrived the same way for both sinks.
 *
 *   node dist-bench/bench/sink.js --port 2525 --dump /tmp/qalam-bench-x/received
 */
function main(): void {
  const { values } = parseArgs({ options: { port: { type: 'string' }, dump: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' } } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port <= 0 || !values.dump) {
    console.error('usage: node dist-bench/bench/sink.js --port PORT --dump FILE [--host 127.0.0.1]');
    process.exit(2);
  }
  const dump = createWriteStream(values.dump, { flags: 'a' });
  let accepted = 0;

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    banner: 'qalam bench sink',
    size: 10 * 1024 * 1024,
    closeTimeout: 2_000,
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (error?: Error | null) => void) {
      let head = Buffer.alloc(0);
      let headerDone = false;
      stream.on('data', (chunk: Buffer) => {
        if (headerDone) return;
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf(HEADER_END);
        if (end !== -1) {
          head = head.subarray(0, end);
          headerDone = true;
        } else if (head.length > MAX_HEADER_BYTES) {
          head = head.subarray(0, MAX_HEADER_BYTES);
          headerDone = true;
        }
      });
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          callback(Object.assign(new Error('Message too big'), { responseCode: 552 }));
          return;
        }
        const headers = head.toString('utf8').replace(/\r\n/g, '\n');
        // Recorded before the 250 goes out, as smtp-sink does: a message the client saw
        // accepted is always in the dump.
        dump.write(`${MESSAGE_START} ${session.remoteAddress}\n${headers}\n\n`);
        accepted += 1;
        callback(null);
      });
    },
  });
  server.on('error', (error) => console.error(`sink: ${error.message}`));
  server.listen(port, values.host, () => console.log(`sink listening on ${values.host}:${port}, dump ${values.dump}`));

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close(() => {
      dump.end(() => {
        console.log(`sink stopped: ${accepted} messages accepted`);
        process.exit(0);
      });
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
