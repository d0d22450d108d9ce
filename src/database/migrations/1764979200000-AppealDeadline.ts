import { MigrationInterface, QueryRunner } from 'typeorm';

/** An appeal's optional deadline: the day by which its letters should be signed, shown in the console and on the signing page. */
export class AppealDeadline1764979200000 implements MigrationInterface {
  name = 'AppealDeadline1764979200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE appeals ADD COLUMN deadline date`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE appeals DROP COLUMN deadline`);
  }
}
