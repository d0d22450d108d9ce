/** Where the test services are: the machine's own unless TEST_DATABASE_URL / TEST_REDIS_URL say otherwise. */
export function adminDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export function testRedisUrl(): string {
  return process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
}

let counter = 0;

/** A database name and queue prefix no other run or spec uses. */
export function uniqueName(label: string): string {
  const run = process.env.QALAM_TEST_RUN ?? `${Date.now().toString(36)}${process.pid.toString(36)}`;
  counter += 1;
  return `qalam_test_${run}_${process.pid}_${counter}_${label}`.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 63);
}

export function databaseUrlFor(name: string): string {
  const url = new URL(adminDatabaseUrl());
  url.pathname = `/${name}`;
  return url.toString();
}
