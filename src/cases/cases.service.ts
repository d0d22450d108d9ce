import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { NotFoundError } from '../common/errors';
import { Page } from '../common/pagination';
import { LettersService } from '../delivery/letters.service';
import { reachableMember } from '../members/member-filters';
import { MemberMailQueue } from '../members/member-mail.queue';
import { CaseEvent } from './case-event.entity';
import { Case, CaseStatus, CaseTranslations } from './case.entity';
import { cleanTranslations, mergeTranslations } from './case-translations';
import { CaseEventView, CaseView, CaseWithEventsView, CreateCaseDto, CreateCaseEventDto, toCaseEventView, toCaseView, UpdateCaseDto } from './dto/case.dto';

/** Statuses that end a case's appeals: its supporters are thanked once. */
const OUTCOMES: readonly CaseStatus[] = ['released', 'deceased'];

@Injectable()
export class CasesService {
  private readonly logger = new Logger(CasesService.name);

  constructor(
    @InjectRepository(Case) private readonly cases: Repository<Case>,
    @InjectRepository(CaseEvent) private readonly events: Repository<CaseEvent>,
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(LettersService) private readonly letters: LettersService,
    @Inject(MemberMailQueue) private readonly memberMail: MemberMailQueue,
  ) {}

  async create(input: CreateCaseDto): Promise<CaseWithEventsView> {
    const saved = await this.cases.save(
      this.cases.create({
        ...input,
        profession: input.profession ?? null,
        detainedOn: input.detainedOn ?? null,
        charges: input.charges ?? null,
        tags: input.tags ?? [],
        gender: input.gender ?? null,
        translations: cleanTranslations(input.translations ?? undefined),
      }),
    );
    return this.get(saved.id);
  }

  /**
   * Marking a case released or deceased (from another status) closes its appeals, cancels
   * its letters still queued and queues one thank-you per supporter who wrote, in the same
   * transaction as the change; the case row is locked so two marks cannot both act.
   */
  async update(id: string, input: UpdateCaseDto): Promise<CaseWithEventsView> {
    const thank = await this.db.transaction(async (manager) => {
      const [existing] = await manager.query<{ status: CaseStatus; translations: CaseTranslations }[]>(`SELECT status, translations FROM cases WHERE id = $1 FOR UPDATE`, [id]);
      if (!existing) throw new NotFoundError('Case');
      const { translations, ...fields } = input;
      const change: Partial<Case> = { ...fields, ...(translations !== undefined ? { translations: mergeTranslations(existing.translations, translations) } : {}) };
      // An empty change is a no-op, not TypeORM's UpdateValuesMissingError.
      if (Object.values(change).some((value) => value !== undefined)) await manager.update(Case, { id }, change);
      if (!input.status || !OUTCOMES.includes(input.status) || existing.status === input.status) return [];
      return this.closeForOutcome(manager, id, input.status);
    });
    // Jobs only after the rows they name are committed.
    // The thank-yous are rows: if Redis is away now, the workers' periodic check queues them once it is back.
    if (thank.length > 0) {
      await this.memberMail.enqueueThankYous(id, thank).catch((error: Error) => {
        this.logger.warn(`Thank-yous of case ${id} not queued now (${error.message.slice(0, 120)}): the periodic check will queue them`);
      });
    }
    return this.get(id);
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

  async list(page: number, limit: number): Promise<Page<CaseView>> {
    const [rows, total] = await this.cases.findAndCount({ order: { createdAt: 'DESC', id: 'ASC' }, skip: (page - 1) * limit, take: limit });
    return { items: rows.map(toCaseView), total, page, limit };
  }

  async get(id: string): Promise<CaseWithEventsView> {
    const record = await this.cases.findOne({ where: { id }, relations: { events: true }, order: { events: { occurredOn: 'ASC', createdAt: 'ASC' } } });
    if (!record) throw new NotFoundError('Case');
    return { ...toCaseView(record), events: (record.events ?? []).map(toCaseEventView) };
  }

  async addEvent(caseId: string, input: CreateCaseEventDto): Promise<CaseEventView> {
    if (!(await this.cases.exists({ where: { id: caseId } }))) throw new NotFoundError('Case');
    return toCaseEventView(await this.events.save(this.events.create({ ...input, caseId, sourceUrl: input.sourceUrl ?? null })));
  }
}
