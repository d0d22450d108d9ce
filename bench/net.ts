import { createConnection, createServer } from 'node:net';

/** A loopback port free at the time of asking (the kernel picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** Resolves with the greeting line when an SMTP server on the port says 220. */
export async function smtpGreeting(port: number, timeoutMs = 2_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let received = '';
    const done = (error: Error | null, line?: string) => {
      socket.destroy();
      if (error) reject(error);
      else resolve(line ?? '');
    };
    socket.setTimeout(timeoutMs, () => done(new Error('no greeting')));
    socket.on('error', (error) => done(error));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const end = received.indexOf('\n');
      if (end === -1) return;
      const line = received.slice(0, end).trim();
      if (line.startsWith('220')) {
        // Say goodbye properly, so the sink does not count an aborted session as an error.
        socket.write('QUIT\r\n');
        setTimeout(() => done(null, line), 20);
      } else {
        done(new Error(`unexpected greeting: ${line}`));
      }
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` until it returns a value other than undefined; fails after the deadline with
 * what `pending` says is still missing. `check` may throw to stop waiting at once.
 */
export async function waitFor<T>(check: () => Promise<T | undefined>, pending: () => string, timeoutMs: number, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s: ${pending()}`);
    await sleep(intervalMs);
  }
}

/** Seconds since a `process.hrtime.bigint()` reading. */
export const elapsedSince = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
