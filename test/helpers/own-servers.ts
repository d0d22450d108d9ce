import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { waitFor } from './wait';

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function postgresBin(name: string): string {
  const root = '/usr/lib/postgresql';
  const version = readdirSync(root).sort((a, b) => Number(b) - Number(a))[0];
  return join(root, version, 'bin', name);
}

/** Runs a Postgres binary as the `postgres` user when we are root (Postgres refuses to run as root). */
function asPostgres(binary: string, args: string[]): string[] {
  return process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', binary, ...args] : [binary, ...args];
}

/**
 * A Postgres cluster of the test's own (the system's binaries, initdb into a temporary
 * folder, trust auth on loopback), on a port of its own, so that stopping it disturbs
 * nothing else on the machine.
 */
export class OwnPostgres {
  readonly dir = mkdtempSync(join(tmpdir(), 'qalam-pg-'));
  port = 0;

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async init(): Promise<this> {
    this.port = await freePort();
    chmodSync(this.dir, 0o777);
    const [command, ...args] = asPostgres(postgresBin('initdb'), ['-D', join(this.dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    execFileSync(command, args, { stdio: 'pipe' });
    await this.start();
    return this;
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 -c shared_buffers=256MB`;
    const [command, ...args] = asPostgres(postgresBin('pg_ctl'), ['-D', join(this.dir, 'data'), '-l', join(this.dir, 'log'), '-o', options, '-w', 'start']);
    execFileSync(command, args, { stdio: 'pipe' });
  }

  /** `pg_ctl stop -m fast`: sessions are ended, what is in flight fails. */
  stop(): void {
    const [command, ...args] = asPostgres(postgresBin('pg_ctl'), ['-D', join(this.dir, 'data'), '-m', 'fast', '-w', 'stop']);
    execFileSync(command, args, { stdio: 'pipe' });
  }

  destroy(): void {
    try {
      if (existsSync(join(this.dir, 'data', 'postmaster.pid'))) this.stop();
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

/** A redis-server of the test's own that keeps nothing on disk: restarting it empties it. */
export class OwnRedis {
  port = 0;
  private child: ChildProcess | null = null;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    if (!this.port) this.port = await freePort();
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    await waitFor(
      async () => {
        try {
          if (probe.status !== 'ready') await probe.connect();
          return (await probe.ping()) === 'PONG' ? true : undefined;
        } catch {
          return undefined;
        }
      },
      () => `redis-server on ${this.port} did not start`,
      10_000,
    );
    probe.disconnect();
    return this;
  }

  /** `SHUTDOWN NOSAVE`: everything it held is gone. */
  async shutdown(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const client = new Redis(this.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    await client.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
    client.disconnect();
    await exited;
    this.child = null;
  }

  async stop(): Promise<void> {
    await this.shutdown();
  }
}
