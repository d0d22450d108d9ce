import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { QalamConfig } from '../../src/config/config';

const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

/** The environment that makes a separate qalam process use a test's configuration. */
export function envOf(config: QalamConfig, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: config.databaseUrl,
    REDIS_URL: config.redisUrl,
    QUEUE_PREFIX: config.queuePrefix,
    MAIL_FROM: config.mailFrom,
    ORG_NAME: config.orgName,
    APP_SECRET: config.appSecret,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'test',
    DELIVERY_LEASE_SECONDS: String(config.deliveryLeaseSeconds),
    RECONCILE_SECONDS: String(config.reconcileSeconds),
    RETRY_DELAY_MS: String(config.retryDelayMs),
    SMTP_TIMEOUT_SECONDS: String(config.smtpTimeoutSeconds),
    DELIVERY_CONCURRENCY: String(config.deliveryConcurrency),
    SMTP_POOL_SIZE: String(config.smtpPoolSize),
    ...(config.smtpUrl ? { SMTP_URL: config.smtpUrl } : {}),
    ...extra,
  };
}

/** A qalam process built by `npm run build` (the test script builds first), with its output kept for failures. */
export class QalamProcess {
  readonly child: ChildProcess;
  output = '';
  private exited: Promise<number | null>;

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** Resolves when the process has logged that it started, or rejects with its output. */
  async started(marker: RegExp, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!marker.test(this.output)) {
      if (this.child.exitCode !== null) throw new Error(`qalam exited with ${this.child.exitCode}:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`qalam did not start in ${timeoutMs} ms:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  kill(signal: NodeJS.Signals): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await this.kill('SIGTERM');
    clearTimeout(timer);
  }
}
