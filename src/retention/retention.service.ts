import { Inject, Injectable, Logger } from '@nestjs/common';
import { InboundMailRepository } from '../inbound-mail/inbound-mail.repository';
import { LettersRepository } from '../letters/letters.repository';
import { SignaturesRepository } from '../letters/signatures.repository';
import { MessagesRepository } from '../messages/messages.repository';

/** Rows per statement: each batch holds its row locks only briefly. */
export const RETENTION_BATCH = 5000;

export interface ScrubResult {
  letters: number;
  notes: number;
  messages: number;
  /** Inbound mail (replies, reports) whose sender, subject, text and bytes were removed. */
  inbound: number;
}

/**
 * RETENTION_DAYS: what links a person to old letters is scrubbed, the counts are not. For
 * letters older than the cutoff and in a final status: the link to the supporter (their
 * counts kept in supporter_letter_counts first) and the signature's note once every letter of
 * it is old and final; messages of solidarity done with: their text and their member; inbound mail (replies and
 * reports): the sender, subject, text and bytes (the rows and their counts stay).
 * A member's letters page (/api/me/letters) no longer lists the scrubbed letters.
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger(RetentionService.name);

  constructor(
    @Inject(LettersRepository) private readonly letters: LettersRepository,
    @Inject(SignaturesRepository) private readonly signatures: SignaturesRepository,
    @Inject(MessagesRepository) private readonly messages: MessagesRepository,
    @Inject(InboundMailRepository) private readonly inbound: InboundMailRepository,
  ) {}

  async scrub(days: number, now: Date = new Date(), batch = RETENTION_BATCH): Promise<ScrubResult> {
    const before = new Date(now.getTime() - days * 86_400_000);
    const result: ScrubResult = {
      // Notes first: clearNotes needs no supporter link, but the order keeps each statement's work small.
      notes: await this.repeat(() => this.signatures.clearOldNotes(before, batch)),
      letters: await this.repeat(() => this.letters.unlinkOld(before, batch)),
      messages: await this.repeat(() => this.messages.scrubOld(before, batch)),
      inbound: await this.repeat(() => this.inbound.scrubOld(before, batch)),
    };
    if (result.letters + result.notes + result.messages + result.inbound > 0) {
      this.logger.log(`Retention: ${result.letters} letters unlinked, ${result.notes} notes, ${result.messages} messages and ${result.inbound} inbound mails scrubbed`);
    }
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
