import { Agent, request } from 'node:http';

/** Latency figures over a series of timed requests, in milliseconds. */
export interface LatencySummary {
  count: number;
  min: number;
  median: number;
  mean: number;
  p95: number;
  p99: number;
  max: number;
}

/**
 * The p-quantile (0 to 1) of the values, interpolated linearly between the closest ranks
 * (what Postgres's percentile_cont does); NaN for no values.
 */
export function quantile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * Math.min(1, Math.max(0, p));
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

export function summarise(values: readonly number[]): LatencySummary {
  return {
    count: values.length,
    min: values.length ? Math.min(...values) : Number.NaN,
    median: quantile(values, 0.5),
    mean: values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : Number.NaN,
    p95: quantile(values, 0.95),
    p99: quantile(values, 0.99),
    max: values.length ? Math.max(...values) : Number.NaN,
  };
}

/**
 * Splits paired series into `rounds` runs of consecutive pairs and gives each run's
 * median(measured) / median(baseline): how steady the ratio is over the measurement.
 */
export function roundRatios(measured: readonly number[], baseline: readonly number[], rounds: number): number[] {
  const pairs = Math.min(measured.length, baseline.length);
  const count = Math.max(1, Math.min(rounds, pairs));
  const ratios: number[] = [];
  for (let round = 0; round < count; round += 1) {
    const from = Math.floor((round * pairs) / count);
    const to = Math.floor(((round + 1) * pairs) / count);
    if (to <= from) continue;
    ratios.push(quantile(measured.slice(from, to), 0.5) / quantile(baseline.slice(from, to), 0.5));
  }
  return ratios;
}

export interface TimedResponse {
  /** From just before the request is written to the last byte of the response, in ms. */
  ms: number;
  status: number;
  body: string;
  /** Whether the request went out on a connection an earlier request had opened. */
  reusedSocket: boolean;
}

/**
 * A client that keeps one connection open (node:http Agent, keepAlive, one socket), so
 * every timed request after the first pays neither a TCP handshake nor a new socket: what
 * is left is the server's work and loopback. Requests are made one at a time.
 */
export class KeepAliveClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1 });
  private token: string | null = null;
  /** Connections opened so far; 1 for a whole measurement when keep-alive holds. */
  connectionsOpened = 0;

  constructor(private readonly baseUrl: string) {}

  async login(email: string, password: string): Promise<void> {
    const response = await this.send('POST', '/api/auth/login', { email, password });
    if (response.status !== 200 && response.status !== 201) throw new Error(`POST /api/auth/login answered ${response.status}: ${response.body.slice(0, 300)}`);
    this.token = (JSON.parse(response.body) as { accessToken: string }).accessToken;
  }

  /** A GET that must answer 200; the caller times it through `ms`. */
  async get(path: string): Promise<TimedResponse> {
    const response = await this.send('GET', path);
    if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${response.body.slice(0, 300)}`);
    return response;
  }

  private send(method: string, path: string, body?: unknown): Promise<TimedResponse> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    return new Promise<TimedResponse>((resolve, reject) => {
      const started = process.hrtime.bigint();
      const req = request(new URL(path, this.baseUrl), { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          if (!req.reusedSocket) this.connectionsOpened += 1;
          resolve({ ms, status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), reusedSocket: req.reusedSocket });
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
