import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { LetterStatus } from '../letters/letter.entity';

/** A letter in one of these statuses will not be rendered or sent again: its links may go. */
export const FINAL_LETTER_STATUSES: readonly LetterStatus[] = ['sent', 'failed', 'unknown', 'cancelled', 'bounced', 'posted'];
/** A message of solidarity decided and done with: rejected, or on a card already (approved ones still wait to be printed). */
export const DONE_MESSAGE_STATUSES = ['rejected', 'printed', 'posted'] as const;

/**
 * The retention scrub's statements, each over one batch of rows (a short lock, never the
 * whole table), each answering how many rows it changed so the caller repeats until none.
 */
@Injectable()
export class RetentionRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /**
   * Removes the supporter link of one batch of old final letters, adding what they were to
   * supporter_letter_counts in the same statement, so a supporter's counts stay the same.
   */
  async unlinkLetters(before: Date, limit: number): Promise<number> {
    const [, changed] = await this.db.query<[unknown, number]>(
      `WITH batch AS (
         SELECT l.id, l.supporter_id, a.case_id, l.status FROM letters l JOIN appeals a ON a.id = l.appeal_id
          WHERE l.supporter_id IS NOT NULL AND l.created_at < $1 AND l.status = ANY($2::text[])
          ORDER BY l.created_at LIMIT $3 FOR UPDATE OF l SKIP LOCKED),
       counted AS (
         INSERT INTO supporter_letter_counts (supporter_id, case_id, status, count)
         SELECT supporter_id, case_id, status, count(*)::int FROM batch GROUP BY supporter_id, case_id, status
         ON CONFLICT (supporter_id, case_id, status) DO UPDATE SET count = supporter_letter_counts.count + EXCLUDED.count)
       UPDATE letters l SET supporter_id = NULL FROM batch WHERE l.id = batch.id`,
      [before, FINAL_LETTER_STATUSES, limit],
    );
    return changed;
  }

  /** Clears the note of one batch of signatures whose letters are all old and final. */
  async clearNotes(before: Date, limit: number): Promise<number> {
    const [, changed] = await this.db.query<[unknown, number]>(
      `UPDATE signatures SET note = NULL WHERE id IN (
         SELECT sg.id FROM signatures sg
          WHERE sg.note IS NOT NULL AND sg.created_at < $1
            AND NOT EXISTS (SELECT 1 FROM letters l WHERE l.signature_id = sg.id AND (l.created_at >= $1 OR l.status <> ALL($2::text[])))
          LIMIT $3 FOR UPDATE SKIP LOCKED)`,
      [before, FINAL_LETTER_STATUSES, limit],
    );
    return changed;
  }

  /** Empties the text and removes the member of one batch of old messages of solidarity that are done with. */
  async scrubMessages(before: Date, limit: number): Promise<number> {
    const [, changed] = await this.db.query<[unknown, number]>(
      `UPDATE messages SET text = '', supporter_id = NULL WHERE id IN (
         SELECT id FROM messages WHERE created_at < $1 AND status = ANY($2::text[]) AND (text <> '' OR supporter_id IS NOT NULL)
          LIMIT $3 FOR UPDATE SKIP LOCKED)`,
      [before, DONE_MESSAGE_STATUSES, limit],
    );
    return changed;
  }
}
