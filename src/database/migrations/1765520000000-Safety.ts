import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Safety per case and retention. A case's `risk`: `high` means its letters never carry a
 * signer's full name or city. The retention scrub removes the link from old letters to their
 * supporter; a supporter's counts (GET /api/stats/supporters/:id, a thank-you's letters sent)
 * keep what the scrubbed letters were in supporter_letter_counts, filled in the same statement
 * that removes the link.
 */
export class Safety1765520000000 implements MigrationInterface {
  name = 'Safety1765520000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE cases ADD COLUMN risk text NOT NULL DEFAULT 'normal' CONSTRAINT cases_risk_check CHECK (risk IN ('normal', 'high'))`);
    await db.query(`CREATE TABLE supporter_letter_counts (
      supporter_id uuid NOT NULL REFERENCES supporters(id) ON DELETE CASCADE,
      case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
      status text NOT NULL,
      count integer NOT NULL CHECK (count >= 0),
      PRIMARY KEY (supporter_id, case_id, status))`);
    // The scrub looks for old final letters that still name their supporter.
    await db.query(`CREATE INDEX letters_retention ON letters (created_at) WHERE supporter_id IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX letters_retention`);
    await db.query(`DROP TABLE supporter_letter_counts`);
    await db.query(`ALTER TABLE cases DROP COLUMN risk`);
  }
}
