import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the inbound listener has accepted and not yet applied: each message is written here
 * (its bytes and envelope recipients) before the sender gets its 250, so nothing accepted is
 * lost, and applied later in large batches (bounces, delays, complaints, replies), its row
 * deleted in the same transaction. `attempts` counts batches that failed on it: a message
 * that fails again and again is kept for review instead of holding the queue.
 */
export class InboundQueue1765530000000 implements MigrationInterface {
  name = 'InboundQueue1765530000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE inbound_queue (
      id bigserial PRIMARY KEY,
      received_at timestamptz NOT NULL DEFAULT now(),
      recipients text[] NOT NULL,
      raw bytea NOT NULL,
      attempts int NOT NULL DEFAULT 0)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE inbound_queue`);
  }
}
