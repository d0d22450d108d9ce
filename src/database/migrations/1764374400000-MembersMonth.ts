import { MigrationInterface, QueryRunner } from 'typeorm';

/** The members' month: cycles of appeals, invitations and reminders, consent, confirmation and unsubscribing. */
export class MembersMonth1764374400000 implements MigrationInterface {
  name = 'MembersMonth1764374400000';

  async up(db: QueryRunner): Promise<void> {
    // Members created by a coordinator or an import are confirmed by whoever added them; a
    // public signup is confirmed by the member's click, before any letter goes in their name.
    await db.query(`ALTER TABLE supporters
      ADD COLUMN consent_version text,
      ADD COLUMN consented_at timestamptz,
      ADD COLUMN confirmed_at timestamptz,
      ADD COLUMN unsubscribed_at timestamptz`);
    await db.query(`UPDATE supporters SET confirmed_at = created_at`);

    await db.query(`CREATE TABLE cycles (
      id uuid PRIMARY KEY DEFAULT uuid_time_ordered(),
      month char(7) NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
      title text NOT NULL,
      status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
      reminder_after_days int CHECK (reminder_after_days BETWEEN 1 AND 60),
      opened_at timestamptz,
      reminded_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await db.query(`CREATE TABLE cycle_appeals (
      cycle_id uuid NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
      appeal_id uuid NOT NULL REFERENCES appeals (id),
      position int NOT NULL,
      PRIMARY KEY (cycle_id, appeal_id))`);
    // One row per member invited to a cycle: nobody is invited or reminded twice.
    await db.query(`CREATE TABLE cycle_invitations (
      cycle_id uuid NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
      supporter_id uuid NOT NULL REFERENCES supporters (id),
      invited_at timestamptz,
      reminded_at timestamptz,
      PRIMARY KEY (cycle_id, supporter_id))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE cycle_invitations, cycle_appeals, cycles`);
    await db.query(`ALTER TABLE supporters DROP COLUMN consent_version, DROP COLUMN consented_at, DROP COLUMN confirmed_at, DROP COLUMN unsubscribed_at`);
  }
}
