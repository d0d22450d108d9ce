import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every ended staff session (logout, "log out everywhere", a password change, the trigger
 * `supporters_end_staff_sessions` when a role or `active` changes, SQL by hand) is announced
 * on the channel `qalam_staff_sessions` when it commits: the sessions' ids, comma-separated,
 * or `*` when a statement ended more than one notification can name. So is an update that
 * does more than move `last_seen_at` forward (the console's "touch" is the only update the
 * app makes, and it announces nothing). The API processes keep live sessions in memory
 * (LiveStaffSessionsService) and drop them on the notice.
 */
export class StaffSessionChanges1765560000000 implements MigrationInterface {
  name = 'StaffSessionChanges1765560000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE FUNCTION qalam_notify_staff_sessions_ended() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        ids text;
        n int;
      BEGIN
        SELECT count(*), string_agg(id::text, ',') INTO n, ids FROM (SELECT id FROM ended LIMIT 201) AS e;
        IF n = 0 THEN RETURN NULL; END IF;
        -- A notification holds at most 8,000 bytes: 200 ids of 37 characters fit.
        PERFORM pg_notify('qalam_staff_sessions', CASE WHEN n > 200 THEN '*' ELSE ids END);
        RETURN NULL;
      END $$`);
    await db.query(`CREATE FUNCTION qalam_notify_staff_sessions_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        ids text;
        n int;
      BEGIN
        SELECT count(*), string_agg(id::text, ',') INTO n, ids FROM (
          SELECT o.id FROM old_rows o LEFT JOIN new_rows r ON r.id = o.id
           WHERE r.id IS NULL OR r.token_hash <> o.token_hash OR r.supporter_id <> o.supporter_id
              OR r.expires_at <> o.expires_at OR r.last_seen_at < o.last_seen_at
           LIMIT 201) AS c;
        IF n = 0 THEN RETURN NULL; END IF;
        PERFORM pg_notify('qalam_staff_sessions', CASE WHEN n > 200 THEN '*' ELSE ids END);
        RETURN NULL;
      END $$`);
    await db.query(`CREATE TRIGGER staff_sessions_ended AFTER DELETE ON staff_sessions REFERENCING OLD TABLE AS ended FOR EACH STATEMENT EXECUTE FUNCTION qalam_notify_staff_sessions_ended()`);
    await db.query(
      `CREATE TRIGGER staff_sessions_changed AFTER UPDATE ON staff_sessions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION qalam_notify_staff_sessions_changed()`,
    );
    // TRUNCATE names no rows: everything kept goes.
    await db.query(`CREATE FUNCTION qalam_notify_staff_sessions_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('qalam_staff_sessions', '*');
        RETURN NULL;
      END $$`);
    await db.query(`CREATE TRIGGER staff_sessions_truncated AFTER TRUNCATE ON staff_sessions FOR EACH STATEMENT EXECUTE FUNCTION qalam_notify_staff_sessions_truncated()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER staff_sessions_truncated ON staff_sessions`);
    await db.query(`DROP TRIGGER staff_sessions_changed ON staff_sessions`);
    await db.query(`DROP TRIGGER staff_sessions_ended ON staff_sessions`);
    await db.query(`DROP FUNCTION qalam_notify_staff_sessions_truncated()`);
    await db.query(`DROP FUNCTION qalam_notify_staff_sessions_changed()`);
    await db.query(`DROP FUNCTION qalam_notify_staff_sessions_ended()`);
  }
}
