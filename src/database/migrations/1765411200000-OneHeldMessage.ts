import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One message per member and case waits for moderation at a time: a second is refused until
 * the first is decided (it keeps a member from filling a coordinator's queue, and the index
 * settles two posts at once, which a check before the insert could not).
 */
export class OneHeldMessage1765411200000 implements MigrationInterface {
  name = 'OneHeldMessage1765411200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE UNIQUE INDEX messages_one_held ON messages (case_id, supporter_id) WHERE status = 'held' AND supporter_id IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX messages_one_held`);
  }
}
