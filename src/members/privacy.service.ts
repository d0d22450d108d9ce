import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Caller } from '../common/auth/current-supporter.decorator';
import { DomainError, NotFoundError } from '../common/errors';
import { LettersRepository } from '../letters/letters.repository';
import { SignaturesRepository } from '../letters/signatures.repository';
import { MailingsRepository } from '../mailings/mailings.repository';
import { SupportersRepository } from '../supporters/supporters.repository';
import { CallerRecordsService } from '../supporters/caller-records.service';
import { DeletionReport, SupporterExport } from './dto/privacy.dto';

/**
 * A supporter's rights over their data: export it, and delete it. Deleting keeps their
 * letters (and so every count by case, appeal and official) but with no supporter, and
 * leaves no name, address, city or note of theirs in any table. A feature over the records
 * (supporters, letters, signatures) and the rows member mail keeps of a supporter (mailings).
 */
@Injectable()
export class PrivacyService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(SupportersRepository) private readonly supporters: SupportersRepository,
    @Inject(SignaturesRepository) private readonly signatures: SignaturesRepository,
    @Inject(LettersRepository) private readonly letters: LettersRepository,
    @Inject(MailingsRepository) private readonly mailings: MailingsRepository,
    @Inject(CallerRecordsService) private readonly callerRecords: CallerRecordsService,
  ) {}

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
    const supporter = await this.supporters.forExport(id);
    if (!supporter) throw new NotFoundError('Supporter');
    const [signatures, letters, cycleInvitations, caseOutcomeMails] = await Promise.all([
      this.signatures.forExportOfSupporter(id),
      this.letters.forExportOfSupporter(id),
      this.mailings.invitationsOfSupporter(id),
      this.mailings.thankYousOfSupporter(id),
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
    const report = await this.db.transaction(async (tx): Promise<DeletionReport> => {
      if (!(await this.supporters.lockForErasure(tx, id))) throw new NotFoundError('Supporter');
      // Queued letters would otherwise be sent in the name of someone who left.
      const cancelled = await this.letters.cancelQueuedOfDeletedSupporter(tx, id);
      const anonymised = await this.letters.detachSupporter(tx, id);
      // A signature that no letter refers to goes; the others stay, anonymous, with no note.
      const deleted = await this.signatures.deleteUnwrittenOfSupporter(tx, id);
      const kept = await this.signatures.anonymiseOfSupporter(tx, id);
      await this.mailings.deleteInvitationsOfSupporter(tx, id);
      await this.mailings.deleteThankYousOfSupporter(tx, id);
      // Signatures still name this row's id (they count the supporter once per case and
      // official), so then the row stays with nothing that identifies a person.
      if (kept === 0) await this.supporters.delete(tx, id);
      else await this.supporters.scrub(tx, id, `deleted-${randomUUID()}@invalid`);
      return {
        lettersCancelled: cancelled,
        lettersAnonymised: anonymised,
        signaturesAnonymised: kept,
        signaturesDeleted: deleted,
        supporter: kept === 0 ? 'deleted' : 'scrubbed',
      };
    });
    // Committed: this process's next request of theirs (a token, a console session) reads the row; the others drop it on the notice.
    this.callerRecords.forget(id);
    return report;
  }
}
