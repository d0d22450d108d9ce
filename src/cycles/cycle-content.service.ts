import { Inject, Injectable } from '@nestjs/common';
import { ChangeNoticesService } from '../database/change-notices.service';
import { CONTENT_CHANGES_CHANNEL } from '../database/content-changes';
import { KeptContent } from '../database/kept-content';
import { CycleContentRow, CyclesRepository } from './cycles.repository';

/** The channel the content tables' triggers announce every change on (migration CycleContentChanges). */
export const CYCLE_CONTENT_CHANNEL = CONTENT_CHANGES_CHANNEL;
/** The longest a cycle's content is kept, whatever is heard: the backstop, should a notice ever be missed. */
export const CYCLE_CONTENT_TTL_MS = 30_000;

/**
 * What a cycle's signing page shows every member alike (its appeals, cases with their
 * timelines, officials and templates), read once and kept in memory: on a Write for Rights
 * day thousands of members open the same month within the hour, and this was most of each
 * page's work in Postgres.
 *
 * The rule that keeps it right (KeptContent): any change to the tables it is read from
 * (cycles, cycle_appeals, appeals, appeal_officials, appeal_templates, cases, case_events,
 * officials, templates; counters excepted) commits with a notice on `qalam_cycle_content`,
 * and every process drops all it keeps when it hears one, so a coordinator's edit shows on
 * the next page opened. While the notices are not heard nothing is kept; content read while
 * a notice arrived is not kept; nothing is kept longer than CYCLE_CONTENT_TTL_MS. What is
 * kept is frozen: no page can change it for the next member.
 */
@Injectable()
export class CycleContentService {
  private readonly kept: KeptContent<CycleContentRow>;

  constructor(
    @Inject(CyclesRepository) private readonly cycles: CyclesRepository,
    @Inject(ChangeNoticesService) notices: ChangeNoticesService,
  ) {
    this.kept = new KeptContent(notices, CYCLE_CONTENT_TTL_MS);
  }

  /** The cycle's content, or null for a draft or unknown cycle (never kept: it may open any moment). */
  content(cycleId: string): Promise<CycleContentRow | null> {
    return this.kept.through(cycleId, () => this.cycles.memberContent(cycleId));
  }
}
