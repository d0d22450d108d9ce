import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Print runs and solidarity messages.
 *
 * - `print_runs`: one batch of postal letters (or solidarity cards) of an appeal or a
 *   cycle, rendered by a worker job to PRINT_DIR. Its letters are linked by
 *   `letters.print_run_id` from the moment the run is started (so no second run takes
 *   them); they become `printed` when the run is `ready`, `posted` when it is marked posted,
 *   and go back to waiting (`queued`, no run) when it fails or is discarded.
 * - `letters.channel`: null while the letter follows its appeal's channel; `post` once an
 *   `email-then-post` letter's email address has been refused (it then waits for a print run).
 * - `cases.accepts_messages`, `message_address`, `message_country`: where solidarity cards go
 *   (coordinators only ever see the address).
 * - `messages`: a member's short message to the person in a case, held for moderation,
 *   approved or rejected one by one, and printed on a card by a `cards` run.
 */
export class PrintRuns1765324800000 implements MigrationInterface {
  name = 'PrintRuns1765324800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE print_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('letters', 'cards')),
        appeal_id uuid REFERENCES appeals(id) ON DELETE RESTRICT,
        cycle_id uuid REFERENCES cycles(id) ON DELETE RESTRICT,
        status text NOT NULL DEFAULT 'rendering' CHECK (status IN ('rendering', 'ready', 'posted', 'discarded', 'failed')),
        paper_size text NOT NULL CHECK (paper_size IN ('A4', 'letter')),
        envelopes text NOT NULL DEFAULT 'DL' CHECK (envelopes IN ('DL', 'C5', 'labels')),
        letters int NOT NULL DEFAULT 0,
        pages int NOT NULL DEFAULT 0,
        files jsonb NOT NULL DEFAULT '[]'::jsonb,
        error text,
        posted_on date,
        started_by uuid REFERENCES supporters(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        rendered_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((appeal_id IS NULL) <> (cycle_id IS NULL))
      )`);
    await db.query(`CREATE INDEX print_runs_appeal ON print_runs (appeal_id, created_at DESC) WHERE appeal_id IS NOT NULL`);
    await db.query(`CREATE INDEX print_runs_cycle ON print_runs (cycle_id, created_at DESC) WHERE cycle_id IS NOT NULL`);
    await db.query(`CREATE INDEX print_runs_created ON print_runs (created_at DESC, id DESC)`);

    await db.query(`ALTER TABLE letters ADD COLUMN channel text CHECK (channel IN ('post'))`);
    await db.query(`ALTER TABLE letters ADD COLUMN print_run_id uuid REFERENCES print_runs(id) ON DELETE SET NULL`);
    await db.query(`CREATE INDEX letters_print_run ON letters (print_run_id, official_id, id) WHERE print_run_id IS NOT NULL`);

    await db.query(`ALTER TABLE cases ADD COLUMN accepts_messages boolean NOT NULL DEFAULT false`);
    await db.query(`ALTER TABLE cases ADD COLUMN message_address text`);
    await db.query(`ALTER TABLE cases ADD COLUMN message_country char(2)`);

    await db.query(`
      CREATE TABLE messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
        supporter_id uuid REFERENCES supporters(id) ON DELETE SET NULL,
        text text NOT NULL,
        language text NOT NULL DEFAULT 'en',
        status text NOT NULL DEFAULT 'held' CHECK (status IN ('held', 'approved', 'rejected', 'printed', 'posted')),
        print_run_id uuid REFERENCES print_runs(id) ON DELETE SET NULL,
        decided_by uuid REFERENCES supporters(id) ON DELETE SET NULL,
        decided_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX messages_case_status ON messages (case_id, status, created_at, id)`);
    await db.query(`CREATE INDEX messages_print_run ON messages (print_run_id) WHERE print_run_id IS NOT NULL`);
    await db.query(`CREATE INDEX messages_supporter ON messages (supporter_id) WHERE supporter_id IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE messages`);
    await db.query(`ALTER TABLE cases DROP COLUMN message_country, DROP COLUMN message_address, DROP COLUMN accepts_messages`);
    await db.query(`ALTER TABLE letters DROP COLUMN print_run_id, DROP COLUMN channel`);
    await db.query(`DROP TABLE print_runs`);
  }
}
