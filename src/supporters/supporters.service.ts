import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { hashPassword } from '../common/auth/password';
import { Caller, isCoordinator } from '../common/auth/current-supporter.decorator';
import { DomainError, NotFoundError } from '../common/errors';
import { Page } from '../common/pagination';
import { AuditLogService } from '../database/audit-log.service';
import { CreateSupporterDto, ImportReport, MemberSearchQuery, MyLetterView, SupporterView, toSupporterView, UpdateSupporterDto } from './dto/supporter.dto';
import { ImportProgress, importSupporters } from './supporter-import';
import type { Readable } from 'node:stream';
import { Supporter } from './supporter.entity';
import { MemberListRow, SupportersRepository } from './supporters.repository';
import { CallerRecordsService } from './caller-records.service';

/** A request body holds at most this many rows; the command line has no limit. */
const MAX_IMPORT_ROWS = 100_000;

@Injectable()
export class SupportersService {
  constructor(
    @InjectRepository(Supporter) private readonly supporters: Repository<Supporter>,
    @Inject(SupportersRepository) private readonly rows: SupportersRepository,
    @Inject(AuditLogService) private readonly audit: AuditLogService,
    @Inject(CallerRecordsService) private readonly callerRecords: CallerRecordsService,
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

  /**
   * Members by name or email, role, active and language, a page of `limit` after the member
   * `after` (keyset on (created_at, id): a page costs the same deep in the list, and a
   * member added meanwhile never shifts one from a page to the next).
   */
  async search(query: MemberSearchQuery): Promise<{ items: MemberListRow[]; next: string | null }> {
    const rows = await this.rows.search(query, query.limit + 1);
    const items = rows.length > query.limit ? rows.slice(0, query.limit) : rows;
    return { items, next: rows.length > query.limit ? items[items.length - 1].id : null };
  }

  /**
   * Deactivates (or reactivates) a supporter, or sets their role. A coordinator may change
   * only a member's `active`; roles, and anything of a staff account, are an admin's. The
   * trigger of staff_sessions ends the account's sessions when either changes.
   */
  async update(caller: Caller, id: string, input: UpdateSupporterDto): Promise<SupporterView> {
    const updated = await this.supporters.manager.transaction(async (manager) => {
      const supporter = await manager.findOne(Supporter, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!supporter) throw new NotFoundError('Supporter');
      if (caller.role !== 'admin' && (input.role !== undefined || supporter.role !== 'member')) {
        throw new DomainError('supporter_admin_only', input.role !== undefined ? 'role: only an admin may set a role' : 'Only an admin may change a staff account');
      }
      if (caller.id === id && (input.active === false || (input.role !== undefined && input.role !== supporter.role))) {
        throw new DomainError('role_forbidden', 'You cannot deactivate yourself or change your own role: ask another admin');
      }
      const changes: Partial<Supporter> = {};
      if (input.active !== undefined && input.active !== supporter.active) changes.active = input.active;
      if (input.role !== undefined && input.role !== supporter.role) changes.role = input.role;
      if (Object.keys(changes).length > 0) {
        await manager.update(Supporter, { id }, changes);
        if (changes.role !== undefined) {
          await this.audit.record({ actorId: caller.id, action: 'supporter.role', subjectType: 'supporter', subjectId: id, detail: { from: supporter.role, to: changes.role } }, manager);
        }
        if (changes.active !== undefined) {
          await this.audit.record({ actorId: caller.id, action: changes.active ? 'supporter.activate' : 'supporter.deactivate', subjectType: 'supporter', subjectId: id }, manager);
        }
      }
      return toSupporterView({ ...supporter, ...changes });
    });
    // Committed: this process's next request of theirs reads the row (every other process drops it on the table's notice).
    this.callerRecords.forget(id);
    return updated;
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
  async importCsv(text: string | Readable, actorId?: string, onProgress?: (progress: ImportProgress) => void): Promise<ImportReport> {
    const report = await importSupporters(this.supporters.manager, text, { maxRows: MAX_IMPORT_ROWS, onProgress });
    await this.audit.record({ actorId, action: 'supporters.import', subjectType: 'supporters', detail: { created: report.created, updated: report.updated, skipped: report.skipped, errors: report.errors.length } });
    return report;
  }
}
