import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The delivery engine at scale: fan-out of a million letters in seconds, counters rolled up
 * as letters change state, batches that can be found again after Redis loses its data,
 * pacing per official and suppressed addresses.
 */
export class DeliveryEngine1764288000000 implements MigrationInterface {
  name = 'DeliveryEngine1764288000000';

  async up(db: QueryRunner): Promise<void> {
    // Time-ordered UUIDs (the layout of UUIDv7): a bulk insert appends to the right edge of
    // each index instead of touching random pages, which is most of a fan-out's cost.
    await db.query(`CREATE FUNCTION uuid_time_ordered() RETURNS uuid LANGUAGE sql VOLATILE AS $$
      SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
        PLACING substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid
    $$`);
    for (const table of ['supporters', 'cases', 'case_events', 'officials', 'templates', 'appeals', 'signatures', 'letters']) {
      await db.query(`ALTER TABLE ${table} ALTER COLUMN id SET DEFAULT uuid_time_ordered()`);
    }

    // Letters and signatures are written only by set-based statements that join existing
    // rows, and their parents are never deleted (a supporter is anonymised). A foreign key is
    // checked by a row trigger: six of them cost ~30 s per million letters, so they go.
    await db.query(`ALTER TABLE letters DROP CONSTRAINT letters_appeal_id_fkey, DROP CONSTRAINT letters_supporter_id_fkey,
      DROP CONSTRAINT letters_official_id_fkey, DROP CONSTRAINT letters_signature_id_fkey`);
    await db.query(`ALTER TABLE signatures DROP CONSTRAINT signatures_appeal_id_fkey, DROP CONSTRAINT signatures_supporter_id_fkey`);

    // Unique keys led by the supporter also serve "my letters" and "my signatures".
    await db.query(`ALTER TABLE signatures DROP CONSTRAINT signatures_appeal_supporter`);
    await db.query(`DROP INDEX signatures_supporter`);
    await db.query(`ALTER TABLE signatures ADD CONSTRAINT signatures_supporter_appeal UNIQUE (supporter_id, appeal_id)`);
    await db.query(`ALTER TABLE letters DROP CONSTRAINT letters_appeal_supporter_official`);
    await db.query(`DROP INDEX letters_supporter`);
    await db.query(`DROP INDEX letters_official`);
    await db.query(`DROP INDEX letters_appeal_status`);
    await db.query(`ALTER TABLE letters ADD CONSTRAINT letters_supporter_appeal_official UNIQUE (supporter_id, appeal_id, official_id)`);
    await db.query(`CREATE INDEX letters_appeal ON letters (appeal_id)`);

    // A batch is the unit on the queue; its job id is letters-<batch_id>, so a lost job can
    // be rebuilt from Postgres. Batch ids of one fan-out share a block of 2^24.
    await db.query(`CREATE SEQUENCE letter_batch_blocks`);
    await db.query(`ALTER TABLE letters ADD COLUMN batch_id bigint NOT NULL DEFAULT 0`);
    await db.query(`ALTER TABLE letters ALTER COLUMN batch_id DROP DEFAULT`);
    await db.query(`CREATE INDEX letters_batch ON letters (batch_id)`);
    // A letter is updated twice on its way (claimed, then its outcome). No index names a
    // column those updates change, and pages keep room for a new version, so both are HOT
    // updates: no index is touched, which halves what Postgres does per letter.
    await db.query(`ALTER TABLE letters SET (fillfactor = 70)`);
    // Claims name their worker; a worker that stops beating is dead and its claims are taken over.
    await db.query(`ALTER TABLE letters ADD COLUMN claimed_by text`);
    await db.query(`CREATE TABLE delivery_workers (
      id text PRIMARY KEY,
      host text NOT NULL,
      pid int NOT NULL,
      started_at timestamptz NOT NULL DEFAULT now(),
      seen_at timestamptz NOT NULL DEFAULT now())`);
    // Pacing counts an official's claims in the last hour, here rather than by an index on
    // letters (which would make every claim a non-HOT update). Rows older than an hour go.
    await db.query(`CREATE TABLE paced_claims (official_id uuid NOT NULL, claimed_at timestamptz NOT NULL DEFAULT now())`);
    await db.query(`CREATE INDEX paced_claims_official ON paced_claims (official_id, claimed_at)`);

    await db.query(`ALTER TABLE officials ADD COLUMN office_hours_start time, ADD COLUMN office_hours_end time,
      ADD COLUMN office_days smallint[] CHECK (office_days <@ ARRAY[1, 2, 3, 4, 5, 6, 7]::smallint[]),
      ADD CONSTRAINT officials_office_hours CHECK ((office_hours_start IS NULL) = (office_hours_end IS NULL))`);

    // An address that answered 5xx gets no more letters.
    await db.query(`CREATE TABLE suppressions (
      address text PRIMARY KEY CHECK (address = lower(address)),
      reason text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);

    // Counters, kept by statement triggers as letters change state.
    await db.query(`CREATE TABLE letter_counts (
      appeal_id uuid NOT NULL, official_id uuid NOT NULL, status text NOT NULL, count bigint NOT NULL,
      PRIMARY KEY (appeal_id, official_id, status))`);
    await db.query(`CREATE INDEX letter_counts_official ON letter_counts (official_id)`);
    await db.query(`CREATE TABLE letter_days (
      appeal_id uuid NOT NULL, official_id uuid NOT NULL, day date NOT NULL, sent bigint NOT NULL,
      PRIMARY KEY (appeal_id, official_id, day))`);
    await db.query(`CREATE INDEX letter_days_official ON letter_days (official_id)`);
    for (const table of ['appeals', 'cases', 'officials']) {
      await db.query(`ALTER TABLE ${table} ADD COLUMN supporter_count int NOT NULL DEFAULT 0`);
    }

    await db.query(`CREATE FUNCTION letters_counted_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO letter_counts (appeal_id, official_id, status, count)
        SELECT appeal_id, official_id, status, count(*) FROM new_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (appeal_id, official_id, status) DO UPDATE SET count = letter_counts.count + EXCLUDED.count;
        RETURN NULL;
      END $$`);
    await db.query(`CREATE TRIGGER letters_counted_on_insert AFTER INSERT ON letters REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION letters_counted_on_insert()`);
    await db.query(`CREATE FUNCTION letters_counted_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- rows in a fixed order, so that concurrent batches lock counters in the same order
        INSERT INTO letter_counts (appeal_id, official_id, status, count)
        SELECT appeal_id, official_id, status, sum(delta) FROM (
          SELECT o.appeal_id, o.official_id, o.status, -1 AS delta FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE n.status <> o.status
          UNION ALL
          SELECT n.appeal_id, n.official_id, n.status, 1 FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE n.status <> o.status) changes
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (appeal_id, official_id, status) DO UPDATE SET count = letter_counts.count + EXCLUDED.count;
        INSERT INTO letter_days (appeal_id, official_id, day, sent)
        SELECT n.appeal_id, n.official_id, (n.sent_at AT TIME ZONE 'UTC')::date, count(*)
          FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE n.status = 'sent' AND o.status <> 'sent' AND o.status <> 'bounced'
         GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (appeal_id, official_id, day) DO UPDATE SET sent = letter_days.sent + EXCLUDED.sent;
        RETURN NULL;
      END $$`);
    await db.query(`CREATE TRIGGER letters_counted_on_update AFTER UPDATE ON letters REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION letters_counted_on_update()`);

    // Supporters per appeal, case and official: a new signature counts where the supporter
    // had not signed for that case, or to that official, before. Advisory locks serialise
    // concurrent signers of one case or official, so none is counted twice.
    await db.query(`CREATE FUNCTION signatures_counted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended(k, 0)) FROM (
          SELECT DISTINCT 'case/' || ap.case_id AS k FROM new_rows nr JOIN appeals ap ON ap.id = nr.appeal_id
          UNION SELECT DISTINCT 'official/' || ao.official_id FROM new_rows nr JOIN appeal_officials ao ON ao.appeal_id = nr.appeal_id
          ORDER BY 1) keys;
        UPDATE appeals a SET supporter_count = a.supporter_count + n.count
          FROM (SELECT appeal_id, count(*) AS count FROM new_rows GROUP BY 1 ORDER BY 1) n WHERE a.id = n.appeal_id;
        UPDATE cases c SET supporter_count = c.supporter_count + n.count FROM (
          SELECT ap.case_id, count(DISTINCT nr.supporter_id) AS count FROM new_rows nr JOIN appeals ap ON ap.id = nr.appeal_id
           WHERE NOT EXISTS (SELECT 1 FROM signatures s JOIN appeals a2 ON a2.id = s.appeal_id
                              WHERE s.supporter_id = nr.supporter_id AND a2.case_id = ap.case_id AND s.appeal_id <> nr.appeal_id)
           GROUP BY 1 ORDER BY 1) n WHERE c.id = n.case_id;
        UPDATE officials o SET supporter_count = o.supporter_count + n.count FROM (
          SELECT ao.official_id, count(DISTINCT nr.supporter_id) AS count FROM new_rows nr JOIN appeal_officials ao ON ao.appeal_id = nr.appeal_id
           WHERE NOT EXISTS (SELECT 1 FROM signatures s JOIN appeal_officials ao2 ON ao2.appeal_id = s.appeal_id
                              WHERE s.supporter_id = nr.supporter_id AND ao2.official_id = ao.official_id AND s.appeal_id <> nr.appeal_id)
           GROUP BY 1 ORDER BY 1) n WHERE o.id = n.official_id;
        RETURN NULL;
      END $$`);
    await db.query(`CREATE TRIGGER signatures_counted AFTER INSERT ON signatures REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION signatures_counted()`);

    // Counters for what is already there.
    await db.query(`INSERT INTO letter_counts SELECT appeal_id, official_id, status, count(*) FROM letters GROUP BY 1, 2, 3`);
    await db.query(`INSERT INTO letter_days SELECT appeal_id, official_id, (sent_at AT TIME ZONE 'UTC')::date, count(*)
      FROM letters WHERE status IN ('sent', 'bounced') GROUP BY 1, 2, 3`);
    await db.query(`UPDATE appeals a SET supporter_count = (SELECT count(*) FROM signatures s WHERE s.appeal_id = a.id)`);
    await db.query(`UPDATE cases c SET supporter_count = (SELECT count(DISTINCT s.supporter_id) FROM signatures s JOIN appeals a ON a.id = s.appeal_id WHERE a.case_id = c.id)`);
    await db.query(`UPDATE officials o SET supporter_count = (SELECT count(DISTINCT s.supporter_id) FROM signatures s JOIN appeal_officials ao ON ao.appeal_id = s.appeal_id WHERE ao.official_id = o.id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER signatures_counted ON signatures`);
    await db.query(`DROP TRIGGER letters_counted_on_update ON letters`);
    await db.query(`DROP TRIGGER letters_counted_on_insert ON letters`);
    await db.query(`DROP FUNCTION signatures_counted(), letters_counted_on_update(), letters_counted_on_insert()`);
    for (const table of ['appeals', 'cases', 'officials']) await db.query(`ALTER TABLE ${table} DROP COLUMN supporter_count`);
    await db.query(`DROP TABLE letter_days, letter_counts, suppressions`);
    await db.query(`ALTER TABLE officials DROP CONSTRAINT officials_office_hours, DROP COLUMN office_hours_start, DROP COLUMN office_hours_end, DROP COLUMN office_days`);
    await db.query(`DROP TABLE paced_claims`);
    await db.query(`DROP TABLE delivery_workers`);
    await db.query(`ALTER TABLE letters DROP COLUMN claimed_by`);
    await db.query(`DROP INDEX letters_batch`);
    await db.query(`ALTER TABLE letters RESET (fillfactor)`);
    await db.query(`ALTER TABLE letters DROP COLUMN batch_id`);
    await db.query(`DROP SEQUENCE letter_batch_blocks`);
    await db.query(`DROP INDEX letters_appeal`);
    await db.query(`ALTER TABLE letters DROP CONSTRAINT letters_supporter_appeal_official`);
    await db.query(`ALTER TABLE letters ADD CONSTRAINT letters_appeal_supporter_official UNIQUE (appeal_id, supporter_id, official_id)`);
    await db.query(`CREATE INDEX letters_supporter ON letters (supporter_id, created_at DESC)`);
    await db.query(`CREATE INDEX letters_official ON letters (official_id, status)`);
    await db.query(`CREATE INDEX letters_appeal_status ON letters (appeal_id, status)`);
    await db.query(`ALTER TABLE signatures DROP CONSTRAINT signatures_supporter_appeal`);
    await db.query(`ALTER TABLE signatures ADD CONSTRAINT signatures_appeal_supporter UNIQUE (appeal_id, supporter_id)`);
    await db.query(`CREATE INDEX signatures_supporter ON signatures (supporter_id)`);
    await db.query(`ALTER TABLE signatures ADD FOREIGN KEY (appeal_id) REFERENCES appeals (id), ADD FOREIGN KEY (supporter_id) REFERENCES supporters (id)`);
    await db.query(`ALTER TABLE letters ADD FOREIGN KEY (appeal_id) REFERENCES appeals (id), ADD FOREIGN KEY (supporter_id) REFERENCES supporters (id),
      ADD FOREIGN KEY (official_id) REFERENCES officials (id), ADD FOREIGN KEY (signature_id) REFERENCES signatures (id)`);
    for (const table of ['supporters', 'cases', 'case_events', 'officials', 'templates', 'appeals', 'signatures', 'letters']) {
      await db.query(`ALTER TABLE ${table} ALTER COLUMN id SET DEFAULT gen_random_uuid()`);
    }
    await db.query(`DROP FUNCTION uuid_time_ordered()`);
  }
}
