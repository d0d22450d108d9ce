import { SMTPServer, SMTPServerDataStream } from 'smtp-server';

/**
 * The bare side of the inbound bench: the same SMTP server library with the listener's own
 * options, accepting every message and discarding it. Listens on argv[2]; prints how many
 * it accepted when it is told to stop (SIGTERM).
 */
const port = Number(process.argv[2]);
const maxBytes = Number(process.argv[3] ?? 1024 * 1024);
let accepted = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['AUTH', 'STARTTLS'],
  size: maxBytes,
  maxClients: 64,
  logger: false,
  onRcptTo: (_address, _session, callback) => callback(),
  onData: (stream: SMTPServerDataStream, _session, callback: (error?: Error | null) => void) => {
    let bytes = 0;
    stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
    stream.on('end', () => {
      if (bytes > maxBytes) return callback(Object.assign(new Error('too big'), { responseCode: 552 }));
      accepted += 1;
      callback();
    });
  },
});
server.listen(port, '127.0.0.1', () => console.log(`bare smtp-server on ${port}`));
process.on('SIGTERM', () => {
  console.log(`accepted ${accepted}`);
  server.close(() => process.exit(0));
});
