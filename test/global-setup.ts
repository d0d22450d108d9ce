import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Makes sure Postgres and Redis answer before any spec runs (starts them when they do not). */
export default function globalSetup(): void {
  execFileSync('bash', [join(__dirname, '..', 'scripts', 'services')], { stdio: 'inherit' });
  process.env.QALAM_TEST_RUN = `${Date.now().toString(36)}${process.pid.toString(36)}`;
}
