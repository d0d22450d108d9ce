import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { QALAM_CONFIG, QalamConfig } from '../config/config';

/** What a subscriber to a channel hears: each notice, and every time hearing stops or starts again. */
export interface ChangeListener {
  /** A notice on the channel, with its payload. */
  notice(payload: string): void;
  /** Notices may have been missed (the connection was lost, or is back): drop whatever they keep current. */
  reset(): void;
}

const RECONNECT_MS = 1_000;

/**
 * One LISTEN connection per process for the tables' change notices (the triggers of the
 * migrations SupporterChanges and CycleContentChanges), shared by every in-memory copy
 * that they keep current. While it is down nothing can be kept: `listening` is false, and
 * every subscriber is reset when it goes down and again when it is back.
 */
@Injectable()
export class ChangeNoticesService implements OnModuleInit, OnApplicationShutdown {
  private readonly subscribers = new Map<string, ChangeListener[]>();
  private client: Client | null = null;
  private up = false;
  private closing = false;
  private reconnect: NodeJS.Timeout | null = null;
  private started: Promise<void> | null = null;

  constructor(@Inject(QALAM_CONFIG) private readonly config: QalamConfig) {}

  /** Whether notices are heard now. */
  get listening(): boolean {
    return this.up;
  }

  /** Hears `channel` from now on (the connection listens to every subscribed channel). */
  subscribe(channel: string, listener: ChangeListener): void {
    if (!/^[a-z_]+$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
    this.subscribers.set(channel, [...(this.subscribers.get(channel) ?? []), listener]);
    if (this.client && this.up) void this.client.query(`LISTEN ${channel}`).catch(() => undefined);
  }

  /**
   * A change this process has just committed, heard at once as if its notice had arrived:
   * the process's own next request must not wait for the notice to come back from Postgres.
   */
  changedHere(channel: string, payload = ''): void {
    for (const listener of this.subscribers.get(channel) ?? []) listener.notice(payload);
  }

  async onModuleInit(): Promise<void> {
    this.started ??= this.connect();
    await this.started;
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    if (this.reconnect) clearTimeout(this.reconnect);
    this.down();
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.config.databaseUrl, application_name: 'qalam-change-notices' });
    client.on('notification', (message) => {
      for (const listener of this.subscribers.get(message.channel) ?? []) listener.notice(message.payload ?? '');
    });
    const lost = () => {
      if (this.client !== client) return;
      this.down();
      if (!this.closing) this.reconnect = setTimeout(() => void this.connect(), RECONNECT_MS);
    };
    client.on('error', lost);
    client.on('end', lost);
    this.client = client;
    try {
      await client.connect();
      for (const channel of this.subscribers.keys()) await client.query(`LISTEN ${channel}`);
      if (this.client !== client || this.closing) return;
      this.resetAll();
      this.up = true;
    } catch {
      // Postgres is away: nothing is kept meanwhile; try again shortly.
      lost();
    }
  }

  private down(): void {
    const client = this.client;
    this.client = null;
    this.up = false;
    this.resetAll();
    if (client) void client.end().catch(() => undefined);
  }

  private resetAll(): void {
    for (const listeners of this.subscribers.values()) for (const listener of listeners) listener.reset();
  }
}
