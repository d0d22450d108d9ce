import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Caller } from '../common/auth/current-supporter.decorator';
import { DomainError, NotFoundError } from '../common/errors';
import { DeletionReport, ExportedCycleInvitation, ExportedLetter, ExportedOutcomeMail, ExportedSignature, ExportedSupporter, SupporterExport } from './dto/privacy.dto';

/**
 * A supporter's rights over their data: export it, and delete it. Deleting keeps their
 * letters (and so every count by case, appeal and official) but with no supporter, and
 * leaves no name, address, city or note of theirs in any table.
 */
@Injectable()
export class PrivacyService {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /**
   * A supporter exports and deletes only itself, an admin anyone. Another member's id is
   * 404, as if it did not exist; a coordinator (who may read the record) is refused.
   */
  private checkAccess(caller: Caller, id: string): void {
    if (caller.id === id || caller.role === 'admin') return;
    if (caller.role === 'coordinator') throw new DomainError('supporter_admin_only', 'Only an admin exports or deletes another supporter');
    throw new NotFoundError('Supporter');
  }

  async export(caller: Caller, id: string): Promise<SupporterExport> {
    this.checkAccess(caller, id);
    const [supporter] = await this.db.query<ExportedSupporter[]>(
      `SELECT id, email, name, country, city, language, role, auto_sign AS "autoSign", signature_style AS "signatureStyle", active,
              consent_version AS "consentVersion", consented_at AS "consentedAt", confirmed_at AS "confirmedAt",
              unsubscribed_at AS "unsubscribedAt", created_at AS "createdAt", updated_at AS "updatedAt"
         FROM supporters WHERE id = $1`,
      [id],
    );
    if (!supporter) throw new NotFoundError('Supporter');
    const [signatures, letters, cycleInvitations, caseOutcomeMails] = await Promise.all([
      this.db.query<ExportedSignature[]>(
        `SELECT s.id, a.id AS "appealId", a.title AS "appealTitle", c.id AS "caseId", c.name AS "caseName", s.note,
                s.signature_style AS "signatureStyle", s.auto_signed AS "autoSigned", s.created_at AS "signedAt"
           FROM signatures s JOIN appeals a ON a.id = s.appeal_id JOIN cases c ON c.id = a.case_id
          WHERE s.supporter_id = $1 ORDER BY s.created_at, s.id`,
        [id],
      ),
      this.db.query<ExportedLetter[]>(
        `SELECT l.id, a.id AS "appealId", c.id AS "caseId", c.name AS "caseName", o.name AS "officialName", o.title AS "officialTitle",
                l.status, l.sent_at AS "sentAt", l.created_at AS "createdAt"
           FROM letters l JOIN appeals a ON a.id = l.appeal_id JOIN cases c ON c.id = a.case_id JOIN officials o ON o.id = l.official_id
          WHERE l.supporter_id = $1 ORDER BY l.created_at, l.id`,
        [id],
      ),
      this.db.query<ExportedCycleInvitation[]>(
        `SELECT cy.id AS "cycleId", cy.month, cy.title, i.invited_at AS "invitedAt", i.reminded_at AS "remindedAt"
           FROM cycle_invitations i JOIN cycles cy ON cy.id = i.cycle_id WHERE i.supporter_id = $1 ORDER BY cy.month, cy.id`,
        [id],
      ),
      this.db.query<ExportedOutcomeMail[]>(
        `SELECT m.case_id AS "caseId", c.name AS "caseName", m.queued_at AS "queuedAt", m.sent_at AS "sentAt"
           FROM case_outcome_mails m JOIN cases c ON c.id = m.case_id WHERE m.supporter_id = $1 ORDER BY m.queued_at`,
        [id],
      ),
    ]);
    return {
      exportedAt: new Date().toISOString(),
      supporter,
      consent: { version: supporter.consentVersion ?? null, consentedAt: supporter.consentedAt ?? null },
      signatures,
      letters,
      cycleInvitations,
      caseOutcomeMails,
    };
  }

  async delete(caller: Caller, id: string): Promise<DeletionReport> {
    this.checkAccess(caller, id);
    return this.db.transaction(async (tx) => {
      const found = await tx.query<{ id: string }[]>(`SELECT id FROM supporters WHERE id = $1 FOR UPDATE`, [id]);
      // A data-changing statement wrapped in a CTE, so the driver answers with rows, not [rows, affected].
      const count = async (sql: string, params: unknown[]): Promise<number> => (await tx.query<{ n: number }[]>(`WITH changed AS (${sql}) SELECT count(*)::int AS n FROM changed`, params))[0].n;
      if (found.length === 0) throw new NotFoundError('Supporter');
      // Queued letters would otherwise be sent in the name of someone who left. A letter
      // being sent right now was claimed with its signer already read; it completes.
      // Status changes go through the letter_counts trigger, so the counts stay exact.
      const cancelled = await count(`UPDATE letters SET status = 'cancelled', last_error = 'The supporter deleted their data', updated_at = now()
          WHERE supporter_id = $1 AND status = 'queued' RETURNING id`,
        [id],
      );
      // The status stays as it is, so the counters (keyed by appeal and official) do not move.
      const anonymised = await count(`UPDATE letters SET supporter_id = NULL WHERE supporter_id = $1 RETURNING id`, [id]);
      // A signature that no letter refers to goes; the others stay (letters join them for the
      // style) with no note. supporter_count is kept as signatures arrive, so it does not move.
      const deleted = await count(`DELETE FROM signatures s WHERE s.supporter_id = $1 AND NOT EXISTS (SELECT 1 FROM letters l WHERE l.signature_id = s.id) RETURNING s.id`,
        [id],
      );
      const kept = await count(`UPDATE signatures SET note = NULL, signature_style = 'anonymous' WHERE supporter_id = $1 RETURNING id`,
        [id],
      );
      await tx.query(`DELETE FROM cycle_invitations WHERE supporter_id = $1`, [id]);
      await tx.query(`DELETE FROM case_outcome_mails WHERE supporter_id = $1`, [id]);
      if (kept === 0) {
        await tx.query(`DELETE FROM supporters WHERE id = $1`, [id]);
      } else {
        // Signatures still name this row's id (they count the supporter once per case and
        // official), so the row stays with nothing that identifies a person.
        await tx.query(
          `UPDATE supporters SET email = $2, name = 'Deleted supporter', country = 'ZZ', city = NULL, role = 'member', password_hash = NULL,
                  auto_sign = false, signature_style = 'anonymous', active = false, consent_version = NULL, consented_at = NULL,
                  unsubscribed_at = coalesce(unsubscribed_at, now()), updated_at = now()
            WHERE id = $1`,
          [id, `deleted-${randomUUID()}@invalid`],
        );
      }
      return {
        lettersCancelled: cancelled,
        lettersAnonymised: anonymised,
        signaturesAnonymised: kept,
        signaturesDeleted: deleted,
        supporter: kept === 0 ? 'deleted' : 'scrubbed',
      };
    });
  }
}
