import { Inject, Injectable } from '@nestjs/common';
import { deepFreeze } from '../common/deep-freeze';
import { ChangeNoticesService } from '../database/change-notices.service';
import { CONTENT_CHANGES_CHANNEL } from '../database/content-changes';
import type { AppealContentRow } from './appeals.repository';

/** The longest an appeal's content is kept, whatever is heard: the backstop, should a notice ever be missed. */
export const APPEAL_CONTENT_TTL_MS = 30_000;
/** Appeals whose content is kept at most (the least lately opened goes first). */
export const APPEAL_CONTENT_KEPT = 500;

/**
 * What the console's appeal page shows that only the content tables change (the appeal's
 * title, deadline and links, its case, templates and officials: AppealContentRow), kept in
 * memory per process once read, so that opening the page reads only what moves: the
 * appeal's state, its letters, held notes and print runs. The letter to each official is
 * rendered from it once a day and kept with it (AppealsService.record).
 *
 * The rule that keeps it right is the signing page's (CycleContentService): every change to
 * those tables commits with a notice on the content channel, and every process drops all it
 * keeps when it hears one; the process that made the change drops it before its answer
 * leaves (afterStaffChanges), so a coordinator's edit shows on the next page opened. While
 * the notices are not heard nothing is kept; content read while a notice arrived is not
 * kept; nothing is kept longer than APPEAL_CONTENT_TTL_MS. What is kept is frozen.
 */
@Injectable()
export class AppealContentService {
  private readonly kept = new Map<string, { content: AppealContentRow; at: number }>();
  private generation = 0;

  constructor(@Inject(ChangeNoticesService) private readonly notices: ChangeNoticesService) {
    const dropAll = () => {
      this.generation += 1;
      this.kept.clear();
    };
    notices.subscribe(CONTENT_CHANGES_CHANNEL, { notice: dropAll, reset: dropAll });
  }

  /** The appeal's kept content, or null: then read it whole, and hand it to `keep` with the `mark` taken before the read. */
  get(id: string): AppealContentRow | null {
    if (!this.notices.listening) return null;
    const kept = this.kept.get(id);
    if (!kept) return null;
    if (performance.now() - kept.at >= APPEAL_CONTENT_TTL_MS) {
      this.kept.delete(id);
      return null;
    }
    // Opened again: the last to go.
    this.kept.delete(id);
    this.kept.set(id, kept);
    return kept.content;
  }

  /** Taken before a read: the content read is kept only if no notice came in between. */
  mark(): number {
    return this.generation;
  }

  /** Keeps content read since `mark` (frozen, as returned) unless a notice came meanwhile or none can be heard. */
  keep(id: string, content: AppealContentRow, mark: number): AppealContentRow {
    if (!this.notices.listening || mark !== this.generation) return content;
    const frozen = deepFreeze(content);
    this.kept.delete(id);
    this.kept.set(id, { content: frozen, at: performance.now() });
    if (this.kept.size > APPEAL_CONTENT_KEPT) this.kept.delete(this.kept.keys().next().value as string);
    return frozen;
  }
}
