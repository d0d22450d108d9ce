import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the engine needs to survive its servers restarting:
 * - `delivery_workers.batches`: the batches a worker is running, written with its
 *   heartbeat, so that letters left `sending` by a live worker that no longer runs their
 *   batch (its record failed while Postgres restarted) can be told from letters in flight;
 * - `letters.retry_since`: the first transient failure of a letter, so that retries are
 *   bounded by time as well as by attempts (no index: outcome updates stay HOT);
 * - the failures rollup forgets a letter that leaves `unknown` or `failed` (a worker that
 *   had the 250 corrects a take-over's `unknown` to `sent`).
 */
export class DeliverySurvivesRestarts1764633600000 implements MigrationInterface {
  name = 'DeliverySurvivesRestarts1764633600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE delivery_workers ADD COLUMN batches bigint[] NOT NULL DEFAULT '{}'`);
    await db.query(`ALTER TABLE letters ADD COLUMN retry_since timestamptz`);
    await db.query(`CREATE OR REPLACE FUNCTION letters_outcomes_rolled_up() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- rows in a fixed order, so that concurrent batches lock counters in the same order
        INSERT INTO letter_minutes (minute, sent)
        SELECT date_trunc('minute', n.sent_at), count(*)
          FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE n.status = 'sent' AND o.status <> 'sent' AND o.status <> 'bounced' AND n.sent_at IS NOT NULL
         GROUP BY 1 ORDER BY 1
        ON CONFLICT (minute) DO UPDATE SET sent = letter_minutes.sent + EXCLUDED.sent;
        INSERT INTO letter_failures (status, reason, count)
        SELECT status, reason, sum(delta) FROM (
          SELECT n.status, coalesce(n.last_error, '') AS reason, 1 AS delta
            FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE n.status IN ('failed', 'unknown') AND n.status <> o.status
          UNION ALL
          SELECT o.status, coalesce(o.last_error, ''), -1
            FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.status IN ('failed', 'unknown') AND n.status <> o.status) changes
         GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (status, reason) DO UPDATE SET count = letter_failures.count + EXCLUDED.count;
        DELETE FROM letter_failures WHERE count <= 0;
        RETURN NULL;
      END $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`CREATE OR REPLACE FUNCTION letters_outcomes_rolled_up() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO letter_minutes (minute, sent)
        SELECT date_trunc('minute', n.sent_at), count(*)
          FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE n.status = 'sent' AND o.status <> 'sent' AND o.status <> 'bounced' AND n.sent_at IS NOT NULL
         GROUP BY 1 ORDER BY 1
        ON CONFLICT (minute) DO UPDATE SET sent = letter_minutes.sent + EXCLUDED.sent;
        INSERT INTO letter_failures (status, reason, count)
        SELECT n.status, coalesce(n.last_error, ''), count(*)
          FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE n.status IN ('failed', 'unknown') AND n.status <> o.status
         GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (status, reason) DO UPDATE SET count = letter_failures.count + EXCLUDED.count;
        RETURN NULL;
      END $$`);
    await db.query(`ALTER TABLE letters DROP COLUMN retry_since`);
    await db.query(`ALTER TABLE delivery_workers DROP COLUMN batches`);
  }
}
