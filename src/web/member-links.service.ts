import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { MemberTokenClaims, MemberTokenPurpose, MemberTokenService, namesIds } from '../supporters/member-token.service';

export type MemberLink = { kind: 'valid'; claims: MemberTokenClaims } | { kind: 'expired' } | { kind: 'invalid' };

/**
 * Tells a member's link apart as valid, expired or not valid at all, so that the page can
 * say which: an expired link is our own that aged (410, "ask for a new one"), anything
 * else is not a link we made (404). Only a token whose signature and audience hold counts
 * as expired; a tampered one is never told more than "not valid".
 */
@Injectable()
export class MemberLinksService {
  constructor(
    @Inject(MemberTokenService) private readonly tokens: MemberTokenService,
    @Inject(JwtService) private readonly jwt: JwtService,
  ) {}

  resolve(purpose: MemberTokenPurpose, token: string): MemberLink {
    const claims = this.tokens.verify(purpose, token);
    if (claims) {
      // A sign link without its cycle cannot open a page.
      if (purpose === 'sign' && !claims.cycleId) return { kind: 'invalid' };
      return { kind: 'valid', claims };
    }
    if (token.length > 2000) return { kind: 'invalid' };
    try {
      const payload = this.jwt.verify<{ sub?: unknown; cyc?: unknown }>(token, { audience: `qalam:${purpose}`, ignoreExpiration: true });
      return namesIds(payload) ? { kind: 'expired' } : { kind: 'invalid' };
    } catch {
      return { kind: 'invalid' };
    }
  }

  /** A link to stop every email, shown on a member's pages. */
  unsubscribeUrl(supporterId: string): string {
    return `/unsubscribe/${this.tokens.unsubscribeToken(supporterId)}`;
  }
}
