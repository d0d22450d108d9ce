import { deepFreeze } from '../common/deep-freeze';
import type { ChangeNoticesService } from './change-notices.service';
import { CONTENT_CHANGES_CHANNEL } from './content-changes';

/**
 * What a page reads from the content tables, kept in memory per process by key, under one
 * rule: every change to those tables commits with a notice on the content channel, and every
 * process drops all it keeps when it hears one (the process that made the change hears it at
 * once: afterStaffChanges). While the notices are not heard nothing is kept; content read
 * while a notice arrived is not kept (`mark` before the read, `keep` after); nothing is kept
 * longer than `ttlMs`, nor more than `most` keys (the least lately used goes first). What is
 * kept is deep-frozen: no caller can change it for the next.
 */
export class KeptContent<T extends object> {
  private readonly kept = new Map<string, { value: T; at: number }>();
  private generation = 0;

  constructor(
    private readonly notices: ChangeNoticesService,
    private readonly ttlMs: number,
    private readonly most = Number.POSITIVE_INFINITY,
  ) {
    const dropAll = () => {
      this.generation += 1;
      this.kept.clear();
    };
    notices.subscribe(CONTENT_CHANGES_CHANNEL, { notice: dropAll, reset: dropAll });
  }

  /** The content kept for `key`, or null: then read it, with `mark()` taken before, and `keep` it. */
  get(key: string): T | null {
    if (!this.notices.listening) return null;
    const kept = this.kept.get(key);
    if (!kept) return null;
    this.kept.delete(key);
    if (performance.now() - kept.at >= this.ttlMs) return null;
    // Used again: the last to go.
    this.kept.set(key, kept);
    return kept.value;
  }

  /** Taken before a read: what is read is kept only if no notice came in between. */
  mark(): number {
    return this.generation;
  }

  /** Keeps content read since `mark` (frozen, as returned), unless a notice came meanwhile or none can be heard. */
  keep(key: string, value: T, mark: number): T {
    if (!this.notices.listening || mark !== this.generation) return value;
    const frozen = deepFreeze(value);
    this.kept.set(key, { value: frozen, at: performance.now() });
    if (this.kept.size > this.most) this.kept.delete(this.kept.keys().next().value as string);
    return frozen;
  }

  /** The kept content of `key`, or `read()`'s, kept; null (never kept) when there is none. */
  async through(key: string, read: () => Promise<T | null>): Promise<T | null> {
    const kept = this.get(key);
    if (kept) return kept;
    const mark = this.mark();
    const value = await read();
    return value === null ? null : this.keep(key, value, mark);
  }
}
