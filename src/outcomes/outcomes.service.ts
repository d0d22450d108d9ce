import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditLogService } from '../database/audit-log.service';
import type { CaseStatus } from '../cases/case.entity';
import { CasesService } from '../cases/cases.service';
import { CaseWithEventsView, UpdateCaseDto } from '../cases/dto/case.dto';
import { AppealsRepository } from '../appeals/appeals.repository';
import { lockAppeals } from '../database/appeal-locks';
import { MemberMailQueue } from '../delivery/member-mail.queue';
import { LettersRepository } from '../letters/letters.repository';
import { OutcomeMailsRepository } from './outcome-mails.repository';

/** Statuses that end a case's appeals: its supporters are thanked once. */
const OUTCOMES: readonly CaseStatus[] = ['released', 'deceased'];

/**
 * Outcomes close the loop: marking a case released or deceased (from another status) closes
 * its appeals, cancels its letters still queued and queues one thank-you per supporter who
 * wrote, in the same transaction as the change.
 */
@Injectable()
export class OutcomesService {
  private readonly logger = new Logger(OutcomesService.name);

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(CasesService) private readonly cases: CasesService,
    @Inject(AppealsRepository) private readonly appeals: AppealsRepository,
    @Inject(LettersRepository) private readonly letters: LettersRepository,
    @Inject(OutcomeMailsRepository) private readonly outcomeMails: OutcomeMailsRepository,
    @Inject(MemberMailQueue) private readonly memberMail: MemberMailQueue,
    @Inject(AuditLogService) private readonly audit: AuditLogService,
  ) {}

  /** A change to a case; an outcome status runs the loop (once: marking it again does nothing more). */
  async update(id: string, input: UpdateCaseDto, actorId?: string): Promise<CaseWithEventsView> {
    const thank = await this.db.transaction(async (manager) => {
      const { previousStatus } = await this.cases.applyChange(manager, id, input);
      if (!input.status || !OUTCOMES.includes(input.status) || previousStatus === input.status) return [];
      await this.audit.record({ actorId, action: 'case.outcome', subjectType: 'case', subjectId: id, detail: { from: previousStatus, to: input.status } }, manager);
      return this.closeForOutcome(manager, id, input.status);
    });
    // Jobs only after the rows they name are committed. The thank-yous are rows: if Redis is
    // away now, the workers' periodic check queues them once it is back.
    if (thank.length > 0) {
      await this.memberMail.enqueueThankYous(id, thank).catch((error: Error) => {
        this.logger.warn(`Thank-yous of case ${id} not queued now (${error.message.slice(0, 120)}): the periodic check will queue them`);
      });
    }
    return this.cases.get(id);
  }

  /** Returns the supporters to thank: those with a sent letter for the case who are still reachable and not thanked yet. */
  private async closeForOutcome(manager: EntityManager, id: string, status: CaseStatus): Promise<string[]> {
    // The lock a signature shares: signatures in flight finish first, so none adds a letter to a closed appeal.
    await lockAppeals(manager, await this.appeals.unclosedOfCase(manager, id));
    await this.appeals.closeOfCase(manager, id);
    await this.letters.cancelQueuedOfCase(manager, id, status);
    return this.outcomeMails.recordThankYous(manager, id);
  }
}
