import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A member is confirmed unless a public signup says otherwise. Coordinators, imports, the
 * demo and the benchmark all add members who were confirmed by whoever added them; only the
 * public signup form inserts `confirmed_at = NULL`, and the member's click fills it in.
 */
export class MembersConfirmedByDefault1764460800000 implements MigrationInterface {
  name = 'MembersConfirmedByDefault1764460800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE supporters ALTER COLUMN confirmed_at SET DEFAULT now()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE supporters ALTER COLUMN confirmed_at DROP DEFAULT`);
  }
}
