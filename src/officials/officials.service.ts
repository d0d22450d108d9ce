import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Page } from '../common/pagination';
import { CreateOfficialDto } from './dto/official.dto';
import { Official } from './official.entity';

@Injectable()
export class OfficialsService {
  constructor(@InjectRepository(Official) private readonly officials: Repository<Official>) {}

  create(input: CreateOfficialDto): Promise<Official> {
    return this.officials.save(
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
  }

  async list(page: number, limit: number): Promise<Page<Official>> {
    const [items, total] = await this.officials.findAndCount({ order: { createdAt: 'ASC', id: 'ASC' }, skip: (page - 1) * limit, take: limit });
    return { items, total, page, limit };
  }
}
