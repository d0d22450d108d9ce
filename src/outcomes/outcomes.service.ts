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
import { MailingsRepository } from '../mailings/mailings.repository';

/** Statuses that end a case's appeals: its supporters are thanked once. */
export const OUTCOMES = ['released', 'deceased'] as const satisfies readonly CaseStatus[];
export type Outcome = (typeof OUTCOMES)[number];

/** What marking a case with an outcome would do now: nothing when it has that status already. */
export interface OutcomePreview {
  status: Outcome;
  alreadyMarked: boolean;
  appealsToClose: number;
  lettersToCancel: number;
  thankYousToQueue: number;
}

function isOutcome(status: CaseStatus | undefined): status is Outcome {
  return (OUTCOMES as readonly string[]).includes(status ?? '');
}

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
    @Inject(MailingsRepository) private readonly mailings: MailingsRepository,
    @Inject(MemberMailQueue) private readonly memberMail: MemberMailQueue,
    @Inject(AuditLogService) private readonly audit: AuditLogService,
  ) {}

  /** A change to a case; an outcome status runs the loop (once: marking it again does nothing more). */
  async update(id: string, input: UpdateCaseDto, actorId?: string): Promise<CaseWithEventsView> {
    const thank = await this.db.transaction(async (manager) => {
      const { previousStatus } = await this.cases.applyChange(manager, id, input);
      if (!isOutcome(input.status) || previousStatus === input.status) return [];
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
    // PATCH is a coordinator's: the answer is staff's view of the case.
    return this.cases.get(id, 'staff');
  }

  /**
   * What update(id, {status}) would do now, counted by the statements it runs (a launch or a
   * send between this and the mark may change the figures a little; the mark counts again).
   */
  async preview(id: string, status: Outcome): Promise<OutcomePreview> {
    const record = await this.cases.get(id);
    if (record.status === status) return { status, alreadyMarked: true, appealsToClose: 0, lettersToCancel: 0, thankYousToQueue: 0 };
    const [appeals, lettersToCancel, thankYousToQueue] = await Promise.all([
      this.appeals.unclosedOfCase(this.db.manager, id),
      this.letters.countQueuedOfCase(id),
      this.mailings.countToThank(id),
    ]);
    return { status, alreadyMarked: false, appealsToClose: appeals.length, lettersToCancel, thankYousToQueue };
  }

  /** Returns the supporters to thank: those with a sent letter for the case who are still reachable and not thanked yet. */
  private async closeForOutcome(manager: EntityManager, id: string, status: CaseStatus): Promise<string[]> {
    // The lock a signature shares: signatures in flight finish first, so none adds a letter to a closed appeal.
    await lockAppeals(manager, await this.appeals.unclosedOfCase(manager, id));
    await this.appeals.closeOfCase(manager, id);
    await this.letters.cancelQueuedOfCase(manager, id, status);
    return this.mailings.recordThankYous(manager, id);
  }
}
