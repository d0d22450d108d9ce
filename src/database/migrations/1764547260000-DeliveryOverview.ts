import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rollups for the admin overview, kept by a statement trigger like letter_counts: letters
 * sent per minute (throughput) and letters failed per reason. Reading them never scans
 * letters, and letters gain no index (its status updates stay HOT).
 */
export class DeliveryOverview1764547260000 implements MigrationInterface {
  name = 'DeliveryOverview1764547260000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE letter_minutes (minute timestamptz PRIMARY KEY, sent int NOT NULL)`);
    await db.query(`CREATE TABLE letter_failures (status text NOT NULL, reason text NOT NULL, count int NOT NULL, PRIMARY KEY (status, reason))`);
    await db.query(`CREATE FUNCTION letters_outcomes_rolled_up() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- rows in a fixed order, so that concurrent batches lock counters in the same order
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
    await db.query(`CREATE TRIGGER letters_outcomes_rolled_up AFTER UPDATE ON letters REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION letters_outcomes_rolled_up()`);
    await db.query(`INSERT INTO letter_minutes SELECT date_trunc('minute', sent_at), count(*) FROM letters WHERE status = 'sent' AND sent_at > now() - interval '1 day' GROUP BY 1`);
    await db.query(`INSERT INTO letter_failures SELECT status, coalesce(last_error, ''), count(*) FROM letters WHERE status IN ('failed', 'unknown') GROUP BY 1, 2`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER letters_outcomes_rolled_up ON letters`);
    await db.query(`DROP FUNCTION letters_outcomes_rolled_up()`);
    await db.query(`DROP TABLE letter_failures, letter_minutes`);
  }
}
