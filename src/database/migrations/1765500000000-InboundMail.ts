import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the inbound listener receives (bounces, delays, complaints, replies, and what it could
 * not read or would not trust, kept for review) and what it changes: a letter's recorded
 * delay, an official flagged for the coordinator, a member's address known undeliverable
 * (cleared by a trigger whenever the address changes, wherever it is changed).
 */
export class InboundMail1765500000000 implements MigrationInterface {
  name = 'InboundMail1765500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE inbound_mail (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      received_at timestamptz NOT NULL DEFAULT now(),
      kind text NOT NULL CHECK (kind IN ('bounce', 'delay', 'complaint', 'reply', 'unreadable', 'ignored')),
      letter_id uuid REFERENCES letters(id) ON DELETE SET NULL,
      supporter_id uuid REFERENCES supporters(id) ON DELETE SET NULL,
      case_id uuid REFERENCES cases(id) ON DELETE CASCADE,
      official_id uuid REFERENCES officials(id) ON DELETE SET NULL,
      status_code text,
      diagnostic text,
      from_address text,
      subject text,
      body_text text,
      raw bytea,
      effect_key text,
      case_event_id uuid REFERENCES case_events(id) ON DELETE SET NULL,
      reviewed_at timestamptz)`);
    // The same report twice (an MTA retrying, a feedback loop sending again) changes nothing more.
    await db.query(`CREATE UNIQUE INDEX inbound_mail_effect ON inbound_mail (effect_key) WHERE effect_key IS NOT NULL`);
    await db.query(`CREATE INDEX inbound_mail_case_replies ON inbound_mail (case_id, received_at DESC, id) WHERE kind = 'reply'`);
    await db.query(`CREATE INDEX inbound_mail_kind ON inbound_mail (kind)`);

    await db.query(`ALTER TABLE letters ADD COLUMN delayed_at timestamptz, ADD COLUMN delay_status text`);
    await db.query(`ALTER TABLE officials ADD COLUMN flagged_at timestamptz, ADD COLUMN flag_reason text`);
    await db.query(`ALTER TABLE supporters ADD COLUMN email_undeliverable_at timestamptz`);
    await db.query(`CREATE FUNCTION supporters_email_deliverable_again() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.email_undeliverable_at := NULL;
        RETURN NEW;
      END $$`);
    await db.query(`CREATE TRIGGER supporters_email_changed BEFORE UPDATE OF email ON supporters
      FOR EACH ROW WHEN (OLD.email IS DISTINCT FROM NEW.email) EXECUTE FUNCTION supporters_email_deliverable_again()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER supporters_email_changed ON supporters`);
    await db.query(`DROP FUNCTION supporters_email_deliverable_again()`);
    await db.query(`ALTER TABLE supporters DROP COLUMN email_undeliverable_at`);
    await db.query(`ALTER TABLE officials DROP COLUMN flagged_at, DROP COLUMN flag_reason`);
    await db.query(`ALTER TABLE letters DROP COLUMN delayed_at, DROP COLUMN delay_status`);
    await db.query(`DROP TABLE inbound_mail`);
  }
}
