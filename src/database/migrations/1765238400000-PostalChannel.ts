import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The postal channel's first step: an appeal's letters may go by `post` or by
 * `email-then-post`, and a letter may be `printed` and then `posted`. The counters
 * (letter_counts and the overview's rollups) are kept by status whatever it is, so only
 * the CHECKs widen.
 */
export class PostalChannel1765238400000 implements MigrationInterface {
  name = 'PostalChannel1765238400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE appeals DROP CONSTRAINT appeals_channel_check`);
    await db.query(`ALTER TABLE appeals ADD CONSTRAINT appeals_channel_check CHECK (channel IN ('email', 'post', 'email-then-post'))`);
    await db.query(`ALTER TABLE letters DROP CONSTRAINT letters_status_check`);
    await db.query(`ALTER TABLE letters ADD CONSTRAINT letters_status_check
      CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'unknown', 'cancelled', 'bounced', 'printed', 'posted'))`);
  }

  /** Fails while an appeal or a letter uses what it takes away: those rows are not rewritten. */
  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE letters DROP CONSTRAINT letters_status_check`);
    await db.query(`ALTER TABLE letters ADD CONSTRAINT letters_status_check
      CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'unknown', 'cancelled', 'bounced'))`);
    await db.query(`ALTER TABLE appeals DROP CONSTRAINT appeals_channel_check`);
    await db.query(`ALTER TABLE appeals ADD CONSTRAINT appeals_channel_check CHECK (channel IN ('email'))`);
  }
}
