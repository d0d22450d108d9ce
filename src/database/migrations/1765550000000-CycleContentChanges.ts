import { MigrationInterface, QueryRunner } from 'typeorm';

/** What a cycle's signing page shows every member (CyclesRepository.memberContent), table by table: the columns it reads, or all. */
const CONTENT: { table: string; columns?: string[] }[] = [
  { table: 'cycles' },
  { table: 'cycle_appeals' },
  { table: 'appeal_officials' },
  { table: 'appeal_templates' },
  { table: 'case_events' },
  { table: 'templates' },
  // Not their counters (supporter_count moves with every signature) nor anything the page does not show.
  { table: 'appeals', columns: ['title', 'status', 'deadline', 'case_id'] },
  { table: 'cases', columns: ['name', 'country', 'profession', 'status', 'summary', 'charges', 'detained_on', 'gender', 'translations', 'risk'] },
  { table: 'officials', columns: ['name', 'title', 'language', 'salutation', 'organisation'] },
];

/**
 * Every change to what a cycle's signing page shows all members alike commits with a notice
 * on `qalam_cycle_content` (its payload the table's name): the API processes keep that
 * content in memory (CycleContentService) and drop it when they hear one.
 */
export class CycleContentChanges1765550000000 implements MigrationInterface {
  name = 'CycleContentChanges1765550000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE FUNCTION qalam_notify_cycle_content() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('qalam_cycle_content', TG_TABLE_NAME);
        RETURN NULL;
      END $$`);
    for (const { table, columns } of CONTENT) {
      const update = columns ? `UPDATE OF ${columns.join(', ')}` : 'UPDATE';
      await db.query(`CREATE TRIGGER ${table}_content_changed AFTER INSERT OR ${update} OR DELETE OR TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION qalam_notify_cycle_content()`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    for (const { table } of CONTENT) await db.query(`DROP TRIGGER ${table}_content_changed ON ${table}`);
    await db.query(`DROP FUNCTION qalam_notify_cycle_content()`);
  }
}
