import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppealsRepository } from '../appeals/appeals.repository';
import { DomainError, NotFoundError } from '../common/errors';
import { Page } from '../common/pagination';
import { AuditLogService } from '../database/audit-log.service';
import { LettersService } from '../delivery/letters.service';
import { LettersRepository } from '../letters/letters.repository';
import { SignaturesRepository } from '../letters/signatures.repository';
import { HeldNoteView, NoteDecisionView, toHeldNoteView } from './dto/held-note.dto';

export type NoteDecision = 'approved' | 'rejected';

/**
 * Signers' notes an appeal's moderation held (`links`: a note with a link; `all`: every
 * note): their letters wait `held` until a coordinator approves the note (the letters go
 * with it) or rejects it (the note's text is removed, so the letters go without it). The
 * API and the console page call these.
 */
@Injectable()
export class NoteModerationService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(AppealsRepository) private readonly appeals: AppealsRepository,
    @Inject(SignaturesRepository) private readonly signatures: SignaturesRepository,
    @Inject(LettersRepository) private readonly letterRows: LettersRepository,
    @Inject(LettersService) private readonly letters: LettersService,
    @Inject(AuditLogService) private readonly audit: AuditLogService,
  ) {}

  /** An appeal's held notes, oldest first. */
  async held(appealId: string, page: number, limit: number): Promise<Page<HeldNoteView>> {
    if (!(await this.appeals.findById(appealId))) throw new NotFoundError('Appeal');
    const { rows, total } = await this.signatures.heldPageOfAppeal(appealId, page, limit);
    return { items: rows.map(toHeldNoteView), total, page, limit };
  }

  /** Decides one held note; one decided already is a conflict (409), an unknown signature 404. */
  async decide(id: string, decision: NoteDecision, actorId: string): Promise<NoteDecisionView> {
    const { decided, released } = await this.decideHeld([id], decision, actorId);
    const row = await this.signatures.moderationOf(id);
    if (!row) throw new NotFoundError('Signature');
    if (decided.length === 0) {
      throw new DomainError('note_decided', row.noteStatus ? `The note is ${row.noteStatus} already: only a held note is approved or rejected` : 'This signature has no note waiting for moderation');
    }
    return { ...row, released };
  }

  /** Decides the held notes of `ids` that belong to the appeal, in one transaction; those decided meanwhile (or of another appeal) are skipped and counted. */
  async decideMany(appealId: string, ids: readonly string[], decision: NoteDecision, actorId: string): Promise<{ decided: number; skipped: number }> {
    if (!(await this.appeals.findById(appealId))) throw new NotFoundError('Appeal');
    const unique = [...new Set(ids.map((id) => id.toLowerCase()))];
    const { decided } = await this.decideHeld(unique, decision, actorId, appealId);
    return { decided: decided.length, skipped: unique.length - decided.length };
  }

  /** Appeals with notes waiting, most first (the console's home). */
  heldByAppeal(limit: number): Promise<{ appealId: string; appealTitle: string; held: number }[]> {
    return this.signatures.heldByAppeal(limit);
  }

  /**
   * The decision, the letters released from `held` and the audit entries (ids only),
   * committed together; then the letters of open appeals are enqueued (a paused appeal's
   * wait for its resume; if Redis is away, the reconciler enqueues them).
   */
  private async decideHeld(ids: readonly string[], decision: NoteDecision, actorId: string, appealId?: string): Promise<{ decided: { id: string; appealId: string }[]; released: number }> {
    const result = await this.db.transaction(async (manager) => {
      const decided = await this.signatures.decideHeld(manager, ids, decision, actorId, appealId);
      const released = await this.letterRows.releaseHeldOfSignatures(
        manager,
        decided.map((signature) => signature.id),
      );
      for (const signature of decided) {
        await this.audit.record({ actorId, action: decision === 'approved' ? 'note.approve' : 'note.reject', subjectType: 'signature', subjectId: signature.id, detail: { appealId: signature.appealId } }, manager);
      }
      return { decided, released };
    });
    const appealIds = [...new Set(result.decided.map((signature) => signature.appealId))];
    const statuses = appealIds.length > 0 ? await this.appeals.statusesOf(appealIds) : [];
    for (const { id, status } of statuses) {
      if (status === 'open') await this.letters.enqueueQueuedOfAppeal(id);
    }
    return result;
  }
}
