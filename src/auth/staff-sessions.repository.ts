import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Role } from '../common/auth/roles';
import { StaffSession } from './staff-session.entity';
import { preparedQuery } from '../database/prepared';

/** A live session's supporter, as the supporters table says now, and how long ago (by Postgres' clock) it was seen and until it expires. */
export interface SessionHolder {
  sessionId: string;
  supporterId: string;
  role: Role;
  language: string;
  /** now() - last_seen_at, in milliseconds. */
  seenAgoMs: number;
  /** expires_at - now(), in milliseconds. */
  expiresInMs: number;
}

/** Every statement on staff_sessions (the trigger of its migration deletes rows too, when a role or `active` changes). */
@Injectable()
export class StaffSessionsRepository {
  constructor(@InjectRepository(StaffSession) private readonly sessions: Repository<StaffSession>) {}

  /** A new session; the supporter's expired ones go in the same statement, so the table keeps no dead rows of theirs. */
  async insert(tokenHash: Buffer, supporterId: string, absoluteSeconds: number, idleSeconds: number): Promise<void> {
    await this.sessions.query(
      `WITH swept AS (
         DELETE FROM staff_sessions WHERE supporter_id = $2 AND (expires_at <= now() OR last_seen_at <= now() - make_interval(secs => $4))
       )
       INSERT INTO staff_sessions (token_hash, supporter_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))`,
      [tokenHash, supporterId, absoluteSeconds, idleSeconds],
    );
  }

  /** The holder of a session that is neither expired nor idle too long, and whose supporter is active staff. */
  async findLive(tokenHash: Buffer, idleSeconds: number): Promise<SessionHolder | null> {
    // Every console page asks: a statement prepared once per connection.
    const rows = await preparedQuery<SessionHolder>(
      this.sessions.manager.connection,
      'qalam_staff_session_live',
      `SELECT s.id AS "sessionId", p.id AS "supporterId", p.role, p.language,
              (extract(epoch FROM now() - s.last_seen_at) * 1000)::float8 AS "seenAgoMs", (extract(epoch FROM s.expires_at - now()) * 1000)::float8 AS "expiresInMs"
         FROM staff_sessions s JOIN supporters p ON p.id = s.supporter_id
        WHERE s.token_hash = $1 AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(secs => $2)
          AND p.active AND p.role IN ('coordinator', 'admin')`,
      [tokenHash, idleSeconds],
    );
    return rows[0] ?? null;
  }

  /** Marks a session seen now, at most once per `everySeconds`, so that reading pages writes rarely; false when no row was marked (gone, or marked lately by another process). */
  async touch(sessionId: string, everySeconds: number): Promise<boolean> {
    // An UPDATE answers [rows, affected].
    const [, affected] = await this.sessions.query<[unknown[], number]>(`UPDATE staff_sessions SET last_seen_at = now() WHERE id = $1 AND last_seen_at < now() - make_interval(secs => $2)`, [sessionId, everySeconds]);
    return affected > 0;
  }

  async deleteByHash(tokenHash: Buffer): Promise<void> {
    await this.sessions.query(`DELETE FROM staff_sessions WHERE token_hash = $1`, [tokenHash]);
  }

  /** Ends every session of a supporter but the one named (none when null). */
  async deleteOfSupporter(supporterId: string, keepHash: Buffer | null): Promise<void> {
    await this.sessions.query(`DELETE FROM staff_sessions WHERE supporter_id = $1 AND ($2::bytea IS NULL OR token_hash <> $2)`, [supporterId, keepHash]);
  }
}
