import { Inject, Injectable, Logger } from '@nestjs/common';
import { RetentionRepository } from './retention.repository';

/** Rows per statement: each batch holds its row locks only briefly. */
export const RETENTION_BATCH = 5000;

export interface ScrubResult {
  letters: number;
  notes: number;
  messages: number;
}

/**
 * RETENTION_DAYS: what links a person to old letters is scrubbed, the counts are not. For
 * letters older than the cutoff and in a final status: the link to the supporter (their
 * counts kept in supporter_letter_counts first) and the signature's note once every letter of
 * it is old and final; messages of solidarity done with: their text and their member.
 * A member's letters page (/api/me/letters) no longer lists the scrubbed letters.
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger(RetentionService.name);

  constructor(@Inject(RetentionRepository) private readonly retention: RetentionRepository) {}

  async scrub(days: number, now: Date = new Date(), batch = RETENTION_BATCH): Promise<ScrubResult> {
    const before = new Date(now.getTime() - days * 86_400_000);
    const result: ScrubResult = {
      // Notes first: clearNotes needs no supporter link, but the order keeps each statement's work small.
      notes: await this.repeat(() => this.retention.clearNotes(before, batch)),
      letters: await this.repeat(() => this.retention.unlinkLetters(before, batch)),
      messages: await this.repeat(() => this.retention.scrubMessages(before, batch)),
    };
    // TODO(inbound): scrub replies' personal details (sender address and name, body) older
    // than `before` once the inbound records exist: one more batched statement here, e.g.
    // this.repeat(() => this.retention.scrubReplies(before, batch)), counts of replies unchanged.
    if (result.letters + result.notes + result.messages > 0) this.logger.log(`Retention: ${result.letters} letters unlinked, ${result.notes} notes and ${result.messages} messages scrubbed`);
    return result;
  }

  private async repeat(step: () => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const changed = await step();
      total += changed;
      if (changed === 0) return total;
    }
  }
}
