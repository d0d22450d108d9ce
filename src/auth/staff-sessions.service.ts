import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { CookieOptions, Request, Response } from 'express';
import type { Caller } from '../common/auth/current-supporter.decorator';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
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
 */
@Injectable()
export class StaffSessionsService {
  /** `__Host-` on https: the browser then refuses the cookie from any subdomain or over http. */
  readonly cookieName: string;
  private readonly secure: boolean;

  constructor(
    @Inject(StaffSessionsRepository) private readonly sessions: StaffSessionsRepository,
    @Inject(QALAM_CONFIG) config: QalamConfig,
  ) {
    this.secure = config.publicUrl.startsWith('https:');
    this.cookieName = this.secure ? '__Host-qalam_session' : 'qalam_session';
  }

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
    const holder = await this.sessions.findLive(hashOf(token), SESSION_IDLE_SECONDS);
    if (!holder) return null;
    if (Date.now() - new Date(holder.lastSeenAt).getTime() > TOUCH_EVERY_SECONDS * 1000) await this.sessions.touch(holder.sessionId, TOUCH_EVERY_SECONDS);
    return { id: holder.supporterId, role: holder.role, language: holder.language };
  }

  /** Ends the request's session on the server, if it names one. */
  async end(request: Request): Promise<void> {
    const token = this.tokenOf(request);
    if (token) await this.sessions.deleteByHash(hashOf(token));
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
    return token ? hashOf(token).toString('base64url') : '';
  }

  private tokenOf(request: Request): string | undefined {
    const value = (request.cookies as Record<string, unknown> | undefined)?.[this.cookieName];
    return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
  }
}

function hashOf(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
