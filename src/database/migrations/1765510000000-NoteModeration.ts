import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Moderation of notes: an appeal's `moderation` says which notes wait for a coordinator
 * (`none`, `links`: those with a link, `all`); a held signature's note has `note_status`
 * `held` until it is `approved` or `rejected` (who and when kept), and its letters wait as
 * `held`. The counters (letter_counts and the overview's rollups) are kept by status
 * whatever it is, so only the letters' CHECK widens.
 */
export class NoteModeration1765510000000 implements MigrationInterface {
  name = 'NoteModeration1765510000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE appeals ADD COLUMN moderation text NOT NULL DEFAULT 'none' CHECK (moderation IN ('none', 'links', 'all'))`);
    await db.query(`ALTER TABLE signatures
      ADD COLUMN note_status text CHECK (note_status IN ('held', 'approved', 'rejected')),
      ADD COLUMN decided_by uuid REFERENCES supporters (id) ON DELETE SET NULL,
      ADD COLUMN decided_at timestamptz`);
    await db.query(`CREATE INDEX signatures_held_of_appeal ON signatures (appeal_id, created_at, id) WHERE note_status = 'held'`);
    await db.query(`ALTER TABLE letters DROP CONSTRAINT letters_status_check`);
    await db.query(`ALTER TABLE letters ADD CONSTRAINT letters_status_check
      CHECK (status IN ('queued', 'held', 'sending', 'sent', 'failed', 'unknown', 'cancelled', 'bounced', 'printed', 'posted'))`);
  }

  /** Fails while a letter is held: those rows are not rewritten. */
  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE letters DROP CONSTRAINT letters_status_check`);
    await db.query(`ALTER TABLE letters ADD CONSTRAINT letters_status_check
      CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'unknown', 'cancelled', 'bounced', 'printed', 'posted'))`);
    await db.query(`DROP INDEX signatures_held_of_appeal`);
    await db.query(`ALTER TABLE signatures DROP COLUMN note_status, DROP COLUMN decided_by, DROP COLUMN decided_at`);
    await db.query(`ALTER TABLE appeals DROP COLUMN moderation`);
  }
}
