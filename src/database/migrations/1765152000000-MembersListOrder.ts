import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The members list's order, (created_at, id): the console's keyset pages of members, the API's
 * pages of supporters and the template preview's choice of members all read the first rows
 * of it. Without an index each page sorted every supporter (30 ms at 100,000; the benchmark
 * `npm run bench:console` measures it); with it, a page reads its own rows, however deep.
 * Supporters' updates leave both columns alone, so they stay HOT.
 */
export class MembersListOrder1765152000000 implements MigrationInterface {
  name = 'MembersListOrder1765152000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX supporters_created ON supporters (created_at, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX supporters_created`);
  }
}
