import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DomainError, NotFoundError } from '../common/errors';
import { Page } from '../common/pagination';
import { CreateOfficialDto, OfficialView, toOfficialView, UpdateOfficialDto } from './dto/official.dto';
import { Official } from './official.entity';

@Injectable()
export class OfficialsService {
  constructor(@InjectRepository(Official) private readonly officials: Repository<Official>) {}

  async create(input: CreateOfficialDto): Promise<OfficialView> {
    const saved = await this.officials.save(
      this.officials.create({
        ...input,
        salutation: input.salutation ?? null,
        organisation: input.organisation ?? null,
        email: input.email ?? null,
        postalAddress: input.postalAddress ?? null,
        timezone: input.timezone ?? null,
        maxLettersPerHour: input.maxLettersPerHour ?? null,
      }),
    );
    return toOfficialView(saved);
  }

  async list(page: number, limit: number): Promise<Page<OfficialView>> {
    const [rows, total] = await this.officials.findAndCount({ order: { createdAt: 'ASC', id: 'ASC' }, skip: (page - 1) * limit, take: limit });
    return { items: rows.map(toOfficialView), total, page, limit };
  }

  async get(id: string): Promise<OfficialView> {
    const official = await this.officials.findOne({ where: { id } });
    if (!official) throw new NotFoundError('Official');
    return toOfficialView(official);
  }

  /**
   * Changes the fields given; null clears an optional one. The row is locked while the
   * change is checked, so two changes cannot together leave an official unreachable.
   */
  async update(id: string, input: UpdateOfficialDto): Promise<OfficialView> {
    const changes = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as Partial<Official>;
    const updated = await this.officials.manager.transaction(async (manager) => {
      const official = await manager.findOne(Official, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!official) throw new NotFoundError('Official');
      const next = { ...official, ...changes };
      if (next.email === null && next.postalAddress === null) {
        throw new DomainError('official_unreachable', `${'email' in changes ? 'email' : 'postalAddress'}: an official needs an email or a postal address`);
      }
      // An empty change is a no-op, not TypeORM's UpdateValuesMissingError.
      if (Object.keys(changes).length > 0) await manager.update(Official, { id }, changes);
      return manager.findOneOrFail(Official, { where: { id } });
    });
    return toOfficialView(updated);
  }
}
