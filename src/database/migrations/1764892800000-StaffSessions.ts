import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The staff console's sessions, kept on the server so that logging out, deactivating a
 * staff member or changing their role ends a session at once. Only a SHA-256 of the
 * cookie's token is stored: a copy of this table opens no session. A trigger deletes a
 * supporter's sessions when their role changes or they are deactivated, so that no road to
 * those columns (an API route, an import, a console page, an erasure) can forget to.
 */
export class StaffSessions1764892800000 implements MigrationInterface {
  name = 'StaffSessions1764892800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE staff_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
        supporter_id uuid NOT NULL REFERENCES supporters(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        CHECK (expires_at > created_at)
      )`);
    await db.query(`CREATE INDEX staff_sessions_supporter ON staff_sessions (supporter_id)`);
    await db.query(`
      CREATE FUNCTION staff_sessions_end() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM staff_sessions WHERE supporter_id = NEW.id;
        RETURN NULL;
      END $$`);
    // Row-level with a WHEN clause: a bulk update that changes neither column calls no function.
    await db.query(`
      CREATE TRIGGER supporters_end_staff_sessions
        AFTER UPDATE OF role, active ON supporters
        FOR EACH ROW WHEN ((OLD.active AND NOT NEW.active) OR OLD.role IS DISTINCT FROM NEW.role)
        EXECUTE FUNCTION staff_sessions_end()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER supporters_end_staff_sessions ON supporters`);
    await db.query(`DROP FUNCTION staff_sessions_end()`);
    await db.query(`DROP TABLE staff_sessions`);
  }
}
