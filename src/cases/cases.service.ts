import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { NotFoundError } from '../common/errors';
import { Page } from '../common/pagination';
import { CaseEvent } from './case-event.entity';
import { Case } from './case.entity';
import { CreateCaseDto, CreateCaseEventDto, UpdateCaseDto } from './dto/case.dto';

export type CaseView = Omit<Case, 'events'> & { events?: Omit<CaseEvent, 'case'>[] };

function toView(record: Case): CaseView {
  const { events, ...rest } = record;
  return events ? { ...rest, events: events.map(({ case: _case, ...event }) => event) } : rest;
}

@Injectable()
export class CasesService {
  constructor(
    @InjectRepository(Case) private readonly cases: Repository<Case>,
    @InjectRepository(CaseEvent) private readonly events: Repository<CaseEvent>,
  ) {}

  async create(input: CreateCaseDto): Promise<CaseView> {
    const saved = await this.cases.save(
      this.cases.create({ ...input, profession: input.profession ?? null, detainedOn: input.detainedOn ?? null, charges: input.charges ?? null, tags: input.tags ?? [] }),
    );
    return this.get(saved.id);
  }

  async update(id: string, input: UpdateCaseDto): Promise<CaseView> {
    const existing = await this.cases.findOne({ where: { id } });
    if (!existing) throw new NotFoundError('Case');
    await this.cases.update({ id }, input);
    return this.get(id);
  }

  async list(page: number, limit: number): Promise<Page<CaseView>> {
    const [rows, total] = await this.cases.findAndCount({ order: { createdAt: 'DESC', id: 'ASC' }, skip: (page - 1) * limit, take: limit });
    return { items: rows.map(toView), total, page, limit };
  }

  async get(id: string): Promise<CaseView> {
    const record = await this.cases.findOne({ where: { id }, relations: { events: true }, order: { events: { occurredOn: 'ASC', createdAt: 'ASC' } } });
    if (!record) throw new NotFoundError('Case');
    return toView(record);
  }

  async addEvent(caseId: string, input: CreateCaseEventDto): Promise<Omit<CaseEvent, 'case'>> {
    if (!(await this.cases.exists({ where: { id: caseId } }))) throw new NotFoundError('Case');
    const { case: _case, ...event } = await this.events.save(this.events.create({ ...input, caseId, sourceUrl: input.sourceUrl ?? null }));
    return event;
  }
}
