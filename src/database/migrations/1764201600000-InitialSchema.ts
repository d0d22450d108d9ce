import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764201600000 implements MigrationInterface {
  name = 'InitialSchema1764201600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE supporters (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email text NOT NULL UNIQUE CHECK (email = lower(email)),
      name text NOT NULL,
      country char(2) NOT NULL,
      city text,
      language text NOT NULL DEFAULT 'en',
      role text NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'coordinator', 'admin')),
      password_hash text,
      auto_sign boolean NOT NULL DEFAULT false,
      signature_style text NOT NULL DEFAULT 'full' CHECK (signature_style IN ('full', 'initials', 'anonymous')),
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await db.query(`CREATE INDEX supporters_auto_sign ON supporters (id) WHERE auto_sign AND active`);

    await db.query(`CREATE TABLE cases (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      country char(2) NOT NULL,
      profession text,
      status text NOT NULL CHECK (status IN ('detained', 'on-trial', 'sentenced', 'at-risk', 'released', 'deceased')),
      summary text NOT NULL,
      detained_on date,
      charges text,
      tags text[] NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);

    await db.query(`CREATE TABLE case_events (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      case_id uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
      occurred_on date NOT NULL,
      kind text NOT NULL,
      description text NOT NULL,
      source_url text,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await db.query(`CREATE INDEX case_events_case ON case_events (case_id, occurred_on)`);

    await db.query(`CREATE TABLE officials (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      title text NOT NULL,
      salutation text,
      organisation text,
      country char(2) NOT NULL,
      email text,
      postal_address text,
      language text NOT NULL,
      timezone text,
      max_letters_per_hour int CHECK (max_letters_per_hour > 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (email IS NOT NULL OR postal_address IS NOT NULL))`);

    await db.query(`CREATE TABLE templates (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('appeal', 'thank-you', 'invitation')),
      language text NOT NULL,
      subject text NOT NULL,
      body text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);

    await db.query(`CREATE TABLE appeals (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      case_id uuid NOT NULL REFERENCES cases (id),
      title text NOT NULL,
      channel text NOT NULL DEFAULT 'email' CHECK (channel IN ('email')),
      status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'paused', 'cancelled', 'closed')),
      launched_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await db.query(`CREATE INDEX appeals_case ON appeals (case_id)`);

    await db.query(`CREATE TABLE appeal_templates (
      appeal_id uuid NOT NULL REFERENCES appeals (id) ON DELETE CASCADE,
      template_id uuid NOT NULL REFERENCES templates (id),
      PRIMARY KEY (appeal_id, template_id))`);
    await db.query(`CREATE TABLE appeal_officials (
      appeal_id uuid NOT NULL REFERENCES appeals (id) ON DELETE CASCADE,
      official_id uuid NOT NULL REFERENCES officials (id),
      PRIMARY KEY (appeal_id, official_id))`);

    await db.query(`CREATE TABLE signatures (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      appeal_id uuid NOT NULL REFERENCES appeals (id),
      supporter_id uuid NOT NULL REFERENCES supporters (id),
      note text,
      signature_style text NOT NULL CHECK (signature_style IN ('full', 'initials', 'anonymous')),
      auto_signed boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT signatures_appeal_supporter UNIQUE (appeal_id, supporter_id))`);
    await db.query(`CREATE INDEX signatures_supporter ON signatures (supporter_id)`);

    await db.query(`CREATE TABLE letters (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      appeal_id uuid NOT NULL REFERENCES appeals (id),
      supporter_id uuid REFERENCES supporters (id),
      official_id uuid NOT NULL REFERENCES officials (id),
      signature_id uuid NOT NULL REFERENCES signatures (id),
      status text NOT NULL DEFAULT 'queued'
        CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'unknown', 'cancelled', 'bounced')),
      attempts int NOT NULL DEFAULT 0,
      smtp_response text,
      message_id text,
      last_error text,
      claimed_at timestamptz,
      sent_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT letters_appeal_supporter_official UNIQUE (appeal_id, supporter_id, official_id))`);
    await db.query(`CREATE INDEX letters_supporter ON letters (supporter_id, created_at DESC)`);
    await db.query(`CREATE INDEX letters_official ON letters (official_id, status)`);
    await db.query(`CREATE INDEX letters_appeal_status ON letters (appeal_id, status)`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['letters', 'signatures', 'appeal_officials', 'appeal_templates', 'appeals', 'templates', 'officials', 'case_events', 'cases', 'supporters']) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
