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

/** What a group of members' signing left in Postgres (signatures and letters of the given appeals). */
export interface SigningCheck {
  /** The members checked. */
  members: number;
  signatures: number;
  /** Signature rows beyond the first for the same (appeal, member). */
  duplicateSignatures: number;
  letters: number;
  /** Letter rows beyond the first for the same (appeal, member, official). */
  duplicateLetters: number;
  /** Letters whose official is not one of their appeal's officials. */
  strayLetters: number;
  /** Members with a signature on every appeal and a letter to each of its officials, once each. */
  complete: number;
  /** Members with some of their signatures or letters and not all: a post half done. */
  partial: number;
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

  /**
   * Members n = from..to of a membership of `total`, as an import leaves them: a mix of names,
   * countries, languages and signature styles, four in five auto-signing (n % 5 <> 0), joined
   * one after another over the last two years (member `total` today), in one statement.
   */
  async insertMembers(from: number, to: number, total: number): Promise<void> {
    await this.client.query(
      `INSERT INTO supporters (email, name, country, city, language, auto_sign, signature_style, created_at, updated_at, confirmed_at)
       SELECT 'member' || n || '@members.example',
              ($1::text[])[1 + n % array_length($1::text[], 1)] || ' ' || ($2::text[])[1 + (n / 7) % array_length($2::text[], 1)],
              ($3::text[])[1 + n % array_length($3::text[], 1)], ($4::text[])[1 + n % array_length($4::text[], 1)],
              CASE WHEN n % 10 < 7 THEN 'en' WHEN n % 10 < 9 THEN 'ru' ELSE 'fr' END,
              n % 5 <> 0,
              CASE WHEN n % 10 = 3 THEN 'anonymous' WHEN n % 10 = 6 THEN 'initials' ELSE 'full' END,
              joined, joined, joined
         FROM generate_series($5::int, $6::int) AS n,
              LATERAL (SELECT now() - make_interval(secs => ($7::int - n) * (2 * 365 * 86400.0 / $7::int))) AS j(joined)`,
      [FIRST_NAMES, LAST_NAMES, CITIES.map(([country]) => country), CITIES.map(([, city]) => city), from, to, total],
    );
    await this.client.query('ANALYZE supporters');
  }

  /**
   * `count` members who sign by hand (auto_sign false), confirmed and active, as an import
   * leaves them, in one statement; their ids in the order of their number (1 to count).
   */
  async insertSigningMembers(count: number): Promise<string[]> {
    const { rows } = await this.client.query<{ id: string }>(
      `INSERT INTO supporters (email, name, country, city, language, auto_sign, signature_style, confirmed_at)
       SELECT 'signer' || n || '@members.example',
              ($1::text[])[1 + n % array_length($1::text[], 1)] || ' ' || ($2::text[])[1 + (n / 7) % array_length($2::text[], 1)],
              ($3::text[])[1 + n % array_length($3::text[], 1)], ($4::text[])[1 + n % array_length($4::text[], 1)],
              'en', false,
              CASE WHEN n % 10 = 3 THEN 'anonymous' WHEN n % 10 = 6 THEN 'initials' ELSE 'full' END,
              now()
         FROM generate_series(1, $5::int) AS n
       RETURNING id, email`,
      [FIRST_NAMES, LAST_NAMES, CITIES.map(([country]) => country), CITIES.map(([, city]) => city), count],
    );
    await this.client.query('ANALYZE supporters');
    const number = (email: string) => Number(/^signer(\d+)@/.exec(email)?.[1]);
    return (rows as { id: string; email: string }[]).sort((a, b) => number(a.email) - number(b.email)).map((row) => row.id);
  }

  /**
   * The signatures and letters the members have on the appeals, counted in Postgres: every
   * (appeal, member) once, every (appeal, member, official) once, each letter to one of its
   * appeal's officials; complete members have all of them, `lettersPerMember` letters.
   */
  async signingCheck(supporterIds: string[], appealIds: string[], lettersPerMember: number): Promise<SigningCheck> {
    const { rows } = await this.client.query<SigningCheck>(
      `WITH m AS (SELECT DISTINCT unnest($1::uuid[]) AS id),
            sg AS (SELECT s.supporter_id, count(*)::int AS n, count(DISTINCT s.appeal_id)::int AS d
                     FROM signatures s JOIN m ON m.id = s.supporter_id WHERE s.appeal_id = ANY($2::uuid[]) GROUP BY s.supporter_id),
            lt AS (SELECT l.supporter_id, count(*)::int AS n, count(DISTINCT (l.appeal_id, l.official_id))::int AS d,
                          count(*) FILTER (WHERE ao.official_id IS NULL)::int AS stray
                     FROM letters l JOIN m ON m.id = l.supporter_id
                     LEFT JOIN appeal_officials ao ON ao.appeal_id = l.appeal_id AND ao.official_id = l.official_id
                    WHERE l.appeal_id = ANY($2::uuid[]) GROUP BY l.supporter_id)
       SELECT count(*)::int AS members,
              coalesce(sum(sg.n), 0)::int AS signatures,
              coalesce(sum(sg.n - sg.d), 0)::int AS "duplicateSignatures",
              coalesce(sum(lt.n), 0)::int AS letters,
              coalesce(sum(lt.n - lt.d), 0)::int AS "duplicateLetters",
              coalesce(sum(lt.stray), 0)::int AS "strayLetters",
              count(*) FILTER (WHERE sg.n = $3::int AND sg.d = $3::int AND lt.n = $4::int AND lt.d = $4::int AND lt.stray = 0)::int AS complete,
              count(*) FILTER (WHERE (sg.n IS NOT NULL OR lt.n IS NOT NULL)
                                 AND NOT (sg.n = $3::int AND sg.d = $3::int AND lt.n = $4::int AND lt.d = $4::int AND lt.stray = 0))::int AS partial
         FROM m LEFT JOIN sg ON sg.supporter_id = m.id LEFT JOIN lt ON lt.supporter_id = m.id`,
      [supporterIds, appealIds, appealIds.length, lettersPerMember],
    );
    return rows[0];
  }

  /**
   * Moves an appeal's queued letters on as workers would have: per mille of them `sent`
   * (within two hours of their creation, with a 250), `failed` (a 550) and `unknown` (a
   * timeout after DATA), and of the sent ones `bounced` later. Each letter's share is fixed by
   * a hash of its id. The statements go through the letters table's triggers, which keep
   * letter_counts, letter_days, letter_minutes and letter_failures as the workers' updates do.
   */
  async settleLetters(appealId: string, perMille: { sent: number; failed: number; unknown: number; bounced: number }): Promise<void> {
    const { sent, failed, unknown, bounced } = perMille;
    await this.client.query(
      `WITH picked AS (SELECT id, abs(hashtext(id::text)) % 1000 AS h FROM letters WHERE appeal_id = $1 AND status = 'queued'),
            shares AS (SELECT $2::int AS sent, $2::int + $3::int AS failed, $2::int + $3::int + $4::int AS unknown)
       UPDATE letters l SET
              status = CASE WHEN p.h < x.sent THEN 'sent' WHEN p.h < x.failed THEN 'failed' ELSE 'unknown' END,
              attempts = 1, claimed_at = l.created_at + p.h * interval '7 seconds',
              sent_at = CASE WHEN p.h < x.sent THEN l.created_at + p.h * interval '7 seconds' + interval '1 second' END,
              smtp_response = CASE WHEN p.h < x.sent THEN '250 2.0.0 Ok: queued as ' || substr(md5(l.id::text), 1, 10) END,
              last_error = CASE WHEN p.h < x.sent THEN NULL
                                WHEN p.h < x.failed THEN (ARRAY['550 5.1.1 <official> Recipient address rejected: User unknown', '550 5.7.1 Message rejected as spam', '552 5.2.2 Mailbox full'])[1 + p.h % 3]
                                ELSE 'timeout after DATA' END,
              message_id = '<letter-' || l.id || '@qalam-bench.example>',
              updated_at = now()
         FROM picked p, shares x WHERE l.id = p.id AND p.h < x.unknown`,
      [appealId, sent, failed, unknown],
    );
    if (bounced > 0) {
      await this.client.query(
        `UPDATE letters SET status = 'bounced', last_error = '550 5.1.1 mailbox unavailable (DSN)', updated_at = now()
          WHERE appeal_id = $1 AND status = 'sent' AND abs(hashtext(id::text)) % 1000 >= $2::int - $3::int`,
        [appealId, sent, bounced],
      );
    }
  }

  /**
   * `count` rows of an audit log spread over the last year, newest first: what staff did
   * besides the bench's own actions (launches, pauses, roles, deactivations, imports, invitations).
   */
  async insertAuditRows(count: number, ids: { actors: string[]; appeals: string[]; cases: string[]; members: string[] }): Promise<void> {
    await this.client.query(
      `INSERT INTO audit_log (at, actor_id, action, subject_type, subject_id, detail)
       SELECT now() - make_interval(secs => n * (365 * 86400.0 / $1::int)), ($2::uuid[])[1 + n % array_length($2::uuid[], 1)],
              (ARRAY['appeal.launch', 'appeal.pause', 'appeal.resume', 'case.outcome', 'supporters.import', 'staff.invite',
                     'supporter.role', 'supporter.activate', 'supporter.deactivate', 'supporter.deactivate'])[1 + n % 10],
              (ARRAY['appeal', 'appeal', 'appeal', 'case', 'supporters', 'supporter', 'supporter', 'supporter', 'supporter', 'supporter'])[1 + n % 10],
              CASE WHEN n % 10 < 3 THEN ($3::uuid[])[1 + n % array_length($3::uuid[], 1)]
                   WHEN n % 10 = 3 THEN ($4::uuid[])[1 + n % array_length($4::uuid[], 1)]
                   WHEN n % 10 = 4 THEN NULL
                   ELSE ($5::uuid[])[1 + n % array_length($5::uuid[], 1)] END,
              CASE n % 10 WHEN 3 THEN '{"status": "released"}'::jsonb
                          WHEN 4 THEN jsonb_build_object('created', n % 300, 'updated', n % 40, 'skipped', n % 7, 'errors', n % 3)
                          WHEN 6 THEN '{"from": "member", "to": "coordinator"}'::jsonb
                          ELSE '{}'::jsonb END
         FROM generate_series(1, $1::int) AS n`,
      [count, ids.actors, ids.appeals, ids.cases, ids.members],
    );
  }

  /** Ids of `count` members spread over the membership (every n-th by creation). */
  async sampleMemberIds(count: number): Promise<string[]> {
    const { rows } = await this.client.query<{ id: string }>(
      `SELECT id FROM (SELECT id, row_number() OVER (ORDER BY created_at, id) AS position, count(*) OVER () AS total FROM supporters WHERE role = 'member') m
        WHERE position % greatest(1, total / $1) = 0 ORDER BY position LIMIT $1`,
      [count],
    );
    return rows.map((row) => row.id);
  }

  /** The member at `position` (0-based) in the members list's order, (created_at, id): where a later keyset page starts. */
  async memberAt(position: number): Promise<{ id: string; email: string; name: string }> {
    const { rows } = await this.client.query<{ id: string; email: string; name: string }>(`SELECT id, email, name FROM supporters ORDER BY created_at, id OFFSET $1 LIMIT 1`, [position]);
    if (!rows[0]) throw new Error(`no member at position ${position}`);
    return rows[0];
  }

  /** A supporter who wrote in this appeal, with the most letters of all (the busiest member record). */
  async busiestSupporterOf(appealId: string): Promise<string> {
    const { rows } = await this.client.query<{ supporter_id: string }>(
      `SELECT supporter_id FROM letters WHERE supporter_id IN (SELECT supporter_id FROM letters WHERE appeal_id = $1 LIMIT 100)
        GROUP BY supporter_id ORDER BY count(*) DESC, supporter_id LIMIT 1`,
      [appealId],
    );
    return rows[0].supporter_id;
  }

  /**
   * The console's counters against the rows they count: letter_counts against letters by
   * (appeal, official, status), letter_days against sent and bounced letters by day, and the
   * supporter counts of appeals and cases (summed over their shards) against their signatures. Each is the number of keys
   * where they differ: 0 when the triggers kept them right.
   */
  async counterMismatches(): Promise<{ letterCounts: number; letterDays: number; appealSupporters: number; caseSupporters: number }> {
    const { rows } = await this.client.query<{ letterCounts: number; letterDays: number; appealSupporters: number; caseSupporters: number }>(
      `WITH counted AS (SELECT appeal_id, official_id, status, count(*)::bigint AS count FROM letters GROUP BY 1, 2, 3),
            rolled AS (SELECT appeal_id, official_id, status, sum(count)::bigint AS count FROM letter_counts GROUP BY 1, 2, 3 HAVING sum(count) <> 0),
            days AS (SELECT appeal_id, official_id, (sent_at AT TIME ZONE 'UTC')::date AS day, count(*)::bigint AS sent FROM letters WHERE status IN ('sent', 'bounced') GROUP BY 1, 2, 3),
            rolled_days AS (SELECT appeal_id, official_id, day, sent FROM letter_days WHERE sent <> 0)
       SELECT (SELECT count(*) FROM ((SELECT * FROM counted EXCEPT SELECT * FROM rolled) UNION ALL (SELECT * FROM rolled EXCEPT SELECT * FROM counted)) d)::int AS "letterCounts",
              (SELECT count(*) FROM ((SELECT * FROM days EXCEPT SELECT * FROM rolled_days) UNION ALL (SELECT * FROM rolled_days EXCEPT SELECT * FROM days)) d)::int AS "letterDays",
              (SELECT count(*) FROM appeals a WHERE supporters_counted(a.id) <> (SELECT count(*) FROM signatures s WHERE s.appeal_id = a.id))::int AS "appealSupporters",
              (SELECT count(*) FROM cases c WHERE supporters_counted(c.id) <> (SELECT count(DISTINCT s.supporter_id) FROM signatures s JOIN appeals a ON a.id = s.appeal_id WHERE a.case_id = c.id))::int AS "caseSupporters"`,
    );
    return rows[0];
  }

  /** Rows of the tables the console reads, for the results. */
  async tableRows(): Promise<Record<string, number>> {
    const tables = ['supporters', 'letters', 'signatures', 'cases', 'case_events', 'officials', 'templates', 'template_versions', 'appeals', 'cycles', 'cycle_invitations', 'audit_log', 'letter_counts'];
    const { rows } = await this.client.query<Record<string, number>>(`SELECT ${tables.map((table) => `(SELECT count(*) FROM ${table})::int AS ${table}`).join(', ')}`);
    return rows[0];
  }

  /** VACUUM ANALYZE of the whole database: settled tables and fresh statistics before the timing. */
  async vacuumAnalyze(): Promise<void> {
    await this.client.query('VACUUM ANALYZE');
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
