import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { CaseStatus } from '../cases/case.entity';
import { CasesService } from '../cases/cases.service';
import { CaseWithEventsView, UpdateCaseDto } from '../cases/dto/case.dto';
import { LettersService } from '../delivery/letters.service';
import { MemberMailQueue } from '../delivery/member-mail.queue';
import { reachableMember } from '../supporters/member-filters';

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
    @Inject(LettersService) private readonly letters: LettersService,
    @Inject(MemberMailQueue) private readonly memberMail: MemberMailQueue,
  ) {}

  /** A change to a case; an outcome status runs the loop (once: marking it again does nothing more). */
  async update(id: string, input: UpdateCaseDto): Promise<CaseWithEventsView> {
    const thank = await this.db.transaction(async (manager) => {
      const { previousStatus } = await this.cases.applyChange(manager, id, input);
      if (!input.status || !OUTCOMES.includes(input.status) || previousStatus === input.status) return [];
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
    const appeals = await manager.query<{ id: string }[]>(`SELECT id FROM appeals WHERE case_id = $1 AND status IN ('draft', 'open', 'paused') ORDER BY id`, [id]);
    for (const appeal of appeals) {
      // The lock a signature shares: signatures in flight finish first, so none adds a letter to a closed appeal.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('appeal/' || $1::text, 0))`, [appeal.id]);
    }
    await manager.query(`UPDATE appeals SET status = 'closed', updated_at = now() WHERE case_id = $1 AND status IN ('draft', 'open', 'paused')`, [id]);
    await this.letters.cancelQueuedOfCase(manager, id, status);
    // A row per supporter thanked: marking again (or released, then deceased) finds it and
    // queues nothing more, except a thank-you never sent (its case was set back before the worker ran).
    const rows = await manager.query<{ supporter_id: string }[]>(
      `INSERT INTO case_outcome_mails (case_id, supporter_id)
       SELECT DISTINCT $1::uuid, l.supporter_id FROM letters l JOIN appeals a ON a.id = l.appeal_id JOIN supporters s ON s.id = l.supporter_id
        WHERE a.case_id = $1 AND l.status IN ('sent', 'bounced') AND ${reachableMember('s')}
       ON CONFLICT (case_id, supporter_id) DO UPDATE SET queued_at = now() WHERE case_outcome_mails.sent_at IS NULL
       RETURNING supporter_id`,
      [id],
    );
    return rows.map((row) => row.supporter_id);
  }
}
