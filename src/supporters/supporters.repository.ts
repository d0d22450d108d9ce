import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Role } from '../common/auth/roles';
import { preparedQuery } from '../database/prepared';
import type { MemberSearchQuery, MyLetterView } from './dto/supporter.dto';
import { MEMBER_MAIL_COLUMNS, MemberMailRow } from './member-filters';

/** A supporter as the members list shows them. */
export interface MemberListRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  language: string;
  active: boolean;
}

/** A member as a signup gives them. */
export interface SignupRow {
  email: string;
  name: string;
  country: string;
  city: string | null;
  language: string;
  consentVersion: string;
}

/** A member as an import row gives them. */
export interface ImportedMemberRow {
  email: string;
  name: string;
  country: string;
  city: string | null;
  language: string;
  autoSign: boolean;
  signatureStyle: string;
}

/** A supporter's row as their data export gives it. */
export interface SupporterExportRow {
  id: string;
  email: string;
  name: string;
  country: string;
  city: string | null;
  language: string;
  role: string;
  autoSign: boolean;
  signatureStyle: string;
  active: boolean;
  consentVersion: string | null;
  consentedAt: Date | null;
  confirmedAt: Date | null;
  unsubscribedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * An import batch in one statement: new members inserted, members updated, staff accounts
 * left alone (they come back without a row). A function, not only a method: `qalam import
 * supporters` runs it with no Nest container.
 */
export function upsertImportedMembers(manager: EntityManager, rows: ImportedMemberRow[]): Promise<{ email: string; inserted: boolean }[]> {
  return manager.query(
    `INSERT INTO supporters (email, name, country, city, language, auto_sign, signature_style, confirmed_at)
     SELECT u.email, u.name, u.country, u.city, u.language, u.auto_sign, u.signature_style, now()
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::text[])
         AS u(email, name, country, city, language, auto_sign, signature_style)
     ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name, country = EXCLUDED.country, city = EXCLUDED.city, language = EXCLUDED.language,
       auto_sign = EXCLUDED.auto_sign, signature_style = EXCLUDED.signature_style, updated_at = now()
       -- An import makes and updates members; a staff account is not the importer's to change.
       WHERE supporters.role = 'member'
     RETURNING email, (xmax = 0) AS inserted`,
    [
      rows.map((row) => row.email),
      rows.map((row) => row.name),
      rows.map((row) => row.country),
      rows.map((row) => row.city),
      rows.map((row) => row.language),
      rows.map((row) => row.autoSign),
      rows.map((row) => row.signatureStyle),
    ],
  );
}

/** The supporters table's statements beyond TypeORM's own find and save. */
@Injectable()
export class SupportersRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /**
   * A public signup. A new address becomes a pending member; a pending one is refreshed; one
   * that left records the new consent and stays out until the link is clicked; any other (a
   * member, staff) is left as it is. Returns the id to mail a confirmation to, or null.
   */
  async signUp(member: SignupRow): Promise<string | null> {
    const [pending] = await this.db.query<{ id: string }[]>(
      `INSERT INTO supporters (email, name, country, city, language, consent_version, consented_at, confirmed_at)
       VALUES ($1, $2, $3, $4, $5, $6, now(), NULL)
       ON CONFLICT (email) DO UPDATE SET
         name = CASE WHEN supporters.confirmed_at IS NULL THEN EXCLUDED.name ELSE supporters.name END,
         country = CASE WHEN supporters.confirmed_at IS NULL THEN EXCLUDED.country ELSE supporters.country END,
         city = CASE WHEN supporters.confirmed_at IS NULL THEN EXCLUDED.city ELSE supporters.city END,
         language = CASE WHEN supporters.confirmed_at IS NULL THEN EXCLUDED.language ELSE supporters.language END,
         consent_version = EXCLUDED.consent_version, consented_at = now(), updated_at = now()
         WHERE supporters.role = 'member' AND (supporters.confirmed_at IS NULL OR supporters.unsubscribed_at IS NOT NULL)
       RETURNING id`,
      [member.email, member.name, member.country, member.city, member.language, member.consentVersion],
    );
    return pending?.id ?? null;
  }

  /** Confirms a signup (again: no change); one who unsubscribed and consented since is subscribed again. False if no such supporter. */
  async confirm(id: string): Promise<boolean> {
    const [updated] = await this.db.query<[{ id: string }[], number]>(
      `UPDATE supporters SET confirmed_at = coalesce(confirmed_at, now()),
              active = CASE WHEN unsubscribed_at IS NOT NULL AND consented_at > unsubscribed_at THEN true ELSE active END,
              unsubscribed_at = CASE WHEN unsubscribed_at IS NOT NULL AND consented_at > unsubscribed_at THEN NULL ELSE unsubscribed_at END,
              updated_at = now()
        WHERE id = $1 RETURNING id`,
      [id],
    );
    return updated.length > 0;
  }

  /** Idempotent: the first unsubscription's time stands. */
  /** A 5.x.x bounce of member mail: no more mail to this address (reachableMember) until it changes (a trigger clears the mark). True if newly marked. */
  async markEmailUndeliverable(manager: EntityManager, id: string): Promise<boolean> {
    const rows = await manager.query<{ id: string }[]>(`UPDATE supporters SET email_undeliverable_at = now(), updated_at = now() WHERE id = $1 AND email_undeliverable_at IS NULL RETURNING id`, [id]);
    return rows.length > 0;
  }

  async unsubscribe(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`UPDATE supporters SET unsubscribed_at = coalesce(unsubscribed_at, now()), active = false, updated_at = now() WHERE id = $1`, [id]);
  }

  /** A page of a supporter's own letters, newest first, and how many they have. */
  async lettersPage(supporterId: string, page: number, limit: number): Promise<{ items: MyLetterView[]; total: number }> {
    const [items, [{ total }]] = await Promise.all([
      this.db.query<MyLetterView[]>(
        `SELECT l.id, l.status, a.id AS "appealId", a.title AS "appealTitle", c.id AS "caseId", c.name AS "caseName",
                o.id AS "officialId", o.name AS "officialName", o.title AS "officialTitle", l.sent_at AS "sentAt", l.created_at AS "createdAt",
                sg.note_status AS "noteStatus"
           FROM letters l JOIN appeals a ON a.id = l.appeal_id JOIN cases c ON c.id = a.case_id JOIN officials o ON o.id = l.official_id
           JOIN signatures sg ON sg.id = l.signature_id
          WHERE l.supporter_id = $1 ORDER BY l.created_at DESC, l.id LIMIT $2 OFFSET $3`,
        [supporterId, limit, (page - 1) * limit],
      ),
      this.db.query<{ total: number }[]>('SELECT count(*)::int AS total FROM letters WHERE supporter_id = $1', [supporterId]),
    ]);
    return { items, total };
  }

  /**
   * Supporters matching the filters, oldest first, `limit` after the supporter `after` (keyset
   * on (created_at, id)), with only what the members list shows. Without a text search the
   * statement is prepared, one per combination of filters (the pages a coordinator turns
   * through); a text search is planned at each call, since its pattern decides between the
   * trigram indexes and the walk in created order.
   */
  async search(query: MemberSearchQuery, limit: number): Promise<MemberListRow[]> {
    const conditions: string[] = [];
    const values: unknown[] = [];
    let shape = 0;
    const add = (bit: number, condition: (n: string) => string, value: unknown) => {
      values.push(value);
      conditions.push(condition(`$${values.length}`));
      shape |= bit;
    };
    const text = query.q?.trim();
    if (text) add(0, (n) => `(s.name ILIKE ${n} ESCAPE '\\' OR s.email ILIKE ${n} ESCAPE '\\')`, `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    if (query.role) add(1, (n) => `s.role = ${n}`, query.role);
    if (query.active) add(2, (n) => `s.active = ${n}`, query.active === 'true');
    if (query.language) add(4, (n) => `s.language = ${n}`, query.language);
    if (query.after) add(8, (n) => `(s.created_at, s.id) > (SELECT created_at, id FROM supporters WHERE id = ${n})`, query.after);
    values.push(limit);
    // Plain rows: Postgres builds no JSON for them (json_build_object and json_agg's own sort
    // cost it twice what reading the rows does), and the driver decodes them as fast as it
    // would one JSON value.
    const sql = `SELECT s.id, s.email, s.name, s.role, s.language, s.active
       FROM supporters s ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
      ORDER BY s.created_at, s.id LIMIT $${values.length}`;
    return text ? this.db.query<MemberListRow[]>(sql, values) : preparedQuery<MemberListRow>(this.db, `qalam_member_rows_${shape}`, sql, values);
  }

  /** The supporter's row as their data export gives it. */
  async forExport(id: string): Promise<SupporterExportRow | null> {
    const [row] = await this.db.query<SupporterExportRow[]>(
      `SELECT id, email, name, country, city, language, role, auto_sign AS "autoSign", signature_style AS "signatureStyle", active,
              consent_version AS "consentVersion", consented_at AS "consentedAt", confirmed_at AS "confirmedAt",
              unsubscribed_at AS "unsubscribedAt", created_at AS "createdAt", updated_at AS "updatedAt"
         FROM supporters WHERE id = $1`,
      [id],
    );
    return row ?? null;
  }

  /** Locks the supporter's row until the transaction ends; false if there is none. */
  async lockForErasure(manager: EntityManager, id: string): Promise<boolean> {
    const found = await manager.query<{ id: string }[]>(`SELECT id FROM supporters WHERE id = $1 FOR UPDATE`, [id]);
    return found.length > 0;
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`DELETE FROM supporters WHERE id = $1`, [id]);
  }

  /** Keeps the row (signatures still name its id) with nothing that identifies a person; `email` is a fresh placeholder. */
  async scrub(manager: EntityManager, id: string, email: string): Promise<void> {
    await manager.query(
      `UPDATE supporters SET email = $2, name = 'Deleted supporter', country = 'ZZ', city = NULL, role = 'member', password_hash = NULL,
              auto_sign = false, signature_style = 'anonymous', active = false, consent_version = NULL, consented_at = NULL,
              unsubscribed_at = coalesce(unsubscribed_at, now()), updated_at = now()
        WHERE id = $1`,
      [id, email],
    );
  }

  async exists(id: string): Promise<boolean> {
    const rows = await this.db.query<unknown[]>(`SELECT 1 FROM supporters WHERE id = $1`, [id]);
    return rows.length > 0;
  }

  /** The supporter's name; null if there is no such supporter. */
  async nameOf(id: string): Promise<string | null> {
    const [row] = await this.db.query<{ name: string }[]>(`SELECT name FROM supporters WHERE id = $1`, [id]);
    return row?.name ?? null;
  }

  /** The member's language; null if there is no such supporter. */
  async languageOf(id: string): Promise<string | null> {
    const [row] = await this.db.query<{ language: string }[]>(`SELECT language FROM supporters WHERE id = $1`, [id]);
    return row?.language ?? null;
  }

  /** What a member's signing and history pages check: their language and whether they are active. */
  async pageStateOf(id: string): Promise<{ id: string; language: string; active: boolean } | null> {
    const [row] = await this.db.query<{ id: string; language: string; active: boolean }[]>(`SELECT id, language, active FROM supporters WHERE id = $1`, [id]);
    return row ?? null;
  }

  /** What the leaving page shows: the address (to be masked), whether they left already, their language. */
  async leavingStateOf(id: string): Promise<{ email: string; unsubscribed: boolean; language: string } | null> {
    const [row] = await this.db.query<{ email: string; unsubscribed: boolean; language: string }[]>(
      `SELECT email, unsubscribed_at IS NOT NULL AS unsubscribed, language FROM supporters WHERE id = $1`,
      [id],
    );
    return row ?? null;
  }

  /** Of these supporters, those a confirmation is still for: never confirmed, or unsubscribed and consented again since. */
  awaitingConfirmation(ids: string[]): Promise<MemberMailRow[]> {
    return this.db.query<MemberMailRow[]>(
      `SELECT ${MEMBER_MAIL_COLUMNS} FROM supporters s
        WHERE s.id = ANY($1::uuid[]) AND (s.confirmed_at IS NULL OR (s.unsubscribed_at IS NOT NULL AND s.consented_at > s.unsubscribed_at))`,
      [ids],
    );
  }

  /** Active coordinators and admins among these ids: staff mail (password links) goes to no one else. */
  activeStaff(ids: string[]): Promise<MemberMailRow[]> {
    return this.db.query<MemberMailRow[]>(`SELECT ${MEMBER_MAIL_COLUMNS} FROM supporters s WHERE s.id = ANY($1::uuid[]) AND s.active AND s.role IN ('coordinator', 'admin')`, [ids]);
  }
}
