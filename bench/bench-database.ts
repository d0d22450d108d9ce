import { Client } from 'pg';

const FIRST_NAMES = ['Amina', 'Jonas', 'Maria', 'Kofi', 'Ingrid', 'Tomás', 'Yuki', 'Fatima', 'Liam', 'Olga', 'Priya', 'Samuel', 'Chloé', 'Arash', 'Hanna', 'Diego'];
const LAST_NAMES = ['Okafor', 'Lindqvist', 'García', 'Mensah', 'Berg', 'Novak', 'Tanaka', 'Haddad', 'Murphy', 'Ivanova', 'Raman', 'Adeyemi', 'Dubois', 'Karimi', 'Schmidt', 'Costa'];
const CITIES: [country: string, city: string][] = [
  ['GB', 'Leeds'], ['CA', 'Winnipeg'], ['DE', 'Leipzig'], ['FR', 'Lyon'], ['NL', 'Utrecht'], ['NO', 'Bergen'],
  ['US', 'Portland'], ['AU', 'Hobart'], ['IE', 'Galway'], ['SE', 'Malmö'], ['ES', 'Valencia'], ['NZ', 'Dunedin'],
];

export type LetterCounts = Record<string, number>;

export interface DeliveryRows {
  letters: number;
  sent: number;
  retried: number;
  firstSentAt: Date | null;
  lastSentAt: Date | null;
  /** Seconds from a letter's created_at (queued) to its sent_at. */
  latencyP50: number | null;
  latencyP99: number | null;
  latencyMax: number | null;
}

/** What the sink received of one stream of letters, against what was sent. */
export interface ReceivedCheck {
  expected: number;
  received: number;
  distinct: number;
  /** Ids the sink received more than once. */
  duplicates: number;
  /** Letters the sink never received. */
  missing: number;
  /** Ids the sink received that are none of the letters sent. */
  unexpected: number;
}

/** ReceivedCheck for the appeal's letters, and where a loss happened. */
export interface LetterCheck extends ReceivedCheck {
  /** Letters marked sent in Postgres that the sink never received. */
  sentNotReceived: number;
  /** Letters the sink received that Postgres does not record as sent. */
  receivedNotSent: number;
}

function databaseName(databaseUrl: string): { name: string; maintenanceUrl: string } {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  return { name, maintenanceUrl: url.toString() };
}

/** Drops the bench database, closing whatever still holds it. qalam creates it again at start. */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const { name, maintenanceUrl } = databaseName(databaseUrl);
  const client = new Client({ connectionString: maintenanceUrl, application_name: 'qalam-bench' });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** The server version, for the results; also proves Postgres answers. */
export async function postgresVersion(databaseUrl: string): Promise<string> {
  const client = new Client({ connectionString: databaseName(databaseUrl).maintenanceUrl, application_name: 'qalam-bench' });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0].server_version;
  } finally {
    await client.end();
  }
}

/** The bench's own reads and writes, against qalam's schema (not its classes). */
export class BenchDatabase {
  private constructor(private readonly client: Client) {}

  static async connect(databaseUrl: string): Promise<BenchDatabase> {
    const client = new Client({ connectionString: databaseUrl, application_name: 'qalam-bench' });
    await client.connect();
    return new BenchDatabase(client);
  }

  /** Auto-signing members, in one statement, as an import of a large membership would leave them. */
  async insertSupporters(count: number): Promise<void> {
    await this.client.query(
      `INSERT INTO supporters (email, name, country, city, language, auto_sign, signature_style)
       SELECT 'member' || n || '@members.example',
              ($1::text[])[1 + n % array_length($1::text[], 1)] || ' ' || ($2::text[])[1 + (n / 7) % array_length($2::text[], 1)],
              ($3::text[])[1 + n % array_length($3::text[], 1)], ($4::text[])[1 + n % array_length($4::text[], 1)],
              'en', true,
              CASE WHEN n % 10 = 0 THEN 'anonymous' WHEN n % 10 = 1 THEN 'initials' ELSE 'full' END
         FROM generate_series(1, $5::int) AS n`,
      [FIRST_NAMES, LAST_NAMES, CITIES.map(([country]) => country), CITIES.map(([, city]) => city), count],
    );
    await this.client.query('ANALYZE supporters');
  }

  async anySupporterId(): Promise<string> {
    const { rows } = await this.client.query<{ id: string }>(`SELECT id FROM supporters WHERE auto_sign ORDER BY email LIMIT 1`);
    return rows[0].id;
  }

  async countsByStatus(appealId: string): Promise<LetterCounts> {
    const { rows } = await this.client.query<{ status: string; count: number }>(
      `SELECT status, count(*)::int AS count FROM letters WHERE appeal_id = $1 GROUP BY status ORDER BY status`,
      [appealId],
    );
    return Object.fromEntries(rows.map((row) => [row.status, row.count]));
  }

  async delivery(appealId: string): Promise<DeliveryRows> {
    const { rows } = await this.client.query<{
      letters: number;
      sent: number;
      retried: number;
      first_sent: Date | null;
      last_sent: Date | null;
      latency: number[] | null;
      latency_max: number | null;
    }>(
      `SELECT count(*)::int AS letters,
              count(*) FILTER (WHERE status = 'sent')::int AS sent,
              count(*) FILTER (WHERE attempts > 1)::int AS retried,
              min(sent_at) FILTER (WHERE status = 'sent') AS first_sent,
              max(sent_at) FILTER (WHERE status = 'sent') AS last_sent,
              percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM sent_at - created_at)::float8)
                FILTER (WHERE status = 'sent') AS latency,
              max(extract(epoch FROM sent_at - created_at)::float8) FILTER (WHERE status = 'sent') AS latency_max
         FROM letters WHERE appeal_id = $1`,
      [appealId],
    );
    const row = rows[0];
    return {
      letters: row.letters,
      sent: row.sent,
      retried: row.retried,
      firstSentAt: row.first_sent,
      lastSentAt: row.last_sent,
      latencyP50: row.latency?.[0] ?? null,
      latencyP99: row.latency?.[1] ?? null,
      latencyMax: row.latency_max,
    };
  }

  /** A session-private table of the letter ids the sink received, one row per message. */
  async startReceived(): Promise<void> {
    await this.client.query(`CREATE TEMP TABLE bench_received (letter_id uuid NOT NULL)`);
  }

  async addReceived(letterIds: string[]): Promise<void> {
    if (letterIds.length === 0) return;
    await this.client.query(`INSERT INTO bench_received (letter_id) SELECT unnest($1::uuid[])`, [letterIds]);
  }

  /**
   * Compares what the sink received with the appeal's letters in one pass (a full join on the
   * letter id) in Postgres, rather than holding a million ids in the bench's memory.
   */
  async checkReceived(appealId: string): Promise<LetterCheck> {
    await this.client.query('ANALYZE bench_received');
    const { rows } = await this.client.query<LetterCheck>(
      `WITH received AS (SELECT letter_id, count(*)::int AS copies FROM bench_received GROUP BY letter_id)
       SELECT count(l.id)::int AS expected,
              coalesce(sum(r.copies), 0)::int AS received,
              count(r.letter_id)::int AS distinct,
              count(*) FILTER (WHERE r.copies > 1)::int AS duplicates,
              count(*) FILTER (WHERE r.letter_id IS NULL)::int AS missing,
              count(*) FILTER (WHERE l.id IS NULL)::int AS unexpected,
              count(*) FILTER (WHERE l.status = 'sent' AND r.letter_id IS NULL)::int AS "sentNotReceived",
              count(*) FILTER (WHERE l.status <> 'sent' AND r.letter_id IS NOT NULL)::int AS "receivedNotSent"
         FROM (SELECT id, status FROM letters WHERE appeal_id = $1) l
         FULL JOIN received r ON r.letter_id = l.id`,
      [appealId],
    );
    return rows[0];
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
