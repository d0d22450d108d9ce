import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Inject, Injectable } from '@nestjs/common';
import type { CookieOptions, Request, Response } from 'express';
import type { Caller } from '../common/auth/current-supporter.decorator';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
import { LiveSession, LiveStaffSessionsService } from './live-staff-sessions.service';
import { StaffSessionsRepository } from './staff-sessions.repository';

/** A session ends after 12 hours without a request, and 7 days after sign-in whatever happens. */
export const SESSION_IDLE_SECONDS = 12 * 60 * 60;
export const SESSION_ABSOLUTE_SECONDS = 7 * 24 * 60 * 60;
/** last_seen_at is written at most once a minute per session. */
const TOUCH_EVERY_SECONDS = 60;

/** A staff member signed in through the console, with the language of their pages. */
export interface StaffCaller extends Caller {
  language: string;
}

/**
 * Server-side sessions of the staff console. The cookie holds 32 random bytes; the table
 * holds their SHA-256 (a fast hash is enough for a random secret: nothing to brute-force).
 * Logging out deletes the row, so a replayed cookie opens nothing.
 *
 * A live session is kept in memory a few seconds (LiveStaffSessionsService, whose doc
 * states the rule that drops it when it ends): its expiry and idle time are checked at
 * every use from what was read, as the SQL checks them, a kept session that fails either is
 * read again, and last_seen_at is written as often as when every request read the row.
 */
@Injectable()
export class StaffSessionsService {
  /** `__Host-` on https: the browser then refuses the cookie from any subdomain or over http. */
  readonly cookieName: string;
  private readonly secure: boolean;

  constructor(
    @Inject(StaffSessionsRepository) private readonly sessions: StaffSessionsRepository,
    @Inject(LiveStaffSessionsService) private readonly live: LiveStaffSessionsService,
    @Inject(QALAM_CONFIG) config: QalamConfig,
  ) {
    this.secure = config.publicUrl.startsWith('https:');
    this.cookieName = this.secure ? '__Host-qalam_session' : 'qalam_session';
  }

  private readonly requestHashes = new WeakMap<Request, { token: string; hash: Buffer }>();

  /** Opens a session for a supporter the caller has just authenticated; returns the cookie's token. */
  async open(supporterId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.sessions.insert(hashOf(token), supporterId, SESSION_ABSOLUTE_SECONDS, SESSION_IDLE_SECONDS);
    return token;
  }

  /** The staff member behind the request's session cookie, or null (no cookie, unknown, expired, ended, or no longer staff). */
  async callerOf(request: Request): Promise<StaffCaller | null> {
    const token = this.tokenOf(request);
    if (!token) return null;
    const hash = this.hashOfRequest(request, token);
    const key = hash.toString('base64url');
    let session = this.live.get(key);
    // Kept but past its expiry or idle time by what was read: the row says (another process may have marked it seen since).
    if (session && !isLive(session, performance.now())) {
      this.live.forget(key);
      session = undefined;
    }
    if (!session) {
      const mark = this.live.mark();
      const readAt = performance.now();
      const holder = await this.sessions.findLive(hash, SESSION_IDLE_SECONDS);
      if (!holder) return null;
      // On this process's clock, from when the read began: expiry and idle time come no later than the SQL would see them.
      session = { sessionId: holder.sessionId, supporterId: holder.supporterId, role: holder.role, language: holder.language, lastSeenAt: readAt - holder.seenAgoMs, expiresAt: readAt + holder.expiresInMs };
      this.live.keep(key, session, mark);
    }
    if (performance.now() - session.lastSeenAt > TOUCH_EVERY_SECONDS * 1000) {
      const touchedAt = performance.now();
      // Not marked: gone, or marked lately by another process; the next request reads the row.
      if (await this.sessions.touch(session.sessionId, TOUCH_EVERY_SECONDS)) session.lastSeenAt = touchedAt;
      else this.live.forget(key);
    }
    return { id: session.supporterId, role: session.role, language: session.language };
  }

  /** Ends the request's session on the server, if it names one. */
  async end(request: Request): Promise<void> {
    const token = this.tokenOf(request);
    if (!token) return;
    const hash = hashOf(token);
    await this.sessions.deleteByHash(hash);
    // Committed: this process's next request with it reads the row (every other process drops it on the table's notice).
    this.live.forget(hash.toString('base64url'));
  }

  /** Ends the request's session on the server and clears the cookie. */
  async close(request: Request, response: Response): Promise<void> {
    await this.end(request);
    response.clearCookie(this.cookieName, this.cookieOptions());
  }

  /** Ends a supporter's sessions: all of them, or all but the request's own (a password changed while signed in). */
  async endAllOf(supporterId: string, keep?: Request): Promise<void> {
    const token = keep ? this.tokenOf(keep) : undefined;
    await this.sessions.deleteOfSupporter(supporterId, token ? hashOf(token) : null);
    this.live.forgetSupporter(supporterId);
  }

  setCookie(response: Response, token: string): void {
    response.cookie(this.cookieName, token, { ...this.cookieOptions(), maxAge: SESSION_ABSOLUTE_SECONDS * 1000 });
  }

  /**
   * HttpOnly; SameSite=Lax rather than Strict, so that a coordinator who follows a link to
   * /console/... from an email or a chat arrives signed in (Strict withholds the cookie on
   * that first navigation). Lax still keeps it off cross-site POSTs, frames and fetches, and
   * every form carries a CSRF token besides. Secure when PUBLIC_URL is https.
   */
  cookieOptions(): CookieOptions {
    return { httpOnly: true, sameSite: 'lax', secure: this.secure, path: '/' };
  }

  /** What binds a CSRF token to this session: the hash of its token (empty when signed out), never the token itself. */
  sessionBinding(request: Request): string {
    const token = this.tokenOf(request);
    return token ? this.hashOfRequest(request, token).toString('base64url') : '';
  }

  /** The hash of the request's session token, made once per request (the caller's lookup and the CSRF binding both need it). */
  private hashOfRequest(request: Request, token: string): Buffer {
    const known = this.requestHashes.get(request);
    if (known && known.token === token) return known.hash;
    const hash = hashOf(token);
    this.requestHashes.set(request, { token, hash });
    return hash;
  }

  private tokenOf(request: Request): string | undefined {
    const value = (request.cookies as Record<string, unknown> | undefined)?.[this.cookieName];
    return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
  }
}

/** Neither expired nor idle too long at `now`, as staff_sessions' SQL asks (`expires_at > now()`, `last_seen_at > now() - idle`). */
function isLive(session: LiveSession, now: number): boolean {
  return session.expiresAt > now && session.lastSeenAt > now - SESSION_IDLE_SECONDS * 1000;
}

function hashOf(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
