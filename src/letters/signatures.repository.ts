import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { execute } from '../database/execute';
import type { SignatureStyle } from '../supporters/supporter.entity';
import { Signature } from './signature.entity';

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

/** The signatures table's statements (the auto-sign fan-out signs and writes letters in one statement: LettersRepository). */
@Injectable()
export class SignaturesRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** A member signs an appeal; null if they signed it already (their first signature stands). */
  async insertUnlessSigned(manager: EntityManager, signature: { appealId: string; supporterId: string; note: string | null; signatureStyle: SignatureStyle }): Promise<string | null> {
    const [row] = await manager.query<{ id: string }[]>(
      `INSERT INTO signatures (appeal_id, supporter_id, note, signature_style) VALUES ($1, $2, $3, $4)
       ON CONFLICT (supporter_id, appeal_id) DO NOTHING RETURNING id`,
      [signature.appealId, signature.supporterId, signature.note, signature.signatureStyle],
    );
    return row?.id ?? null;
  }

  findOfSigner(appealId: string, supporterId: string): Promise<Signature> {
    return this.db.getRepository(Signature).findOneOrFail({ where: { appealId, supporterId } });
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
   * supporter_count is kept as signatures arrive, so it does not move. Returns how many.
   */
  anonymiseOfSupporter(manager: EntityManager, supporterId: string): Promise<number> {
    return execute(manager, `UPDATE signatures SET note = NULL, signature_style = 'anonymous' WHERE supporter_id = $1`, [supporterId]);
  }
}
