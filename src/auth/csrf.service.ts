import { createHmac } from 'node:crypto';
import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { doubleCsrf, DoubleCsrfUtilities } from 'csrf-csrf';
import { LRUCache } from 'lru-cache';
import type { Request, Response } from 'express';
import { isCrossSite } from '../common/same-origin';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
import { StaffSessionsService } from './staff-sessions.service';

/** The hidden field every console form carries. */
export const CSRF_FIELD = '_csrf';

/** A form post without a valid CSRF token, or from another origin: 403, and nothing is written. */
export class CsrfRefusedError extends Error {
  constructor() {
    super('form refused: no valid CSRF token, or another origin');
  }
}

/**
 * CSRF tokens of the console's forms: csrf-csrf's signed double-submit cookie (stateless,
 * no express-session, which csrf-sync needs and which the server-side staff sessions make
 * redundant). Each token is an HMAC of a random value and the session it belongs to (the
 * hash of the session token; empty before sign-in), so a token of one session or of the
 * signed-out login form is refused in another session.
 */
@Injectable()
export class CsrfService {
  private readonly csrf: DoubleCsrfUtilities;
  /** The token each request already made: a page asks for it more than once (its forms, the layout's log-out). */
  private readonly made = new WeakMap<Request, string>();
  /**
   * Cookie tokens found valid, with the session binding each was valid for: csrf-csrf checks
   * a cookie's token by its HMAC, which depends on nothing but the secret (the process's),
   * the binding and the token, so a token once valid for a binding stays so. A page that
   * brings one reuses it without the HMAC, and without setting the cookie the browser has.
   */
  private readonly valid = new LRUCache<string, string>({ max: 10_000 });
  private readonly cookieName: string;

  constructor(
    @Inject(StaffSessionsService) private readonly sessions: StaffSessionsService,
    @Inject(QALAM_CONFIG) private readonly config: QalamConfig,
  ) {
    const secret = createHmac('sha256', config.appSecret).update('qalam:csrf').digest('hex');
    const secure = config.publicUrl.startsWith('https:');
    this.cookieName = secure ? '__Host-qalam_csrf' : 'qalam_csrf';
    this.csrf = doubleCsrf({
      getSecret: () => secret,
      getSessionIdentifier: (request) => this.sessions.sessionBinding(request),
      cookieName: this.cookieName,
      cookieOptions: { httpOnly: true, sameSite: 'lax', secure, path: '/' },
      getCsrfTokenFromRequest: (request) => {
        const value = (request.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
        return typeof value === 'string' ? value : undefined;
      },
    });
  }

  /** The token for a form on this page (the cookie's, reused while it is valid for this session). */
  tokenFor(request: Request, response: Response): string {
    // csrf-csrf reuses the token of the cookie the request brought; a second call in a request
    // that brought none (the first page after signing in) would make a second token and a
    // second cookie, and the page's first forms would carry a token the browser no longer has.
    let token = this.made.get(request);
    if (token === undefined) {
      const brought = (request.cookies as Record<string, unknown> | undefined)?.[this.cookieName];
      const binding = typeof brought === 'string' ? this.sessions.sessionBinding(request) : undefined;
      if (typeof brought === 'string' && this.valid.get(brought) === binding) {
        token = brought;
      } else {
        token = this.csrf.generateCsrfToken(request, response);
        // The library reuses the cookie's token only when it is valid for this binding.
        if (token === brought && binding !== undefined) this.valid.set(brought, binding);
      }
      this.made.set(request, token);
    }
    return token;
  }

  /** Throws CsrfRefusedError unless the post carries this session's token and comes from our own origin. */
  check(request: Request): void {
    if (isCrossSite(request, this.config.publicUrl) || !this.csrf.validateRequest(request)) throw new CsrfRefusedError();
  }
}

/** Checks every state-changing request of a controller (see CsrfService); GET and HEAD pass. */
@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(@Inject(CsrfService) private readonly csrf: CsrfService) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    if (request.method !== 'GET' && request.method !== 'HEAD') this.csrf.check(request);
    return true;
  }
}
