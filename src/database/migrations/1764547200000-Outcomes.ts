import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The thank-yous of a case's outcome: a row per supporter who wrote, made when the case is
 * marked released or deceased, so marking it again (or released then deceased) finds the
 * row and queues nothing more. `sent_at` is set when the worker claims the mail, before it
 * is sent, so a job that runs twice sends it once.
 */
export class Outcomes1764547200000 implements MigrationInterface {
  name = 'Outcomes1764547200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE case_outcome_mails (
      case_id uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
      supporter_id uuid NOT NULL REFERENCES supporters (id) ON DELETE CASCADE,
      queued_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz,
      PRIMARY KEY (case_id, supporter_id))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE case_outcome_mails`);
  }
}
