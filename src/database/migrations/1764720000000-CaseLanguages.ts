import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A case's grammatical gender (so that templates agree with it) and its fields in other
 * languages: `{"ru": {"name": ..., "profession": ..., "summary": ..., "charges": ...}}`.
 */
export class CaseLanguages1764720000000 implements MigrationInterface {
  name = 'CaseLanguages1764720000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE cases ADD COLUMN gender text CHECK (gender IN ('female', 'male'))`);
    await db.query(`ALTER TABLE cases ADD COLUMN translations jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(translations) = 'object')`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE cases DROP COLUMN translations`);
    await db.query(`ALTER TABLE cases DROP COLUMN gender`);
  }
}
