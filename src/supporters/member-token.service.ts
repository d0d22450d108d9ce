import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { LRUCache } from 'lru-cache';

/** What a link in a member's email may do; each purpose has its own audience, so no link works for another. */
export type MemberTokenPurpose = 'sign' | 'unsubscribe' | 'confirm';

export interface MemberTokenClaims {
  supporterId: string;
  /** The cycle a sign link belongs to. */
  cycleId?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a link's payload names a supporter (and a cycle, if any) by id: one signed with anything else (an empty subject, say) is not a link of ours to follow. */
export function namesIds(payload: { sub?: unknown; cyc?: unknown }): payload is { sub: string; cyc?: string } {
  return typeof payload.sub === 'string' && UUID.test(payload.sub) && (payload.cyc === undefined || (typeof payload.cyc === 'string' && UUID.test(payload.cyc)));
}

const LIFETIMES: Record<MemberTokenPurpose, string> = { sign: '45d', confirm: '7d', unsubscribe: '3650d' };

/**
 * Signed, expiring links for members who have no password: to sign a cycle's letters, to
 * confirm a signup, to unsubscribe. Signed with APP_SECRET; a tampered or expired token is
 * simply not valid (null), never an error.
 */
@Injectable()
export class MemberTokenService {
  /**
   * Links already verified, by purpose and whole text (signature included: only that very
   * link matches), with their expiry, checked again at every use: a member's page verifies
   * its link more than once, and a member opens the same link again and again.
   */
  private readonly verified = new LRUCache<string, { claims: MemberTokenClaims; expiresAt: number }>({ max: 20_000 });
  /** Each member's unsubscribe link, issued at most once an hour per process (it lasts ten years). */
  private readonly unsubscribeLinks = new LRUCache<string, string>({ max: 20_000, ttl: 60 * 60 * 1000 });

  constructor(@Inject(JwtService) private readonly jwt: JwtService) {}

  issue(purpose: MemberTokenPurpose, claims: MemberTokenClaims): string {
    return this.jwt.sign({ sub: claims.supporterId, ...(claims.cycleId ? { cyc: claims.cycleId } : {}) }, { audience: `qalam:${purpose}`, expiresIn: LIFETIMES[purpose] as never });
  }

  /** The member's unsubscribe link for the footer of their pages: one recently issued, or a new one. */
  unsubscribeToken(supporterId: string): string {
    let token = this.unsubscribeLinks.get(supporterId);
    if (token === undefined) {
      token = this.issue('unsubscribe', { supporterId });
      this.unsubscribeLinks.set(supporterId, token);
    }
    return token;
  }

  verify(purpose: MemberTokenPurpose, token: string): MemberTokenClaims | null {
    if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token) || token.length > 2000) return null;
    const key = `${purpose} ${token}`;
    const known = this.verified.get(key);
    if (known) return known.expiresAt > Date.now() ? known.claims : null;
    try {
      const payload = this.jwt.verify<{ sub: string; cyc?: string; exp?: number }>(token, { audience: `qalam:${purpose}` });
      if (!namesIds(payload)) return null;
      const claims: MemberTokenClaims = Object.freeze({ supporterId: payload.sub, ...(typeof payload.cyc === 'string' ? { cycleId: payload.cyc } : {}) });
      if (typeof payload.exp === 'number') this.verified.set(key, { claims, expiresAt: payload.exp * 1000 });
      return claims;
    } catch {
      return null;
    }
  }
}
