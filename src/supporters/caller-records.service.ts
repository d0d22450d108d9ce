import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { ChangeNoticesService } from '../database/change-notices.service';
import { CallerRecordsRepository } from './caller-records.repository';
import type { SupporterView } from './dto/supporter.dto';

/** The channel the supporters table's triggers announce changed rows on (migration SupporterChanges). */
export const SUPPORTER_CHANGES_CHANNEL = 'qalam_supporters';
/** The longest an entry is kept, whatever is heard: the rule's backstop, should a notice ever be missed. */
export const CALLER_RECORD_TTL_MS = 10_000;
const MAX_ENTRIES = 50_000;

/**
 * The caller's record for every authenticated API request, kept in memory so that a request
 * needs no query: the one hot lookup every API call makes.
 *
 * The rule that keeps it right: every change to a supporter's row commits with a notice on
 * `qalam_supporters` (a statement trigger, whoever wrote it), and each API process drops
 * the named records when it hears it, so a deactivation or a role change holds in every
 * process within the notice's delivery (milliseconds). The process that makes a change
 * through SupportersService also drops the record itself before it answers. While the
 * listening connection is down (Postgres restarting, say) nothing is kept and every
 * request reads the row, as without a cache; a record read while a notice arrived is not
 * kept; and no record is kept longer than CALLER_RECORD_TTL_MS.
 */
@Injectable()
export class CallerRecordsService {
  // The clock read at each look-up, not cached through a timer (as LiveStaffSessionsService's).
  private readonly cache = new LRUCache<string, SupporterView>({ max: MAX_ENTRIES, ttl: CALLER_RECORD_TTL_MS, ttlResolution: 0 });
  /** Counts notices and resets: a read that saw it change keeps nothing. */
  private generation = 0;

  constructor(
    @Inject(CallerRecordsRepository) private readonly rows: CallerRecordsRepository,
    @Inject(ChangeNoticesService) private readonly notices: ChangeNoticesService,
  ) {
    notices.subscribe(SUPPORTER_CHANGES_CHANNEL, {
      notice: (payload) => {
        this.generation += 1;
        if (payload === '*' || payload === '') this.cache.clear();
        else for (const id of payload.split(',')) this.cache.delete(id);
      },
      reset: () => {
        this.generation += 1;
        this.cache.clear();
      },
    });
  }

  /** Whether records are being kept (the notices are heard). */
  get keeping(): boolean {
    return this.notices.listening;
  }

  /** The supporter's record as it is now (role and active included), or null. */
  async record(id: string): Promise<SupporterView | null> {
    if (this.notices.listening) {
      const kept = this.cache.get(id);
      if (kept) return kept;
    }
    const generation = this.generation;
    const row = await this.rows.record(id);
    if (row && this.notices.listening && generation === this.generation) this.cache.set(id, row);
    return row;
  }

  /**
   * Drops a record this process has just changed, so its own next request reads the row: heard
   * here as the table's notice, by every copy of supporters kept in this process (the staff
   * console's live sessions, say, whose role a change may end).
   */
  forget(id: string): void {
    this.notices.changedHere(SUPPORTER_CHANGES_CHANNEL, id);
  }
}
