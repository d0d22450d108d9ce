import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Password links of staff accounts (a reset, or an admin's invitation to set a first
 * password) and the audit log of what staff did. A link's token is 32 random bytes; only its
 * SHA-256 is stored, so a copy of the table opens no account. The audit log keeps the actor's
 * id (null once the account is erased) and ids of what was acted on, never names or emails.
 */
export class StaffAccountsAndAudit1765065600000 implements MigrationInterface {
  name = 'StaffAccountsAndAudit1765065600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE password_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
        supporter_id uuid NOT NULL REFERENCES supporters(id) ON DELETE CASCADE,
        purpose text NOT NULL CHECK (purpose IN ('reset', 'invitation')),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
    await db.query(`CREATE INDEX password_tokens_supporter ON password_tokens (supporter_id)`);
    await db.query(`
      CREATE TABLE audit_log (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        at timestamptz NOT NULL DEFAULT now(),
        actor_id uuid REFERENCES supporters(id) ON DELETE SET NULL,
        action text NOT NULL,
        subject_type text NOT NULL,
        subject_id uuid,
        detail jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await db.query(`CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE audit_log`);
    await db.query(`DROP TABLE password_tokens`);
  }
}
