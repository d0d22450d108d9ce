import { MigrationInterface, QueryRunner } from 'typeorm';
import { SignaturesCountedAtOnce1765570000000 } from './1765570000000-SignaturesCountedAtOnce';

/**
 * Counter rows per owner (and status): a statement adds to one of SHARDS rows, readers sum
 * them. One supporter's statement adds to their own shard (counter_shard), so two members
 * signing at once share a row one time in SHARDS; any other statement (a fan-out, a worker's
 * batch) to its connection's.
 */
const SHARDS = 16;
const SHARD_OF_CONNECTION = `(pg_backend_pid() % ${SHARDS})::smallint`;

/**
 * Signers of one case no longer wait for each other (the signing burst: every member of the
 * month signs the same five appeals, and each transaction held the case's lock, and the
 * appeals', case's and officials' counter rows, from its insert to its commit, so every
 * signature waited for the commit of the one before).
 *
 * - The counters are rows per owner and shard: `supporter_counts` (appeals, cases and
 *   officials, the columns `supporter_count` before) and `letter_counts` with a `shard`
 *   column. Two transactions add to the same row only when they share a shard; readers sum
 *   the rows (`supporters_counted(owner)` for the supporter counts).
 * - A supporter is counted once per case and per official: a statement that may count a
 *   supporter someone else's statement also counts must not run beside it. A member's own
 *   signatures (one supporter, none auto-signed: the signing page, the API) take the
 *   owners' locks shared and their supporter's lock exclusive, so only the same member's
 *   transactions wait for each other; a fan-out (auto-signed, or several supporters) takes
 *   the owners' locks exclusive, as every statement did before, and waits for the signers in
 *   flight, who wait for it. Fan-outs take no shared lock, so none is ever upgraded.
 */
export class CountersSideBySide1765580000000 implements MigrationInterface {
  name = 'CountersSideBySide1765580000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE supporter_counts (owner_id uuid NOT NULL, shard smallint NOT NULL, count bigint NOT NULL, PRIMARY KEY (owner_id, shard))`);
    await db.query(`INSERT INTO supporter_counts (owner_id, shard, count)
      SELECT id, 0, supporter_count FROM appeals WHERE supporter_count <> 0
      UNION ALL SELECT id, 0, supporter_count FROM cases WHERE supporter_count <> 0
      UNION ALL SELECT id, 0, supporter_count FROM officials WHERE supporter_count <> 0`);
    await db.query(`CREATE FUNCTION counter_shard(supporter uuid) RETURNS smallint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
      $$ SELECT (hashtextextended(supporter::text, 0) & ${SHARDS - 1})::smallint $$`);
    await db.query(`CREATE FUNCTION supporters_counted(owner uuid) RETURNS integer LANGUAGE sql STABLE PARALLEL SAFE AS
      $$ SELECT coalesce(sum(count), 0)::int FROM supporter_counts WHERE owner_id = owner $$`);

    // Each branch's statements get plans of their own. A member's own one looks their earlier
    // signatures up by supporter (an index scan, whatever the statistics say); the fan-out's
    // compares its rows with the signatures as a set.
    await db.query(`CREATE OR REPLACE FUNCTION signatures_counted() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        signer uuid;
      BEGIN
        -- The supporter of a member's own statement (one supporter, nothing auto-signed); null for a fan-out.
        SELECT CASE WHEN count(DISTINCT supporter_id) = 1 AND NOT bool_or(auto_signed) THEN min(supporter_id::text)::uuid END INTO signer FROM new_rows;
        PERFORM CASE WHEN keys.exclusive THEN pg_advisory_xact_lock(hashtextextended(keys.k, 0)) ELSE pg_advisory_xact_lock_shared(hashtextextended(keys.k, 0)) END FROM (
          SELECT DISTINCT 'case/' || ap.case_id AS k, signer IS NULL AS exclusive FROM new_rows nr JOIN appeals ap ON ap.id = nr.appeal_id
          UNION SELECT DISTINCT 'official/' || ao.official_id, signer IS NULL FROM new_rows nr JOIN appeal_officials ao ON ao.appeal_id = nr.appeal_id
          UNION SELECT 'supporter/' || signer, true WHERE signer IS NOT NULL
          ORDER BY 1) keys;
        -- One statement each, its rows in one order (by owner), so concurrent ones lock shared rows in the same order.
        IF signer IS NOT NULL THEN
          INSERT INTO supporter_counts (owner_id, shard, count)
          SELECT owner_id, counter_shard(signer), count FROM (
            SELECT appeal_id AS owner_id, count(*) AS count FROM new_rows GROUP BY 1
            UNION ALL
            SELECT ap.case_id, 1 FROM new_rows nr JOIN appeals ap ON ap.id = nr.appeal_id
             WHERE NOT EXISTS (SELECT 1 FROM signatures s JOIN appeals a2 ON a2.id = s.appeal_id
                                WHERE s.supporter_id = signer AND a2.case_id = ap.case_id AND NOT EXISTS (SELECT 1 FROM new_rows mine WHERE mine.id = s.id))
             GROUP BY 1
            UNION ALL
            SELECT ao.official_id, 1 FROM new_rows nr JOIN appeal_officials ao ON ao.appeal_id = nr.appeal_id
             WHERE NOT EXISTS (SELECT 1 FROM signatures s JOIN appeal_officials ao2 ON ao2.appeal_id = s.appeal_id
                                WHERE s.supporter_id = signer AND ao2.official_id = ao.official_id AND NOT EXISTS (SELECT 1 FROM new_rows mine WHERE mine.id = s.id))
             GROUP BY 1) counted
           ORDER BY owner_id
          ON CONFLICT (owner_id, shard) DO UPDATE SET count = supporter_counts.count + EXCLUDED.count;
        ELSE
          INSERT INTO supporter_counts (owner_id, shard, count)
          SELECT owner_id, ${SHARD_OF_CONNECTION}, count FROM (
            SELECT appeal_id AS owner_id, count(*) AS count FROM new_rows GROUP BY 1
            UNION ALL
            SELECT ap.case_id, count(DISTINCT nr.supporter_id) FROM new_rows nr JOIN appeals ap ON ap.id = nr.appeal_id
             WHERE NOT EXISTS (SELECT 1 FROM signatures s JOIN appeals a2 ON a2.id = s.appeal_id
                                WHERE s.supporter_id = nr.supporter_id AND a2.case_id = ap.case_id AND s.appeal_id <> nr.appeal_id
                                  AND NOT EXISTS (SELECT 1 FROM new_rows mine WHERE mine.id = s.id))
             GROUP BY 1
            UNION ALL
            SELECT ao.official_id, count(DISTINCT nr.supporter_id) FROM new_rows nr JOIN appeal_officials ao ON ao.appeal_id = nr.appeal_id
             WHERE NOT EXISTS (SELECT 1 FROM signatures s JOIN appeal_officials ao2 ON ao2.appeal_id = s.appeal_id
                                WHERE s.supporter_id = nr.supporter_id AND ao2.official_id = ao.official_id AND s.appeal_id <> nr.appeal_id
                                  AND NOT EXISTS (SELECT 1 FROM new_rows mine WHERE mine.id = s.id))
             GROUP BY 1) counted
           ORDER BY owner_id
          ON CONFLICT (owner_id, shard) DO UPDATE SET count = supporter_counts.count + EXCLUDED.count;
        END IF;
        RETURN NULL;
      END $$`);
    for (const table of ['appeals', 'cases', 'officials']) await db.query(`ALTER TABLE ${table} DROP COLUMN supporter_count`);

    await db.query(`ALTER TABLE letter_counts ADD COLUMN shard smallint NOT NULL DEFAULT 0`);
    await db.query(`ALTER TABLE letter_counts ALTER COLUMN shard DROP DEFAULT`);
    await db.query(`ALTER TABLE letter_counts DROP CONSTRAINT letter_counts_pkey, ADD PRIMARY KEY (appeal_id, official_id, status, shard)`);
    await db.query(`CREATE OR REPLACE FUNCTION letters_counted_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO letter_counts (appeal_id, official_id, status, shard, count)
        SELECT appeal_id, official_id, status,
               CASE WHEN (SELECT count(DISTINCT supporter_id) FROM new_rows) = 1 THEN counter_shard(min(supporter_id::text)::uuid) ELSE ${SHARD_OF_CONNECTION} END, count(*)
          FROM new_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (appeal_id, official_id, status, shard) DO UPDATE SET count = letter_counts.count + EXCLUDED.count;
        RETURN NULL;
      END $$`);
    await db.query(lettersCountedOnUpdate(SHARD_OF_CONNECTION));
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(lettersCountedOnUpdate(null));
    await db.query(`CREATE OR REPLACE FUNCTION letters_counted_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO letter_counts (appeal_id, official_id, status, count)
        SELECT appeal_id, official_id, status, count(*) FROM new_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (appeal_id, official_id, status) DO UPDATE SET count = letter_counts.count + EXCLUDED.count;
        RETURN NULL;
      END $$`);
    await db.query(`CREATE TABLE letter_counts_folded AS SELECT appeal_id, official_id, status, sum(count)::bigint AS count FROM letter_counts GROUP BY 1, 2, 3`);
    await db.query(`TRUNCATE letter_counts`);
    await db.query(`ALTER TABLE letter_counts DROP CONSTRAINT letter_counts_pkey, DROP COLUMN shard, ADD PRIMARY KEY (appeal_id, official_id, status)`);
    await db.query(`INSERT INTO letter_counts (appeal_id, official_id, status, count) SELECT appeal_id, official_id, status, count FROM letter_counts_folded`);
    await db.query(`DROP TABLE letter_counts_folded`);

    for (const table of ['appeals', 'cases', 'officials']) {
      await db.query(`ALTER TABLE ${table} ADD COLUMN supporter_count integer NOT NULL DEFAULT 0`);
      await db.query(`UPDATE ${table} t SET supporter_count = supporters_counted(t.id)`);
    }
    // The counters' trigger as the migration before left it.
    await new SignaturesCountedAtOnce1765570000000().up(db);
    await db.query(`DROP FUNCTION supporters_counted(uuid), counter_shard(uuid)`);
    await db.query(`DROP TABLE supporter_counts`);
  }
}

/** letters_counted_on_update, adding to the counter rows of `shard` (an SQL expression), or, before shards (null), to the one row per key. */
function lettersCountedOnUpdate(shard: string | null): string {
  const [column, value, key] = shard === null ? ['', '', ''] : [', shard', `, ${shard}`, ', shard'];
  return `CREATE OR REPLACE FUNCTION letters_counted_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- rows in a fixed order, so that concurrent batches lock counters in the same order
        INSERT INTO letter_counts (appeal_id, official_id, status${column}, count)
        SELECT appeal_id, official_id, status${value}, sum(delta) FROM (
          SELECT o.appeal_id, o.official_id, o.status, -1 AS delta FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE n.status <> o.status
          UNION ALL
          SELECT n.appeal_id, n.official_id, n.status, 1 FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE n.status <> o.status) changes
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (appeal_id, official_id, status${key}) DO UPDATE SET count = letter_counts.count + EXCLUDED.count;
        INSERT INTO letter_days (appeal_id, official_id, day, sent)
        SELECT n.appeal_id, n.official_id, (n.sent_at AT TIME ZONE 'UTC')::date, count(*)
          FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE n.status = 'sent' AND o.status <> 'sent' AND o.status <> 'bounced'
         GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (appeal_id, official_id, day) DO UPDATE SET sent = letter_days.sent + EXCLUDED.sent;
        RETURN NULL;
      END $$`;
}
