import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { Role } from '../common/auth/roles';
import { ChangeNoticesService } from '../database/change-notices.service';
import { SUPPORTER_CHANGES_CHANNEL } from '../supporters/caller-records.service';

/** The channel staff_sessions' triggers announce ended sessions on (migration StaffSessionChanges). */
export const STAFF_SESSION_CHANGES_CHANNEL = 'qalam_staff_sessions';
/** The longest a session is kept, whatever is heard: the rule's backstop, should a notice ever be missed. */
export const LIVE_SESSION_TTL_MS = 10_000;
const MAX_SESSIONS = 10_000;

/** A live session as read from its row, its times on this process's monotonic clock (`performance.now()`). */
export interface LiveSession {
  sessionId: string;
  supporterId: string;
  role: Role;
  language: string;
  /** When the row says it was last seen; moved on when this process marks it seen. */
  lastSeenAt: number;
  expiresAt: number;
}

/**
 * The staff console's live sessions kept in memory per process, by the SHA-256 of their
 * token (never the token), so that a console page reads no row to know who is calling.
 * StaffSessionsService re-checks expiry and idle time at every use from what was read, and
 * marks the row seen as often as without it.
 *
 * The rule that keeps it right: every ended session (logout, a password change or reset
 * ending the account's others, a supporter deactivated or given another role, whose trigger
 * deletes their sessions; SQL by hand alike) commits with a notice on `qalam_staff_sessions` naming the
 * sessions (or `*`), and every change to a supporter's row with one on `qalam_supporters`
 * naming them; each process drops what is named when it hears it, so an ended session stops
 * working in every process within the notice's delivery. The process that ends a session
 * drops it itself before it answers, so its very next request refuses it. While the listening
 * connection is down nothing is kept and every request reads the row; a session read while a
 * notice arrived is not kept; and nothing is kept longer than LIVE_SESSION_TTL_MS.
 */
@Injectable()
export class LiveStaffSessionsService {
  // ttlResolution 0: the clock is read at each look-up; with lru-cache's default it would be
  // read at most once a millisecond, through a timer set on every such read (a thousand a second under load).
  private readonly kept = new LRUCache<string, LiveSession>({ max: MAX_SESSIONS, ttl: LIVE_SESSION_TTL_MS, ttlResolution: 0 });
  /** Counts notices and drops: a read that saw one keeps nothing. */
  private dropped = 0;

  constructor(@Inject(ChangeNoticesService) private readonly notices: ChangeNoticesService) {
    const reset = () => {
      this.dropped += 1;
      this.kept.clear();
    };
    notices.subscribe(STAFF_SESSION_CHANGES_CHANNEL, { notice: (payload) => this.dropWhere('sessionId', payload), reset });
    notices.subscribe(SUPPORTER_CHANGES_CHANNEL, { notice: (payload) => this.dropWhere('supporterId', payload), reset });
  }

  /** Whether sessions are being kept (the notices are heard). */
  get keeping(): boolean {
    return this.notices.listening;
  }

  /** A mark to take before reading a row, for `keep`. */
  mark(): number {
    return this.dropped;
  }

  /** The session kept under this token hash, if any. */
  get(tokenKey: string): LiveSession | undefined {
    return this.notices.listening ? this.kept.get(tokenKey) : undefined;
  }

  /** Keeps a session read since `mark`, unless a notice or a drop came meanwhile or nobody listens. */
  keep(tokenKey: string, session: LiveSession, mark: number): void {
    if (this.notices.listening && mark === this.dropped) this.kept.set(tokenKey, session);
  }

  /** Drops one session (this process has just ended it, or must read its row again). */
  forget(tokenKey: string): void {
    this.dropped += 1;
    this.kept.delete(tokenKey);
  }

  /** Drops every session of a supporter (this process has just ended them). */
  forgetSupporter(supporterId: string): void {
    this.dropWhere('supporterId', supporterId);
  }

  private dropWhere(field: 'sessionId' | 'supporterId', payload: string): void {
    this.dropped += 1;
    if (payload === '*' || payload === '') {
      this.kept.clear();
      return;
    }
    const named = new Set(payload.split(','));
    const gone: string[] = [];
    // Staff sessions are few (those used in the last seconds): a scan costs less than keeping indexes right.
    for (const [tokenKey, session] of this.kept.entries()) if (named.has(session[field])) gone.push(tokenKey);
    for (const tokenKey of gone) this.kept.delete(tokenKey);
  }
}
