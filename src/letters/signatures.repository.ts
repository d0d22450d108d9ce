import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { execute } from '../database/execute';
import { preparedQuery } from '../database/prepared';
import type { SignatureStyle } from '../supporters/supporter.entity';
import { FINAL_LETTER_STATUSES } from './letter.entity';
import { NoteStatus, Signature } from './signature.entity';

/** A supporter's signature as their data export lists it. */
export interface SupporterSignatureRow {
  id: string;
  appealId: string;
  appealTitle: string;
  caseId: string;
  caseName: string;
  note: string | null;
  signatureStyle: SignatureStyle;
  autoSigned: boolean;
  signedAt: Date;
}

/** A held note as coordinators moderate it: the signer by nothing but the signature (never their email). */
export interface HeldNoteRow {
  id: string;
  appealId: string;
  note: string;
  signatureStyle: SignatureStyle;
  createdAt: Date;
  letters: number;
}

/** A signature's note moderation, as a decision reads it. */
export interface NoteModerationRow {
  id: string;
  appealId: string;
  noteStatus: NoteStatus | null;
  decidedBy: string | null;
  decidedAt: Date | null;
}

/** The signatures table's statements (the auto-sign fan-out signs and writes letters in one statement: LettersRepository). */
@Injectable()
export class SignaturesRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** A member signs an appeal; null if they signed it already (their first signature stands). */
  async insertUnlessSigned(
    manager: EntityManager,
    signature: { appealId: string; supporterId: string; note: string | null; signatureStyle: SignatureStyle; noteStatus?: 'held' | null },
  ): Promise<string | null> {
    const [row] = await manager.query<{ id: string }[]>(
      `INSERT INTO signatures (appeal_id, supporter_id, note, signature_style, note_status) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (supporter_id, appeal_id) DO NOTHING RETURNING id`,
      [signature.appealId, signature.supporterId, signature.note, signature.signatureStyle, signature.noteStatus ?? null],
    );
    return row?.id ?? null;
  }

  /** An appeal's held notes, oldest first, with how many letters each holds back. */
  async heldPageOfAppeal(appealId: string, page: number, limit: number): Promise<{ rows: HeldNoteRow[]; total: number }> {
    const [rows, [{ total }]] = await Promise.all([
      this.db.query<HeldNoteRow[]>(
        `SELECT s.id, s.appeal_id AS "appealId", s.note, s.signature_style AS "signatureStyle", s.created_at AS "createdAt",
                (SELECT count(*)::int FROM letters l WHERE l.signature_id = s.id) AS letters
           FROM signatures s WHERE s.appeal_id = $1 AND s.note_status = 'held' ORDER BY s.created_at, s.id LIMIT $2 OFFSET $3`,
        [appealId, limit, (page - 1) * limit],
      ),
      this.db.query<{ total: number }[]>(`SELECT count(*)::int AS total FROM signatures WHERE appeal_id = $1 AND note_status = 'held'`, [appealId]),
    ]);
    return { rows, total };
  }

  /** How many notes wait per appeal, most first (the console's home), up to `limit` appeals. */
  heldByAppeal(limit: number): Promise<{ appealId: string; appealTitle: string; held: number }[]> {
    return this.db.query(
      `SELECT a.id AS "appealId", a.title AS "appealTitle", count(*)::int AS held
         FROM signatures s JOIN appeals a ON a.id = s.appeal_id WHERE s.note_status = 'held'
        GROUP BY a.id, a.title ORDER BY held DESC, a.title LIMIT $1`,
      [limit],
    );
  }

  /** A signature's note moderation, or null when there is no such signature. */
  async moderationOf(id: string): Promise<NoteModerationRow | null> {
    const [row] = await this.db.query<NoteModerationRow[]>(
      `SELECT id, appeal_id AS "appealId", note_status AS "noteStatus", decided_by AS "decidedBy", decided_at AS "decidedAt" FROM signatures WHERE id = $1`,
      [id],
    );
    return row ?? null;
  }

  /**
   * Decides the held notes of `ids` (of one appeal when `appealId` is given) in one
   * statement: approved keeps the note; rejected removes its text, so no letter can ever
   * carry it. Those decided meanwhile are skipped; returns the decided ones.
   */
  async decideHeld(manager: EntityManager, ids: readonly string[], decision: 'approved' | 'rejected', actorId: string, appealId?: string): Promise<{ id: string; appealId: string }[]> {
    const [rows] = await manager.query<[{ id: string; appealId: string }[], number]>(
      `UPDATE signatures SET note_status = $2, decided_by = $3, decided_at = now(), note = CASE WHEN $2 = 'rejected' THEN NULL ELSE note END
        WHERE id = ANY($1::uuid[]) AND note_status = 'held' AND ($4::uuid IS NULL OR appeal_id = $4)
        RETURNING id, appeal_id AS "appealId"`,
      [ids, decision, actorId, appealId ?? null],
    );
    return rows;
  }

  /** The signer's signature of an appeal, as signing answers with it (a statement prepared once per connection). */
  async findOfSigner(appealId: string, supporterId: string): Promise<Pick<Signature, 'id' | 'note' | 'noteStatus' | 'signatureStyle' | 'createdAt'>> {
    const [row] = await preparedQuery<Pick<Signature, 'id' | 'note' | 'noteStatus' | 'signatureStyle' | 'createdAt'>>(
      this.db,
      'qalam_signature_of_signer',
      `SELECT id, note, note_status AS "noteStatus", signature_style AS "signatureStyle", created_at AS "createdAt" FROM signatures WHERE appeal_id = $1 AND supporter_id = $2`,
      [appealId, supporterId],
    );
    if (!row) throw new Error(`no signature of appeal ${appealId} by the signer`);
    return row;
  }

  /** A supporter's signatures for their data export, oldest first. */
  forExportOfSupporter(supporterId: string): Promise<SupporterSignatureRow[]> {
    return this.db.query(
      `SELECT s.id, a.id AS "appealId", a.title AS "appealTitle", c.id AS "caseId", c.name AS "caseName", s.note,
              s.signature_style AS "signatureStyle", s.auto_signed AS "autoSigned", s.created_at AS "signedAt"
         FROM signatures s JOIN appeals a ON a.id = s.appeal_id JOIN cases c ON c.id = a.case_id
        WHERE s.supporter_id = $1 ORDER BY s.created_at, s.id`,
      [supporterId],
    );
  }

  /** A deleted supporter's signatures that no letter refers to go; returns how many. */
  deleteUnwrittenOfSupporter(manager: EntityManager, supporterId: string): Promise<number> {
    return execute(manager, `DELETE FROM signatures s WHERE s.supporter_id = $1 AND NOT EXISTS (SELECT 1 FROM letters l WHERE l.signature_id = s.id)`, [supporterId]);
  }

  /**
   * The rest stay (letters join them for the style) with no note and signed anonymously;
   * supporter_counts are kept as signatures arrive, so they do not move. Returns how many.
   */
  anonymiseOfSupporter(manager: EntityManager, supporterId: string): Promise<number> {
    return execute(manager, `UPDATE signatures SET note = NULL, signature_style = 'anonymous' WHERE supporter_id = $1`, [supporterId]);
  }

  // Retention (RETENTION_DAYS): one batch per call, how many rows changed.

  /** Clears the note of one batch of signatures whose letters are all old and final. */
  async clearOldNotes(before: Date, limit: number): Promise<number> {
    const [, changed] = await this.db.query<[unknown, number]>(
      `UPDATE signatures SET note = NULL WHERE id IN (
         SELECT sg.id FROM signatures sg
          WHERE sg.note IS NOT NULL AND sg.created_at < $1
            AND NOT EXISTS (SELECT 1 FROM letters l WHERE l.signature_id = sg.id AND (l.created_at >= $1 OR l.status <> ALL($2::text[])))
          LIMIT $3 FOR UPDATE SKIP LOCKED)`,
      [before, FINAL_LETTER_STATUSES, limit],
    );
    return changed;
  }
}
