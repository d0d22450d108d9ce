import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change to a supporter's row (any writer: the API, an import, an unsubscribe link, an
 * erasure, SQL by hand) is announced on the channel `qalam_supporters` when it commits: the
 * ids, comma-separated, or `*` when a statement changed more rows than one notification can
 * name. The API processes keep callers' records in memory and drop them on the notice.
 */
export class SupporterChanges1765540000000 implements MigrationInterface {
  name = 'SupporterChanges1765540000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE FUNCTION qalam_notify_supporter_changes() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        ids text;
        n int;
      BEGIN
        SELECT count(*), string_agg(id::text, ',') INTO n, ids FROM (SELECT id FROM changed LIMIT 201) AS c;
        IF n = 0 THEN RETURN NULL; END IF;
        -- A notification holds at most 8,000 bytes: 200 ids of 37 characters fit.
        PERFORM pg_notify('qalam_supporters', CASE WHEN n > 200 THEN '*' ELSE ids END);
        RETURN NULL;
      END $$`);
    await db.query(`CREATE TRIGGER supporters_changed_update AFTER UPDATE ON supporters REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION qalam_notify_supporter_changes()`);
    await db.query(`CREATE TRIGGER supporters_changed_delete AFTER DELETE ON supporters REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION qalam_notify_supporter_changes()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER supporters_changed_delete ON supporters`);
    await db.query(`DROP TRIGGER supporters_changed_update ON supporters`);
    await db.query(`DROP FUNCTION qalam_notify_supporter_changes()`);
  }
}
