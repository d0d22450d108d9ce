import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchChild } from './child-process';
import type { ServiceOptions } from './command-line';
import { waitFor } from './net';
import { QalamApi } from './qalam-api';

/** The repository root, seen from dist-bench/bench/*.js. */
export const ROOT = join(__dirname, '..', '..');
/** qalam as `npm run build` leaves it: the benchmarks run the production build. */
export const QALAM_MAIN = join(ROOT, 'dist', 'main.js');
export const RESULTS_DIR = join(ROOT, 'bench', 'results');

/**
 * The node flags `npm start` runs qalam with (package.json's start script: `node <flags>
 * dist/main.js`), so the benchmarks measure the processes as they are shipped.
 */
export const PRODUCTION_NODE_FLAGS: string[] = (() => {
  const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts?: { start?: string } }).scripts?.start ?? '';
  const words = start.split(/\s+/);
  return words.slice(words.indexOf('node') + 1).filter((word) => word.startsWith('--'));
})();

export const ADMIN_EMAIL = 'bench-admin@qalam-bench.example';
export const MAIL_FROM = 'letters@qalam-bench.example';

/** What every qalam process of one run shares: the run's services, and an admin password and app secret made for it. */
export class QalamSetup {
  private readonly adminPassword = randomBytes(12).toString('hex');
  /** The run's APP_SECRET: what signs qalam's member links (a bench may mint them, as qalam's mail does). */
  readonly appSecret = randomBytes(32).toString('hex');

  constructor(private readonly services: ServiceOptions) {}

  /** The whole environment of a qalam process: explicit, so nothing from the caller's shell leaks in. */
  env(role: 'api' | 'worker', extra: Record<string, string>): Record<string, string> {
    return {
      NODE_ENV: 'production',
      QALAM_ROLE: role,
      DATABASE_URL: this.services.databaseUrl,
      REDIS_URL: this.services.redisUrl,
      QUEUE_PREFIX: this.services.queuePrefix,
      MAIL_FROM,
      ADMIN_EMAIL,
      ADMIN_PASSWORD: this.adminPassword,
      APP_SECRET: this.appSecret,
      LOG_LEVEL: 'warn',
      ...extra,
    };
  }

  /** The api migrates a fresh database first: it is ready when the admin can log in. Returns the api, logged in. */
  async waitForApi(child: BenchChild, port: number): Promise<QalamApi> {
    const api = new QalamApi(`http://127.0.0.1:${port}`);
    await waitFor(
      async () => {
        if (!child.running) throw new Error(`the api process ${child.describeExit()}`);
        return this.logIn(api).then(
          () => true,
          () => undefined,
        );
      },
      () => 'the api never let the admin log in',
      120_000,
      200,
    );
    return api;
  }

  /** Logs in as the run's admin (another client of the same api, say). */
  async logIn(api: QalamApi): Promise<void> {
    await api.login(ADMIN_EMAIL, this.adminPassword);
  }

  /** Signs the run's admin in to the staff console (POST /login): the client then holds the session cookie. */
  async signInToConsole(api: QalamApi): Promise<void> {
    await api.signInToConsole(ADMIN_EMAIL, this.adminPassword);
  }
}
