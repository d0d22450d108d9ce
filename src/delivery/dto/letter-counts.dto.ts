import { ApiCount } from '../../common/api-properties';
import type { LetterStatus } from '../../letters/letter.entity';

/** Letters by status, every status present (zero when none), and their total. */
export class LetterCountsView {
  @ApiCount() total: number;
  @ApiCount() queued: number;
  /** Waiting for a coordinator to approve or reject the signer's note. */
  @ApiCount() held: number;
  @ApiCount() sending: number;
  @ApiCount() sent: number;
  @ApiCount() failed: number;
  @ApiCount() unknown: number;
  @ApiCount() cancelled: number;
  @ApiCount() bounced: number;
  @ApiCount() printed: number;
  @ApiCount() posted: number;
}

// Fails to compile when a letter status is added without its field above.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const LETTER_COUNTS_IN_STEP: Same<keyof LetterCountsView, LetterStatus | 'total'> = true;
