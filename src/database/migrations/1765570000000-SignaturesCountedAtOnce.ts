import { MigrationInterface, QueryRunner } from 'typeorm';

/** The body of signatures_counted() with `others` deciding which signatures count as another appeal's earlier one. */
function countedBody(others: string): string {
  return `
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended(k, 0)) FROM (
          SELECT DISTINCT 'case/' || ap.case_id AS k FROM new_rows nr JOIN appeals ap ON ap.id = nr.appeal_id
          UNION SELECT DISTINCT 'official/' || ao.official_id FROM new_rows nr JOIN appeal_officials ao ON ao.appeal_id = nr.appeal_id
          ORDER BY 1) keys;
        UPDATE appeals a SET supporter_count = a.supporter_count + n.count
          FROM (SELECT appeal_id, count(*) AS count FROM new_rows GROUP BY 1 ORDER BY 1) n WHERE a.id = n.appeal_id;
        UPDATE cases c SET supporter_count = c.supporter_count + n.count FROM (
          SELECT ap.case_id, count(DISTINCT nr.supporter_id) AS count FROM new_rows nr JOIN appeals ap ON ap.id = nr.appeal_id
           WHERE NOT EXISTS (SELECT 1 FROM signatures s JOIN appeals a2 ON a2.id = s.appeal_id
                              WHERE s.supporter_id = nr.supporter_id AND a2.case_id = ap.case_id AND s.appeal_id <> nr.appeal_id${others})
           GROUP BY 1 ORDER BY 1) n WHERE c.id = n.case_id;
        UPDATE officials o SET supporter_count = o.supporter_count + n.count FROM (
          SELECT ao.official_id, count(DISTINCT nr.supporter_id) AS count FROM new_rows nr JOIN appeal_officials ao ON ao.appeal_id = nr.appeal_id
           WHERE NOT EXISTS (SELECT 1 FROM signatures s JOIN appeal_officials ao2 ON ao2.appeal_id = s.appeal_id
                              WHERE s.supporter_id = nr.supporter_id AND ao2.official_id = ao.official_id AND s.appeal_id <> nr.appeal_id${others})
           GROUP BY 1 ORDER BY 1) n WHERE o.id = n.official_id;
        RETURN NULL;
      END`;
}

/**
 * A member's signatures of several appeals may now come in one statement (the signing
 * page's post: AppealsService.signAllAtOnce). The counters' trigger counted a supporter for
 * a case (or an official) only when no signature of theirs to another of its appeals
 * existed: within one statement, the other new rows are such signatures, and the supporter
 * was counted for neither. Now only signatures from before the statement count as earlier
 * ones, and a supporter new to the case is counted once (count DISTINCT), as before for one
 * appeal per statement and for an appeal's fan-out.
 */
export class SignaturesCountedAtOnce1765570000000 implements MigrationInterface {
  name = 'SignaturesCountedAtOnce1765570000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE OR REPLACE FUNCTION signatures_counted() RETURNS trigger LANGUAGE plpgsql AS $$${countedBody(' AND NOT EXISTS (SELECT 1 FROM new_rows mine WHERE mine.id = s.id)')} $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`CREATE OR REPLACE FUNCTION signatures_counted() RETURNS trigger LANGUAGE plpgsql AS $$${countedBody('')} $$`);
  }
}
