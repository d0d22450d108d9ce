import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { Client } from 'pg';
import { mailTag } from '../src/common/mail/mail-tags';
import { buildDsn } from '../test/helpers/dsn';
import { BenchChild } from './child-process';
import type { InboundBenchOptions } from './inbound-options';
import { describeMachine, Machine } from './machine';
import { elapsedSince, freePort, smtpGreeting, waitFor } from './net';
import { PRODUCTION_NODE_FLAGS, QALAM_MAIN } from './qalam-processes';
import { closingLines, int, mb } from './report';
import { BenchServices, prepareRun } from './services';

const BARE = join(__dirname, 'inbound-bare.js');
const DOMAIN = 'inbound.bench.example';
const MAX_BYTES = 1024 * 1024;
/** The target: the listener takes DSNs at no less than half the bare server's rate. */
export const TARGET_INBOUND_RATIO = 0.5;

/** One side of one round: how long the client took to have every message answered, and what was kept. */
export interface InboundSide {
  seconds: number;
  perSecond: number;
  /** Messages answered 250. */
  accepted: number;
  /**
   * qalam only: seconds from the first message until every one was applied (the queue empty:
   * letters bounced, addresses suppressed, officials flagged), and the rate of that.
   */
  appliedSeconds: number | null;
  appliedPerSecond: number | null;
  /** qalam only: bounce rows recorded for the round's letters, and letters now `bounced`. */
  recorded: number | null;
  bounced: number | null;
}

export interface InboundRound {
  round: number;
  first: 'qalam' | 'bare';
  qalam: InboundSide;
  bare: InboundSide;
}

export interface InboundBenchResult {
  ok: boolean;
  error: string | null;
  startedAt: string;
  finishedAt: string;
  arguments: InboundBenchOptions;
  machine: Machine;
  rounds: InboundRound[];
  medianPerSecond: { qalam: number | null; bare: number | null };
  /** qalam's median rate of applying (first message to empty queue). */
  medianAppliedPerSecond: number | null;
  ratio: number | null;
  /** Messages sent and not kept: not answered 250, or (qalam) answered but not recorded as a bounce. */
  lost: number | null;
  peakRssMb: { qalam: number | null; bare: number | null };
  target: { target: string; value: number | null; met: boolean | null };
  resultsFile: string | null;
}

const median = (values: number[]) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * Sends every message to 127.0.0.1:port over `clients` pooled connections, one message at a
 * time on each (a bounded client, as an MTA's few delivery agents to one destination);
 * returns the seconds until the last answer and how many were answered 250.
 */
async function blast(port: number, messages: { to: string; raw: string }[], clients: number): Promise<{ seconds: number; accepted: number; started: bigint }> {
  const transport = createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: true, maxConnections: clients, maxMessages: Infinity });
  let next = 0;
  let accepted = 0;
  const started = process.hrtime.bigint();
  const agent = async () => {
    while (next < messages.length) {
      const message = messages[next++];
      try {
        await transport.sendMail({ envelope: { from: '', to: [message.to] }, raw: message.raw });
        accepted += 1;
      } catch {
        // Counted as lost: not accepted.
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: clients }, agent));
    return { seconds: elapsedSince(started), accepted, started };
  } finally {
    transport.close();
  }
}

/**
 * One run of `npm run bench -- --mode inbound`: qalam's listener (QALAM_ROLE=inbound, the
 * production build) and a bare smtp-server with the same options that discards what it
 * takes, in the same run; each round gives both the same DSNs, each about a letter `sent`
 * in Postgres, their order alternating. qalam must record every one and mark its letter
 * `bounced`; the bare server must accept every one.
 */
export class InboundRun {
  private readonly appSecret = randomBytes(32).toString('hex');
  private readonly children: BenchChild[] = [];
  private services: BenchServices | null = null;
  private workDir = '';
  private interrupted = false;
  readonly result: InboundBenchResult;

  constructor(private readonly options: InboundBenchOptions) {
    this.result = {
      ok: false,
      error: null,
      startedAt: new Date().toISOString(),
      finishedAt: '',
      arguments: options,
      machine: describeMachine(),
      rounds: [],
      medianPerSecond: { qalam: null, bare: null },
      medianAppliedPerSecond: null,
      ratio: null,
      lost: null,
      peakRssMb: { qalam: null, bare: null },
      target: { target: `qalam's listener at >= ${TARGET_INBOUND_RATIO}x the bare smtp-server's rate, losing none`, value: null, met: null },
      resultsFile: null,
    };
  }

  private log(message: string): void {
    console.log(`bench: ${message}`);
  }

  async run(): Promise<InboundBenchResult> {
    const { options, result } = this;
    let db: Client | null = null;
    try {
      ({ services: this.services, workDir: this.workDir } = await prepareRun(options, result.machine, 'qalam-bench-inbound', (message) => this.log(message)));
      const qalamPort = await freePort();
      const qalam = this.spawn(
        new BenchChild('qalam-inbound', process.execPath, [...PRODUCTION_NODE_FLAGS, ...(process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : []), QALAM_MAIN], join(this.workDir, 'qalam-inbound.log'), {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'production',
          QALAM_ROLE: 'inbound',
          DATABASE_URL: options.databaseUrl,
          REDIS_URL: options.redisUrl,
          QUEUE_PREFIX: options.queuePrefix,
          APP_SECRET: this.appSecret,
          MAIL_FROM: 'letters@qalam-bench.example',
          INBOUND_DOMAIN: DOMAIN,
          INBOUND_SMTP_PORT: String(qalamPort),
          INBOUND_MAX_BYTES: String(MAX_BYTES),
          LOG_LEVEL: 'warn',
        }),
      );
      const barePort = await freePort();
      const bare = this.spawn(new BenchChild('bare-smtp-server', process.execPath, [BARE, String(barePort), String(MAX_BYTES)], join(this.workDir, 'bare.log'), { PATH: process.env.PATH ?? '' }));
      // qalam migrates the fresh database before it listens.
      for (const [child, port] of [[qalam, qalamPort], [bare, barePort]] as const) {
        await waitFor(
          async () => {
            if (!child.running) throw new Error(`${child.name} ${child.describeExit()} (log: ${child.logFile})`);
            return smtpGreeting(port).then(() => true, () => undefined);
          },
          () => `${child.name} listening on ${port}`,
          120_000,
          200,
        );
      }
      db = new Client({ connectionString: options.databaseUrl, application_name: 'qalam-bench-inbound' });
      await db.connect();

      for (let round = 1; round <= options.rounds; round++) {
        this.checkInterrupted();
        const letters = await this.seed(db, round);
        const messages = letters.map((id) => {
          const to = `bounce+${mailTag(this.appSecret, { kind: 'letter', id })}@${DOMAIN}`;
          return { to, raw: buildDsn({ to, status: '5.1.1', original: { returnPath: to, messageId: `<letter-${id}@qalam-bench.example>` } }) };
        });
        const first = round % 2 === 1 ? 'qalam' : 'bare';
        const sides: Partial<InboundRound> = { round, first };
        for (const side of first === 'qalam' ? (['qalam', 'bare'] as const) : (['bare', 'qalam'] as const)) {
          this.checkInterrupted();
          const { seconds, accepted, started } = await blast(side === 'qalam' ? qalamPort : barePort, messages, options.clients);
          let recorded: number | null = null;
          let bounced: number | null = null;
          let appliedSeconds: number | null = null;
          if (side === 'qalam') {
            this.log(`round ${round}, qalam: ${int(messages.length)} DSNs answered in ${seconds.toFixed(2)} s (${int(messages.length / seconds)}/s); waiting for them to be applied`);
            // Accepted is on disk in inbound_queue; it is applied behind the answers.
            const live = db;
            await waitFor(
              async () => ((await live.query<{ n: number }>(`SELECT count(*)::int AS n FROM inbound_queue`)).rows[0].n === 0 ? true : undefined),
              () => 'the inbound queue applied',
              300_000,
              20,
            );
            appliedSeconds = elapsedSince(started);
            const { rows } = await db.query<{ recorded: number; bounced: number }>(
              `SELECT (SELECT count(*)::int FROM inbound_mail WHERE kind = 'bounce' AND letter_id = ANY($1::uuid[])) AS recorded,
                      (SELECT count(*)::int FROM letters WHERE status = 'bounced' AND id = ANY($1::uuid[])) AS bounced`,
              [letters],
            );
            ({ recorded, bounced } = rows[0]);
          }
          const appliedPerSecond = appliedSeconds === null ? null : messages.length / appliedSeconds;
          sides[side] = { seconds, perSecond: messages.length / seconds, accepted, appliedSeconds, appliedPerSecond, recorded, bounced };
          this.log(
            `round ${round}, ${side}: ${int(messages.length)} DSNs in ${seconds.toFixed(2)} s, ${int(messages.length / seconds)}/s, ${int(accepted)} accepted` +
              (recorded === null ? '' : `, all applied after ${appliedSeconds!.toFixed(2)} s (${int(appliedPerSecond!)}/s), ${int(recorded)} recorded, ${int(bounced ?? 0)} letters bounced`),
          );
        }
        result.rounds.push(sides as InboundRound);
      }

      result.peakRssMb = { qalam: mb(await qalam.peakRssKb()), bare: mb(await bare.peakRssKb()) };
      const n = options.messages;
      result.medianPerSecond = { qalam: median(result.rounds.map((r) => r.qalam.perSecond)), bare: median(result.rounds.map((r) => r.bare.perSecond)) };
      result.medianAppliedPerSecond = median(result.rounds.flatMap((r) => (r.qalam.appliedPerSecond === null ? [] : [r.qalam.appliedPerSecond])));
      result.ratio = result.medianPerSecond.qalam !== null && result.medianPerSecond.bare ? result.medianPerSecond.qalam / result.medianPerSecond.bare : null;
      result.lost = result.rounds.reduce((sum, r) => sum + (n - r.bare.accepted) + (n - Math.min(r.qalam.accepted, r.qalam.recorded ?? 0, r.qalam.bounced ?? 0)), 0);
      result.target.value = result.ratio;
      result.target.met = result.ratio !== null && result.ratio >= TARGET_INBOUND_RATIO && result.lost === 0;
      result.ok = result.lost === 0;
      if (result.lost !== 0) result.error = `${result.lost} messages lost`;
    } catch (error) {
      result.error = (error as Error).message;
    } finally {
      await db?.end().catch(() => undefined);
      for (const child of this.children) await child.stop(5_000);
      await this.services?.close((message) => this.log(message));
      if (this.workDir && !options.keep) await rm(this.workDir, { recursive: true, force: true });
      result.finishedAt = new Date().toISOString();
    }
    return result;
  }

  /** A round's letters: an open appeal to `officials` officials, `messages` members each with one letter `sent`; their ids. */
  private async seed(db: Client, round: number): Promise<string[]> {
    const { messages, officials } = this.options;
    const { rows: [appeal] } = await db.query<{ id: string }>(
      `WITH c AS (INSERT INTO cases (name, country, status, summary) VALUES ('Bench case ' || $1, 'TJ', 'detained', 'A case of the inbound bench') RETURNING id)
       INSERT INTO appeals (case_id, title, status) SELECT id, 'Inbound bench, round ' || $1, 'open' FROM c RETURNING id`,
      [round],
    );
    await db.query(
      `WITH o AS (INSERT INTO officials (name, title, country, language, email)
                  SELECT 'Official ' || n, 'Minister', 'TJ', 'en', 'r' || $2 || '-official-' || n || '@gov.bench.example' FROM generate_series(1, $3::int) AS n RETURNING id)
       INSERT INTO appeal_officials (appeal_id, official_id) SELECT $1, id FROM o`,
      [appeal.id, round, officials],
    );
    const { rows } = await db.query<{ id: string }>(
      `WITH s AS (INSERT INTO supporters (email, name, country) SELECT 'r' || $2 || '-member-' || n || '@members.bench.example', 'Member ' || n, 'CA' FROM generate_series(1, $3::int) AS n RETURNING id),
            sg AS (INSERT INTO signatures (appeal_id, supporter_id, signature_style) SELECT $1, id, 'full' FROM s RETURNING id, supporter_id),
            o AS (SELECT official_id, (row_number() OVER (ORDER BY official_id) - 1)::int AS k FROM appeal_officials WHERE appeal_id = $1),
            numbered AS (SELECT sg.id, sg.supporter_id, ((row_number() OVER (ORDER BY sg.id)) % $4::int)::int AS k FROM sg)
       INSERT INTO letters (appeal_id, supporter_id, official_id, signature_id, batch_id, status, sent_at)
       SELECT $1, n.supporter_id, o.official_id, n.id, 0, 'sent', now() FROM numbered n JOIN o ON o.k = n.k RETURNING id`,
      [appeal.id, round, messages, officials],
    );
    await db.query('ANALYZE letters');
    return rows.map((row) => row.id);
  }

  private spawn(child: BenchChild): BenchChild {
    this.children.push(child);
    return child;
  }

  private checkInterrupted(): void {
    if (this.interrupted) throw new Error('interrupted');
  }

  interrupt(): void {
    this.interrupted = true;
    for (const child of this.children) void child.stop(2_000);
  }
}

export function formatInboundSummary(result: InboundBenchResult): string {
  const lines = [`inbound bench: ${int(result.arguments.messages)} DSNs per round, ${result.arguments.clients} client connections, ${result.rounds.length} rounds`];
  for (const round of result.rounds) {
    lines.push(
      `  round ${round.round} (${round.first} first): qalam ${int(round.qalam.perSecond)}/s accepted, ${int(round.qalam.appliedPerSecond ?? 0)}/s applied (${int(round.qalam.recorded ?? 0)} recorded), bare ${int(round.bare.perSecond)}/s (${int(round.bare.accepted)} accepted)`,
    );
  }
  const { qalam, bare } = result.medianPerSecond;
  lines.push(`  median: qalam ${qalam === null ? 'n/a' : int(qalam)}/s, bare smtp-server ${bare === null ? 'n/a' : int(bare)}/s, ratio ${result.ratio === null ? 'n/a' : result.ratio.toFixed(2)}`);
  lines.push(`  qalam applied (first message to empty queue): median ${result.medianAppliedPerSecond === null ? 'n/a' : int(result.medianAppliedPerSecond)}/s`);
  lines.push(`  lost: ${result.lost ?? 'n/a'}; peak RSS: qalam ${result.peakRssMb.qalam ?? 'n/a'} MB, bare ${result.peakRssMb.bare ?? 'n/a'} MB`);
  lines.push(`  target (${result.target.target}): ${result.target.met === null ? 'n/a' : result.target.met ? 'met' : 'MISSED'}`);
  lines.push(...closingLines('bench', result, (name) => `  ${name}: `));
  return lines.join('\n');
}
