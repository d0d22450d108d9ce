import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { hashPassword } from '../common/auth/password';
import { Caller, isCoordinator } from '../common/auth/current-supporter.decorator';
import { DomainError, NotFoundError } from '../common/errors';
import { Page } from '../common/pagination';
import { CreateSupporterDto, ImportReport, MyLetterView, SupporterView, toSupporterView } from './dto/supporter.dto';
import { importSupporters } from './supporter-import';
import { Supporter } from './supporter.entity';
import { SupportersRepository } from './supporters.repository';

/** A request body holds at most this many rows; the command line has no limit. */
const MAX_IMPORT_ROWS = 100_000;

@Injectable()
export class SupportersService {
  constructor(
    @InjectRepository(Supporter) private readonly supporters: Repository<Supporter>,
    @Inject(SupportersRepository) private readonly rows: SupportersRepository,
  ) {}

  async create(caller: Caller, input: CreateSupporterDto): Promise<SupporterView> {
    // Only an admin grants roles; a coordinator creates members.
    if (input.role && input.role !== 'member' && caller.role !== 'admin') {
      throw new DomainError('role_forbidden', 'role: only an admin may set a role');
    }
    if (await this.supporters.exists({ where: { email: input.email } })) {
      throw new DomainError('supporter_exists', 'A supporter with this email already exists');
    }
    const supporter = await this.supporters.save(
      this.supporters.create({
        email: input.email,
        name: input.name,
        country: input.country,
        city: input.city ?? null,
        language: input.language ?? 'en',
        role: input.role ?? 'member',
        autoSign: input.autoSign ?? false,
        signatureStyle: input.signatureStyle ?? 'full',
        passwordHash: input.password ? await hashPassword(input.password) : null,
        // Confirmed by the coordinator who adds them; only a public signup waits for the member's click.
        confirmedAt: new Date(),
      }),
    );
    return toSupporterView(supporter);
  }

  async list(page: number, limit: number): Promise<Page<SupporterView>> {
    const [rows, total] = await this.supporters.findAndCount({ order: { createdAt: 'ASC', id: 'ASC' }, skip: (page - 1) * limit, take: limit });
    return { items: rows.map(toSupporterView), total, page, limit };
  }

  /** A member sees only itself; anyone else's id is 404, as if it did not exist. */
  async get(caller: Caller, id: string): Promise<SupporterView> {
    if (!isCoordinator(caller) && caller.id !== id) throw new NotFoundError('Supporter');
    const supporter = await this.supporters.findOne({ where: { id } });
    if (!supporter) throw new NotFoundError('Supporter');
    return toSupporterView(supporter);
  }

  /** A supporter's own letters, newest first, with what they were for and to whom. */
  async letters(supporterId: string, page: number, limit: number): Promise<Page<MyLetterView>> {
    const { items, total } = await this.rows.lettersPage(supporterId, page, limit);
    return { items, total, page, limit };
  }

  /**
   * Imports members from a CSV body (see importSupporters, shared with `qalam import
   * supporters`): good rows are kept, bad ones reported by line number.
   */
  importCsv(text: string): Promise<ImportReport> {
    return importSupporters(this.supporters.manager, text, { maxRows: MAX_IMPORT_ROWS });
  }
}
