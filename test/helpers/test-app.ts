import { AddressInfo } from 'node:net';
import { Server } from 'node:http';
import { Client, Pool } from 'pg';
import Redis from 'ioredis';
import type { INestApplication } from '@nestjs/common';
import { createQalam, QalamApp } from '../../src/app';
import { loadConfig, QalamConfig } from '../../src/config/config';
import { adminDatabaseUrl, databaseUrlFor, testRedisUrl, uniqueName } from './env';

export const ADMIN = { email: 'admin@qalam.example', password: 'admin-password-1' };

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A thin HTTP client for the public contract. */
export class Api {
  constructor(readonly baseUrl: string) {}

  async request<T = any>(method: string, path: string, options: { token?: string; body?: unknown; contentType?: string; raw?: string } = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.raw !== undefined) {
      body = options.raw;
      headers['content-type'] = options.contentType ?? 'text/plain';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(this.baseUrl + path, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  get<T = any>(path: string, token?: string) {
    return this.request<T>('GET', path, { token });
  }

  post<T = any>(path: string, body?: unknown, token?: string) {
    return this.request<T>('POST', path, { token, body });
  }

  patch<T = any>(path: string, body?: unknown, token?: string) {
    return this.request<T>('PATCH', path, { token, body });
  }

  async login(email: string, password: string): Promise<string> {
    const response = await this.post<{ accessToken: string }>('/api/auth/login', { email, password });
    if (response.status !== 200) throw new Error(`login failed: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body.accessToken;
  }
}

export interface TestApp {
  api: Api;
  config: QalamConfig;
  db: Pool;
  adminToken: string;
  /** The running Nest application, for specs that read its router. */
  nest: INestApplication;
  close(): Promise<void>;
}

/** Configuration for a test process: its own database and queue prefix. */
export function testConfig(label: string, env: Record<string, string> = {}): QalamConfig {
  const name = uniqueName(label);
  return loadConfig({
    DATABASE_URL: databaseUrlFor(name),
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: name.replace(/_/g, '-'),
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    APP_SECRET: 'test-secret-that-is-long-enough-0123456789',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'test',
    OUTBOX_DIR: `/tmp/${name}/outbox`,
    ...env,
  });
}

/** Starts qalam in this process on a free port against real Postgres and Redis. */
export function startTestApp(label: string, env: Record<string, string> = {}): Promise<TestApp> {
  return startWith(testConfig(label, env), 0);
}

/** Boots qalam with this configuration and listens on `port` (0: any free one). */
export async function startWith(config: QalamConfig, port: number): Promise<TestApp> {
  const qalam: QalamApp = await createQalam(config);
  if (qalam.kind !== 'http') throw new Error('a test app needs an HTTP role');
  await qalam.app.listen(port, '127.0.0.1');
  const server = qalam.app.getHttpServer() as Server;
  const api = new Api(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const db = new Pool({ connectionString: config.databaseUrl, max: 4 });
  // Dropping the database at the end ends idle connections; that is not an error of the test.
  db.on('error', () => undefined);
  const adminToken = await api.login(ADMIN.email, ADMIN.password);
  return {
    api,
    config,
    db,
    adminToken,
    nest: qalam.app,
    close: async () => {
      await qalam.app.close();
      await db.end();
      if (!process.env.KEEP_TEST_DB) await dropTestState(config);
    },
  };
}

/**
 * A second API process on a test app's database and queue (two replicas behind one load
 * balancer), listening on a free port. Close it before the first: the first drops the database.
 */
export async function startSecondApp(config: QalamConfig): Promise<{ nest: INestApplication; api: Api }> {
  const qalam = await createQalam(config);
  if (qalam.kind !== 'http') throw new Error('a second app needs an HTTP role');
  await qalam.app.listen(0, '127.0.0.1');
  const server = qalam.app.getHttpServer() as Server;
  return { nest: qalam.app, api: new Api(`http://127.0.0.1:${(server.address() as AddressInfo).port}`) };
}

/** Drops the database and the queue keys of one test configuration. */
export async function dropTestState(config: QalamConfig): Promise<void> {
  const name = new URL(config.databaseUrl).pathname.slice(1);
  const client = new Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
  const redis = new Redis(config.redisUrl, { lazyConnect: true });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${config.queuePrefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
