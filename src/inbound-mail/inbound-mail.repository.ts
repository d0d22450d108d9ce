import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { InboundMailKind } from './inbound-mail.entity';

/** A received message as the listener records it. */
export interface NewInboundMail {
  kind: InboundMailKind;
  letterId?: string | null;
  supporterId?: string | null;
  caseId?: string | null;
  officialId?: string | null;
  statusCode?: string | null;
  diagnostic?: string | null;
  fromAddress?: string | null;
  subject?: string | null;
  bodyText?: string | null;
  raw?: Buffer | null;
  effectKey?: string | null;
}

/** A reply as coordinators read it on its case. */
export interface ReplyRow {
  id: string;
  receivedAt: Date;
  officialId: string | null;
  officialName: string | null;
  letterId: string | null;
  appealId: string | null;
  from: string | null;
  subject: string | null;
  text: string | null;
  caseEventId: string | null;
}

/** A message the listener accepted, waiting to be applied. */
export interface QueuedInboundMail {
  id: string;
  raw: Buffer;
  recipients: string[];
  attempts: number;
}

/** How many of each kind were received. */
export type InboundCounts = Record<InboundMailKind, number>;

const REPLY_COLUMNS = `m.id, m.received_at AS "receivedAt", m.official_id AS "officialId", o.name AS "officialName", m.letter_id AS "letterId",
  l.appeal_id AS "appealId", m.from_address AS "from", m.subject, m.body_text AS "text", m.case_event_id AS "caseEventId"`;
const REPLY_JOINS = `LEFT JOIN officials o ON o.id = m.official_id LEFT JOIN letters l ON l.id = m.letter_id`;

/** Every statement of the inbound_mail and inbound_queue tables. */
@Injectable()
export class InboundMailRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /**
   * Records one received message; null (and nothing written) when its effect key is taken:
   * the same report came before, and its effects are not applied twice.
   */
  async insert(manager: EntityManager, mail: NewInboundMail): Promise<string | null> {
    const rows = await manager.query<{ id: string }[]>(
      `INSERT INTO inbound_mail (kind, letter_id, supporter_id, case_id, official_id, status_code, diagnostic, from_address, subject, body_text, raw, effect_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (effect_key) WHERE effect_key IS NOT NULL DO NOTHING RETURNING id`,
      [
        mail.kind,
        mail.letterId ?? null,
        mail.supporterId ?? null,
        mail.caseId ?? null,
        mail.officialId ?? null,
        mail.statusCode ?? null,
        mail.diagnostic ?? null,
        mail.fromAddress ?? null,
        mail.subject ?? null,
        mail.bodyText ?? null,
        mail.raw ?? null,
        mail.effectKey ?? null,
      ],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * insert for many reports in one statement, each with its effect key (the raw bytes are not
   * kept by this one: it takes readable reports); their ids in the order given, null where the
   * key was taken (before, or by an earlier one of these).
   */
  async insertManyWithEffects(manager: EntityManager, mails: (Omit<NewInboundMail, 'raw' | 'effectKey'> & { effectKey: string })[]): Promise<(string | null)[]> {
    if (mails.length === 0) return [];
    const column = <K extends Exclude<keyof NewInboundMail, 'raw'>>(key: K) => mails.map((mail) => mail[key] ?? null);
    const rows = await manager.query<{ id: string; effectKey: string }[]>(
      `INSERT INTO inbound_mail (kind, letter_id, supporter_id, case_id, official_id, status_code, diagnostic, from_address, subject, body_text, effect_key)
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
       ON CONFLICT (effect_key) WHERE effect_key IS NOT NULL DO NOTHING
       RETURNING id, effect_key AS "effectKey"`,
      [
        column('kind'),
        column('letterId'),
        column('supporterId'),
        column('caseId'),
        column('officialId'),
        column('statusCode'),
        column('diagnostic'),
        column('fromAddress'),
        column('subject'),
        column('bodyText'),
        column('effectKey'),
      ],
    );
    const byKey = new Map(rows.map((row) => [row.effectKey, row.id]));
    return mails.map((mail) => {
      const id = byKey.get(mail.effectKey) ?? null;
      byKey.delete(mail.effectKey);
      return id;
    });
  }

  /** A case's replies, newest first. */
  async pageOfCaseReplies(caseId: string, page: number, limit: number): Promise<{ rows: ReplyRow[]; total: number }> {
    const [rows, [{ total }]] = await Promise.all([
      this.db.query<ReplyRow[]>(
        `SELECT ${REPLY_COLUMNS} FROM inbound_mail m ${REPLY_JOINS} WHERE m.kind = 'reply' AND m.case_id = $1 ORDER BY m.received_at DESC, m.id LIMIT $2 OFFSET $3`,
        [caseId, limit, (page - 1) * limit],
      ),
      this.db.query<{ total: number }[]>(`SELECT count(*)::int AS total FROM inbound_mail WHERE kind = 'reply' AND case_id = $1`, [caseId]),
    ]);
    return { rows, total };
  }

  /** One reply of a case, locked until the transaction ends (two coordinators adding it at once make one event). */
  async lockReplyOfCase(manager: EntityManager, caseId: string, replyId: string): Promise<ReplyRow | null> {
    const [row] = await manager.query<ReplyRow[]>(
      `SELECT ${REPLY_COLUMNS} FROM inbound_mail m ${REPLY_JOINS} WHERE m.kind = 'reply' AND m.case_id = $1 AND m.id = $2 FOR UPDATE OF m`,
      [caseId, replyId],
    );
    return row ?? null;
  }

  async setCaseEvent(manager: EntityManager, id: string, caseEventId: string): Promise<void> {
    await manager.query(`UPDATE inbound_mail SET case_event_id = $2, reviewed_at = coalesce(reviewed_at, now()) WHERE id = $1`, [id, caseEventId]);
  }

  async countsByKind(): Promise<InboundCounts> {
    const rows = await this.db.query<{ kind: InboundMailKind; count: number }[]>(`SELECT kind, count(*)::int AS count FROM inbound_mail GROUP BY kind`);
    const counts: InboundCounts = { bounce: 0, delay: 0, complaint: 0, reply: 0, unreadable: 0, ignored: 0 };
    for (const row of rows) counts[row.kind] = row.count;
    return counts;
  }

  // inbound_queue: what the listener accepted and has not applied yet.

  /**
   * Writes accepted messages in one statement (autocommit: once it returns, they are on disk);
   * their queue ids, in order. Recipients travel newline-joined (no SMTP address holds one).
   */
  async enqueue(messages: { raw: Buffer; recipients: string[] }[]): Promise<string[]> {
    const rows = await this.db.query<{ id: string }[]>(
      `INSERT INTO inbound_queue (raw, recipients)
       SELECT raw, string_to_array(recipients, E'\n') FROM unnest($1::bytea[], $2::text[]) WITH ORDINALITY AS u(raw, recipients, n) ORDER BY n
       RETURNING id`,
      [messages.map((message) => message.raw), messages.map((message) => message.recipients.join('\n'))],
    );
    return rows.map((row) => row.id);
  }

  /** The oldest `limit` queued messages no other process is applying, locked until the caller's transaction ends. */
  claimQueued(manager: EntityManager, limit: number): Promise<QueuedInboundMail[]> {
    return manager.query<QueuedInboundMail[]>(`SELECT id, raw, recipients, attempts FROM inbound_queue ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`, [limit]);
  }

  /** Applied: gone from the queue, in the transaction that applied them. */
  async dequeue(manager: EntityManager, ids: string[]): Promise<void> {
    if (ids.length > 0) await manager.query(`DELETE FROM inbound_queue WHERE id = ANY($1::bigint[])`, [ids]);
  }

  /** A batch holding these failed: counted, so a message that keeps failing is set aside. */
  async countFailedAttempt(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.db.query(`UPDATE inbound_queue SET attempts = attempts + 1 WHERE id = ANY($1::bigint[])`, [ids]);
  }

  async queuedCount(): Promise<number> {
    const [{ count }] = await this.db.query<{ count: number }[]>(`SELECT count(*)::int AS count FROM inbound_queue`);
    return count;
  }

  /**
   * Retention: removes what names a person from one batch of inbound mail received before
   * `before` (the sender's address, the subject, the text, the raw bytes: a report quotes the
   * letter it is about; the member it named). The rows stay, so every count of bounces,
   * complaints and replies stays. How many rows changed.
   */
  async scrubOld(before: Date, limit: number): Promise<number> {
    const [, changed] = await this.db.query<[unknown, number]>(
      `UPDATE inbound_mail SET from_address = NULL, subject = NULL, body_text = NULL, raw = NULL, supporter_id = NULL WHERE id IN (
         SELECT id FROM inbound_mail
          WHERE received_at < $1 AND (from_address IS NOT NULL OR subject IS NOT NULL OR body_text IS NOT NULL OR raw IS NOT NULL OR supporter_id IS NOT NULL)
          LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [before, limit],
    );
    return changed;
  }
}
