import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export type PasswordTokenPurpose = 'reset' | 'invitation';

/** A reset link lasts an hour; an invitation a week (an invitee may read their mail late). */
export const PASSWORD_TOKEN_SECONDS: Readonly<Record<PasswordTokenPurpose, number>> = { reset: 60 * 60, invitation: 7 * 24 * 60 * 60 };

/** The SHA-256 of a link's token: what the table holds (a random secret needs no slow hash). */
export function passwordTokenHash(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Every statement on password_tokens: the single-use, expiring links of staff accounts. */
@Injectable()
export class PasswordTokensRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /**
   * A new link for the supporter; their earlier unused links end with it, so only the latest
   * mail works. Returns the token, which only the mail carries.
   */
  async issue(supporterId: string, purpose: PasswordTokenPurpose): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.db.query(
      `WITH ended AS (DELETE FROM password_tokens WHERE supporter_id = $1 AND used_at IS NULL)
       INSERT INTO password_tokens (token_hash, supporter_id, purpose, expires_at) VALUES ($2, $1, $3, now() + make_interval(secs => $4))`,
      [supporterId, passwordTokenHash(token), purpose, PASSWORD_TOKEN_SECONDS[purpose]],
    );
    return token;
  }

  /** The supporter of a link that is unused and unexpired, or null. */
  async findLive(token: string): Promise<{ supporterId: string; purpose: PasswordTokenPurpose } | null> {
    const [row] = await this.db.query<{ supporterId: string; purpose: PasswordTokenPurpose }[]>(
      `SELECT supporter_id AS "supporterId", purpose FROM password_tokens WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()`,
      [passwordTokenHash(token)],
    );
    return row ?? null;
  }

  /** Marks the link used, once: the second caller (or an expired link) gets null. */
  async use(manager: EntityManager, token: string): Promise<string | null> {
    const [rows] = await manager.query<[{ supporter_id: string }[], number]>(
      `UPDATE password_tokens SET used_at = now() WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING supporter_id`,
      [passwordTokenHash(token)],
    );
    return rows[0]?.supporter_id ?? null;
  }
}
