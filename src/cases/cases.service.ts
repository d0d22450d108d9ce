import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { NotFoundError } from '../common/errors';
import { Page } from '../common/pagination';
import { CaseEvent } from './case-event.entity';
import { Case, CaseStatus } from './case.entity';
import { cleanTranslations, mergeTranslations } from './case-translations';
import { CasesRepository } from './cases.repository';
import { CaseAudience, CaseEventView, CaseView, CaseWithEventsView, CreateCaseDto, CreateCaseEventDto, toCaseEventView, toCaseView, UpdateCaseDto } from './dto/case.dto';

/** What narrows a list of cases; every part optional. */
export interface CaseFilter {
  search?: string;
  status?: CaseStatus;
  country?: string;
}

/** A case and its timeline: the record coordinators keep. Marking an outcome is outcomes/' work. */
@Injectable()
export class CasesService {
  constructor(
    @InjectRepository(Case) private readonly cases: Repository<Case>,
    @InjectRepository(CaseEvent) private readonly events: Repository<CaseEvent>,
    @Inject(CasesRepository) private readonly caseRows: CasesRepository,
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
        acceptsMessages: input.acceptsMessages ?? false,
        messageAddress: input.messageAddress ?? null,
        messageCountry: input.messageCountry ?? null,
        risk: input.risk ?? 'normal',
      }),
    );
    return this.get(saved.id, 'staff');
  }

  /**
   * Applies a change to a case inside the caller's transaction, with the row locked so that
   * two changes (two outcome marks) cannot both act; returns the status it had before.
   * Translations are merged into what is stored (null removes a language or a field).
   */
  async applyChange(manager: EntityManager, id: string, input: UpdateCaseDto): Promise<{ previousStatus: CaseStatus }> {
    const existing = await this.caseRows.lockForChange(manager, id);
    if (!existing) throw new NotFoundError('Case');
    const { translations, ...fields } = input;
    const change: Partial<Case> = { ...fields, ...(translations !== undefined ? { translations: mergeTranslations(existing.translations, translations) } : {}) };
    // An empty change is a no-op, not TypeORM's UpdateValuesMissingError.
    if (Object.values(change).some((value) => value !== undefined)) await manager.update(Case, { id }, change);
    return { previousStatus: existing.status };
  }

  /**
   * Cases newest first; `filter` narrows them (the console's search: part of the name, in any
   * language given, a status, a country). A member's view leaves out where cards go.
   */
  async list(page: number, limit: number, filter: CaseFilter = {}, audience: CaseAudience = 'member'): Promise<Page<CaseView>> {
    const query = this.cases.createQueryBuilder('c').orderBy('c.createdAt', 'DESC').addOrderBy('c.id', 'ASC').skip((page - 1) * limit).take(limit);
    if (filter.search) {
      const pattern = `%${filter.search.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
      query.andWhere(`(c.name ILIKE :pattern OR EXISTS (SELECT 1 FROM jsonb_each(c.translations) t WHERE t.value->>'name' ILIKE :pattern))`, { pattern });
    }
    if (filter.status) query.andWhere('c.status = :status', { status: filter.status });
    if (filter.country) query.andWhere('c.country = :country', { country: filter.country });
    const [rows, total] = await query.getManyAndCount();
    return { items: rows.map((row) => toCaseView(row, audience)), total, page, limit };
  }

  /** One case with its timeline; the message address only in staff's view. */
  async get(id: string, audience: CaseAudience = 'member'): Promise<CaseWithEventsView> {
    const record = await this.cases.findOne({ where: { id }, relations: { events: true }, order: { events: { occurredOn: 'ASC', createdAt: 'ASC' } } });
    if (!record) throw new NotFoundError('Case');
    return { ...toCaseView(record, audience), events: (record.events ?? []).map(toCaseEventView) };
  }

  async addEvent(caseId: string, input: CreateCaseEventDto): Promise<CaseEventView> {
    if (!(await this.cases.exists({ where: { id: caseId } }))) throw new NotFoundError('Case');
    return toCaseEventView(await this.events.save(this.events.create({ ...input, caseId, sourceUrl: input.sourceUrl ?? null })));
  }
}
