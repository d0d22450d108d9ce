import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';

/** What a link in a member's email may do; each purpose has its own audience, so no link works for another. */
export type MemberTokenPurpose = 'sign' | 'unsubscribe' | 'confirm';

export interface MemberTokenClaims {
  supporterId: string;
  /** The cycle a sign link belongs to. */
  cycleId?: string;
}

const LIFETIMES: Record<MemberTokenPurpose, string> = { sign: '45d', confirm: '7d', unsubscribe: '3650d' };

/**
 * Signed, expiring links for members who have no password: to sign a cycle's letters, to
 * confirm a signup, to unsubscribe. Signed with APP_SECRET; a tampered or expired token is
 * simply not valid (null), never an error.
 */
@Injectable()
export class MemberTokenService {
  constructor(@Inject(JwtService) private readonly jwt: JwtService) {}

  issue(purpose: MemberTokenPurpose, claims: MemberTokenClaims): string {
    return this.jwt.sign({ sub: claims.supporterId, ...(claims.cycleId ? { cyc: claims.cycleId } : {}) }, { audience: `qalam:${purpose}`, expiresIn: LIFETIMES[purpose] as never });
  }

  verify(purpose: MemberTokenPurpose, token: string): MemberTokenClaims | null {
    if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token) || token.length > 2000) return null;
    try {
      const payload = this.jwt.verify<{ sub: string; cyc?: string }>(token, { audience: `qalam:${purpose}` });
      if (typeof payload.sub !== 'string') return null;
      return { supporterId: payload.sub, ...(typeof payload.cyc === 'string' ? { cycleId: payload.cyc } : {}) };
    } catch {
      return null;
    }
  }
}
