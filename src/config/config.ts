import { randomBytes } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, IsUrl, Matches, MinLength, ValidateIf, validateSync } from 'class-validator';

export type QalamRole = 'all' | 'api' | 'worker' | 'inbound';

/** The environment as qalam reads it; every key is checked once at boot. */
export class EnvSchema {
  @IsOptional() @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @IsOptional() @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL?: string;

  @IsOptional() @Matches(/^smtps?:\/\//, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @IsOptional() @IsString() @MinLength(1)
  OUTBOX_DIR?: string;

  @IsOptional() @IsEmail({ require_tld: false }, { message: 'MAIL_FROM must be an email address' })
  MAIL_FROM?: string;

  @IsOptional() @IsString() @MinLength(1)
  ORG_NAME?: string;

  /** The return address of printed letters: lines separated by newlines (or by a literal `\n`, as env files write them). */
  @IsOptional() @IsString() @MinLength(1)
  ORG_POSTAL_ADDRESS?: string;

  @IsOptional() @IsIn(['A4', 'letter'], { message: 'PAPER_SIZE must be A4 or letter' })
  PAPER_SIZE?: string;

  @IsOptional() @IsString() @MinLength(1)
  PRINT_DIR?: string;

  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true }, { message: 'PUBLIC_URL must be an http(s) URL' })
  PUBLIC_URL?: string;

  @IsOptional() @Matches(/^\d+$/, { message: 'PORT must be a number' })
  PORT?: string;

  @IsOptional() @IsIn(['all', 'api', 'worker', 'inbound'], { message: 'QALAM_ROLE must be all, api, worker or inbound' })
  QALAM_ROLE?: string;

  /** The domain DKIM signatures speak for (d=); with DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE, every outgoing mail is signed. */
  @IsOptional() @Matches(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i, { message: 'DKIM_DOMAIN must be a domain name' })
  DKIM_DOMAIN?: string;

  @IsOptional() @Matches(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i, { message: 'DKIM_SELECTOR must be a DNS label' })
  DKIM_SELECTOR?: string;

  @IsOptional() @IsString() @MinLength(1)
  DKIM_PRIVATE_KEY_FILE?: string;

  /** The domain of bounce and reply addresses (`bounce+<tag>@`, `reply+<tag>@`) and of the inbound listener. */
  @IsOptional() @Matches(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i, { message: 'INBOUND_DOMAIN must be a domain name' })
  INBOUND_DOMAIN?: string;

  @IsOptional() @Matches(/^\d+$/, { message: 'INBOUND_SMTP_PORT must be a number' })
  INBOUND_SMTP_PORT?: string;

  /** Largest inbound message accepted, in bytes (default 1 MiB): a bounce or a reply is small. */
  @IsOptional() @Matches(/^[1-9]\d*$/, { message: 'INBOUND_MAX_BYTES must be a positive number' })
  INBOUND_MAX_BYTES?: string;

  @IsOptional() @Matches(/^[1-9]\d*$/, { message: 'RETENTION_DAYS must be a positive number of days' })
  RETENTION_DAYS?: string;

  @IsOptional() @IsEmail({ require_tld: false }, { message: 'ADMIN_EMAIL must be an email address' })
  ADMIN_EMAIL?: string;

  @ValidateIf((env: EnvSchema) => env.ADMIN_EMAIL !== undefined || env.ADMIN_PASSWORD !== undefined)
  @IsString({ message: 'ADMIN_PASSWORD is required with ADMIN_EMAIL' })
  @MinLength(8, { message: 'ADMIN_PASSWORD must be at least 8 characters' })
  ADMIN_PASSWORD?: string;

  @ValidateIf((env: EnvSchema) => env.NODE_ENV === 'production' || env.APP_SECRET !== undefined)
  @IsString({ message: 'APP_SECRET is required when NODE_ENV=production' })
  @MinLength(32, { message: 'APP_SECRET must be at least 32 characters' })
  APP_SECRET?: string;

  @IsOptional() @Matches(/^[A-Za-z0-9_-]+$/, { message: 'QUEUE_PREFIX may hold letters, digits, _ and - only' })
  QUEUE_PREFIX?: string;

  @IsOptional() @IsIn(['development', 'production', 'test'], { message: 'NODE_ENV must be development, production or test' })
  NODE_ENV?: string;

  @IsOptional() @Matches(/^\d+$/, { message: 'DELIVERY_CONCURRENCY must be a number' })
  DELIVERY_CONCURRENCY?: string;

  @IsOptional() @Matches(/^\d+$/, { message: 'SMTP_POOL_SIZE must be a number' })
  SMTP_POOL_SIZE?: string;

  @IsOptional() @Matches(/^\d+$/, { message: 'DELIVERY_LEASE_SECONDS must be a number' })
  DELIVERY_LEASE_SECONDS?: string;

  @IsOptional() @Matches(/^\d+$/, { message: 'RECONCILE_SECONDS must be a number' })
  RECONCILE_SECONDS?: string;

  @IsOptional() @Matches(/^\d+$/, { message: 'RETRY_DELAY_MS must be a number' })
  RETRY_DELAY_MS?: string;

  @IsOptional() @Matches(/^\d+$/, { message: 'RETRY_MAX_DELAY_MS must be a number' })
  RETRY_MAX_DELAY_MS?: string;

  @IsOptional() @Matches(/^\d+(\.\d+)?$/, { message: 'RETRY_WINDOW_MINUTES must be a number of minutes' })
  RETRY_WINDOW_MINUTES?: string;

  @IsOptional() @Matches(/^\d+$/, { message: 'SMTP_TIMEOUT_SECONDS must be a number' })
  SMTP_TIMEOUT_SECONDS?: string;

  @IsOptional() @Matches(/^[1-9]\d*$/, { message: 'RATE_LIMIT_LOGIN_PER_MINUTE must be a positive number' })
  RATE_LIMIT_LOGIN_PER_MINUTE?: string;

  @IsOptional() @Matches(/^[1-9]\d*$/, { message: 'RATE_LIMIT_LOGIN_IP_PER_MINUTE must be a positive number' })
  RATE_LIMIT_LOGIN_IP_PER_MINUTE?: string;

  @IsOptional() @Matches(/^[1-9]\d*$/, { message: 'RATE_LIMIT_SIGNUP_PER_MINUTE must be a positive number' })
  RATE_LIMIT_SIGNUP_PER_MINUTE?: string;

  @IsOptional() @Matches(/^[1-9]\d*$/, { message: 'RATE_LIMIT_SIGNING_PER_MINUTE must be a positive number' })
  RATE_LIMIT_SIGNING_PER_MINUTE?: string;

  @IsOptional() @IsIn(['error', 'warn', 'log', 'debug', 'verbose'], { message: 'LOG_LEVEL must be error, warn, log, debug or verbose' })
  LOG_LEVEL?: string;
}

export interface QalamConfig {
  databaseUrl: string;
  redisUrl: string;
  smtpUrl: string | null;
  outboxDir: string;
  mailFrom: string;
  orgName: string;
  /** The return address on printed letters and envelopes, newline-separated; null: print runs are refused until it is set. */
  orgPostalAddress: string | null;
  paperSize: 'A4' | 'letter';
  /** Where print runs' files are written, one folder per run. */
  printDir: string;
  publicUrl: string;
  port: number;
  role: QalamRole;
  adminEmail: string | null;
  adminPassword: string | null;
  appSecret: string;
  queuePrefix: string;
  production: boolean;
  /** Batches a worker process sends at once. */
  deliveryConcurrency: number;
  /** SMTP connections in the pool of one worker process. */
  smtpPoolSize: number;
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  /**
   * Seconds a worker's claim lives without a heartbeat; also BullMQ's lock duration. A
   * stalled batch is taken over after it.
   */
  deliveryLeaseSeconds: number;
  /** How often a worker looks for letters queued in Postgres with no job in Redis. */
  reconcileSeconds: number;
  /** First backoff after a transient SMTP failure; doubles on each attempt. */
  retryDelayMs: number;
  /** The longest backoff between two attempts: the doubling stops here. */
  retryMaxDelayMs: number;
  /**
   * A transient failure (4xx, connection refused) is final only after MAX_LETTER_ATTEMPTS
   * attempts AND this long since the first one: a relay down for half an hour loses nothing.
   */
  retryWindowMs: number;
  /** Socket timeout of an SMTP exchange: well below the lease, so a hung server ends a batch. */
  smtpTimeoutSeconds: number;
  /** DKIM signing of every outgoing mail; null: mail goes unsigned. The key file is read at boot. */
  dkim: { domain: string; selector: string; privateKeyFile: string } | null;
  /** Bounce and reply addresses' domain; null: letters go with MAIL_FROM as envelope sender and no Reply-To. */
  inboundDomain: string | null;
  /** The inbound SMTP listener's port: it runs in role `inbound`, or in `all` when this is set. */
  inboundSmtpPort: number | null;
  inboundMaxBytes: number;
  /** Notes, messages and supporter links of letters older than this many days are scrubbed; null: kept. */
  retentionDays: number | null;
  /** Requests per minute: logins per email (hashed) and per IP, signups (API and /join) and signings (API and /sign) per IP. */
  rateLimits: { loginPerEmailPerMinute: number; loginPerIpPerMinute: number; signupPerMinute: number; signingPerMinute: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

/** Validates the environment and returns the typed configuration; throws ConfigError listing every bad key. */
export function loadConfig(env: NodeJS.ProcessEnv): QalamConfig {
  const defined = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const schema = plainToInstance(EnvSchema, defined);
  const errors = validateSync(schema, { skipMissingProperties: false });
  if (errors.length > 0) {
    throw new ConfigError(errors.flatMap((error) => Object.values(error.constraints ?? {}).slice(0, 1).map((message) => `${error.property}: ${message}`)));
  }
  const dkimKeys = [schema.DKIM_DOMAIN, schema.DKIM_SELECTOR, schema.DKIM_PRIVATE_KEY_FILE].filter((value) => value !== undefined).length;
  if (dkimKeys > 0 && dkimKeys < 3) throw new ConfigError(['DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE go together: set all three to sign mail, or none']);
  const production = schema.NODE_ENV === 'production';
  const config: QalamConfig = {
    databaseUrl: schema.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/qalam',
    redisUrl: schema.REDIS_URL ?? 'redis://127.0.0.1:6379',
    smtpUrl: schema.SMTP_URL ?? null,
    outboxDir: schema.OUTBOX_DIR ?? './var/outbox',
    mailFrom: schema.MAIL_FROM ?? 'letters@qalam.example',
    orgName: schema.ORG_NAME ?? 'qalam',
    orgPostalAddress: schema.ORG_POSTAL_ADDRESS ? schema.ORG_POSTAL_ADDRESS.replace(/\\n/g, '\n') : null,
    paperSize: (schema.PAPER_SIZE ?? 'A4') as QalamConfig['paperSize'],
    printDir: schema.PRINT_DIR ?? './var/print',
    // Unset, the links in emails point at this server on its own port (http://localhost:3000 by default).
    publicUrl: (schema.PUBLIC_URL ?? `http://localhost:${schema.PORT ?? 3000}`).replace(/\/+$/, ''),
    port: Number(schema.PORT ?? 3000),
    role: (schema.QALAM_ROLE ?? 'all') as QalamRole,
    adminEmail: schema.ADMIN_EMAIL?.toLowerCase() ?? null,
    adminPassword: schema.ADMIN_PASSWORD ?? null,
    appSecret: schema.APP_SECRET ?? randomBytes(32).toString('hex'),
    queuePrefix: schema.QUEUE_PREFIX ?? 'qalam',
    production,
    deliveryConcurrency: Math.max(1, Number(schema.DELIVERY_CONCURRENCY ?? 4)),
    smtpPoolSize: Math.max(1, Number(schema.SMTP_POOL_SIZE ?? 5)),
    logLevel: (schema.LOG_LEVEL ?? 'log') as QalamConfig['logLevel'],
    deliveryLeaseSeconds: Math.max(2, Number(schema.DELIVERY_LEASE_SECONDS ?? 60)),
    reconcileSeconds: Math.max(1, Number(schema.RECONCILE_SECONDS ?? 30)),
    retryDelayMs: Number(schema.RETRY_DELAY_MS ?? 5000),
    retryMaxDelayMs: Number(schema.RETRY_MAX_DELAY_MS ?? 300_000),
    retryWindowMs: Math.round(Number(schema.RETRY_WINDOW_MINUTES ?? 60) * 60_000),
    smtpTimeoutSeconds: Math.max(1, Number(schema.SMTP_TIMEOUT_SECONDS ?? 20)),
    dkim: schema.DKIM_DOMAIN && schema.DKIM_SELECTOR && schema.DKIM_PRIVATE_KEY_FILE
      ? { domain: schema.DKIM_DOMAIN.toLowerCase(), selector: schema.DKIM_SELECTOR.toLowerCase(), privateKeyFile: schema.DKIM_PRIVATE_KEY_FILE }
      : null,
    inboundDomain: schema.INBOUND_DOMAIN?.toLowerCase() ?? null,
    inboundSmtpPort: schema.INBOUND_SMTP_PORT ? Number(schema.INBOUND_SMTP_PORT) : null,
    inboundMaxBytes: Number(schema.INBOUND_MAX_BYTES ?? 1024 * 1024),
    retentionDays: schema.RETENTION_DAYS ? Number(schema.RETENTION_DAYS) : null,
    rateLimits: {
      loginPerEmailPerMinute: Number(schema.RATE_LIMIT_LOGIN_PER_MINUTE ?? 10),
      loginPerIpPerMinute: Number(schema.RATE_LIMIT_LOGIN_IP_PER_MINUTE ?? 120),
      signupPerMinute: Number(schema.RATE_LIMIT_SIGNUP_PER_MINUTE ?? 30),
      signingPerMinute: Number(schema.RATE_LIMIT_SIGNING_PER_MINUTE ?? 120),
    },
  };
  const problems = crossCheck(config);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Injection token of the validated configuration. */
export const QALAM_CONFIG = Symbol('QALAM_CONFIG');

/** Checks that belong to more than one key. */
export function crossCheck(config: QalamConfig): string[] {
  const problems: string[] = [];
  if (config.role === 'inbound' && config.inboundSmtpPort === null) problems.push('INBOUND_SMTP_PORT is required when QALAM_ROLE=inbound');
  if (config.inboundSmtpPort !== null && config.inboundDomain === null) problems.push('INBOUND_DOMAIN is required with INBOUND_SMTP_PORT: the listener accepts mail for that domain only');
  if (config.smtpTimeoutSeconds * 2 >= config.deliveryLeaseSeconds) {
    problems.push('SMTP_TIMEOUT_SECONDS must be less than half of DELIVERY_LEASE_SECONDS, so a hung SMTP server cannot outlive a batch lease');
  }
  return problems;
}
