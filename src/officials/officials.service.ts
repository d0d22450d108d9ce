import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { DomainError, isDomainError, NotFoundError } from '../common/errors';
import { isUUID } from 'class-validator';
import { Page } from '../common/pagination';
import { AuditLogService } from '../database/audit-log.service';
import { CreateOfficialDto, OfficialImportReport, OfficialView, toOfficialView, UpdateOfficialDto } from './dto/official.dto';
import { MAX_OFFICIAL_ROWS, officialChange, officialToCreate, OfficialRow, parseOfficials } from './official-import';
import { Official } from './official.entity';

@Injectable()
export class OfficialsService {
  constructor(
    @InjectRepository(Official) private readonly officials: Repository<Official>,
    @Inject(AuditLogService) private readonly audit: AuditLogService,
  ) {}

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
        officeHoursStart: input.officeHoursStart ?? null,
        officeHoursEnd: input.officeHoursEnd ?? null,
        officeDays: input.officeDays?.length ? [...input.officeDays].sort() : null,
      }),
    );
    return toOfficialView(saved);
  }

  /** Officials in the order they were recorded; `search` keeps those whose name, title, organisation or email holds it. */
  async list(page: number, limit: number, search?: string): Promise<Page<OfficialView>> {
    const query = this.officials.createQueryBuilder('o').orderBy('o.createdAt', 'ASC').addOrderBy('o.id', 'ASC').skip((page - 1) * limit).take(limit);
    if (search) {
      const pattern = `%${search.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
      query.andWhere('(o.name ILIKE :pattern OR o.title ILIKE :pattern OR o.organisation ILIKE :pattern OR o.email ILIKE :pattern)', { pattern });
    }
    const [rows, total] = await query.getManyAndCount();
    return { items: rows.map(toOfficialView), total, page, limit };
  }

  async get(id: string): Promise<OfficialView> {
    const official = await this.officials.findOne({ where: { id } });
    if (!official) throw new NotFoundError('Official');
    return toOfficialView(official);
  }

  /** Officials flagged by a bounce or a complaint, the earliest flag first: what the console's deliverability page lists. */
  async flagged(limit: number): Promise<{ items: OfficialView[]; total: number }> {
    const [rows, total] = await this.officials
      .createQueryBuilder('o')
      .where('o.flaggedAt IS NOT NULL')
      .orderBy('o.flaggedAt', 'ASC')
      .addOrderBy('o.id', 'ASC')
      .take(limit)
      .getManyAndCount();
    return { items: rows.map(toOfficialView), total };
  }

  /**
   * Flags an official for a coordinator (a bounce, a complaint about a letter to them), in the
   * caller's transaction; the first flag's time stays, the reason is the latest.
   */
  async flag(manager: EntityManager, id: string, reason: string): Promise<void> {
    await this.flagMany(manager, [{ id, reason }]);
  }

  /** flag for many officials in one statement, in id order; an official flagged already for the same reason is not written again. */
  async flagMany(manager: EntityManager, flags: { id: string; reason: string }[]): Promise<void> {
    if (flags.length === 0) return;
    await manager.query(
      `UPDATE officials o SET flagged_at = coalesce(o.flagged_at, now()), flag_reason = u.reason
         FROM (SELECT DISTINCT ON (id) id, left(reason, 500) AS reason FROM unnest($1::uuid[], $2::text[]) AS f(id, reason) ORDER BY id) AS u
        WHERE o.id = u.id AND (o.flagged_at IS NULL OR o.flag_reason IS DISTINCT FROM u.reason)`,
      [flags.map((f) => f.id), flags.map((f) => f.reason)],
    );
  }

  /** A coordinator looked at the flag: cleared, in the audit log. */
  async unflag(id: string, actorId: string): Promise<OfficialView> {
    const updated = await this.officials.manager.transaction(async (manager) => {
      const official = await manager.findOne(Official, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!official) throw new NotFoundError('Official');
      if (official.flaggedAt) {
        await manager.update(Official, { id }, { flaggedAt: null, flagReason: null });
        await this.audit.record({ actorId, action: 'official.unflag', subjectType: 'official', subjectId: id, detail: { reason: official.flagReason } }, manager);
      }
      return manager.findOneOrFail(Official, { where: { id } });
    });
    return toOfficialView(updated);
  }

  /**
   * Changes the fields given; null clears an optional one. The row is locked while the
   * change is checked, so two changes cannot together leave an official unreachable.
   */
  async update(id: string, input: UpdateOfficialDto): Promise<OfficialView> {
    const changes = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as Partial<Official>;
    if (changes.officeDays) changes.officeDays = changes.officeDays.length > 0 ? [...changes.officeDays].sort() : null;
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

  /**
   * Imports officials from CSV (see parseOfficials for the columns): a row with an `id`
   * changes that official; else a row whose email is an official's, or (without an email)
   * whose name, title and country are, changes that one; any other row records a new
   * official. Good rows are kept, each through create() or update() (their rules hold), and
   * bad ones reported by line; the import is in the audit log under `actorId`.
   */
  async import(csv: string, actorId?: string): Promise<OfficialImportReport> {
    const { rows, unreadable } = parseOfficials(csv);
    const report: OfficialImportReport = { created: 0, updated: 0, errors: [...unreadable] };
    for (const [index, row] of rows.entries()) {
      if (index >= MAX_OFFICIAL_ROWS) {
        report.errors.push({ line: row.line, message: `the file has more than ${MAX_OFFICIAL_ROWS} rows: this row and those after it were not imported` });
        break;
      }
      try {
        const existing = await this.matchOf(row);
        if (existing) {
          const change = await officialChange(row);
          if ('problems' in change) report.errors.push({ line: row.line, message: change.problems.join('; ') });
          else {
            await this.update(existing, change.dto);
            report.updated += 1;
          }
        } else {
          const create = await officialToCreate(row);
          if ('problems' in create) report.errors.push({ line: row.line, message: create.problems.join('; ') });
          else {
            await this.create(create.dto);
            report.created += 1;
          }
        }
      } catch (error) {
        if (!isDomainError(error)) throw error;
        report.errors.push({ line: row.line, message: error.message });
      }
    }
    report.errors.sort((a, b) => a.line - b.line);
    await this.audit.record({ actorId, action: 'officials.import', subjectType: 'officials', detail: { created: report.created, updated: report.updated, skipped: 0, errors: report.errors.length } });
    return report;
  }

  /** The official a row names, if any. */
  private async matchOf(row: OfficialRow): Promise<string | null> {
    if (row.id !== undefined) {
      if (!isUUID(row.id) || !(await this.officials.exists({ where: { id: row.id } }))) throw new DomainError('csv_invalid', `id ${row.id.slice(0, 40)} names no official`);
      return row.id;
    }
    const email = row.cells.email?.trim().toLowerCase();
    const query = this.officials.createQueryBuilder('o').select('o.id', 'id').orderBy('o.createdAt', 'ASC').limit(1);
    if (email) query.where('lower(o.email) = :email', { email });
    else if (row.cells.name && row.cells.title && row.cells.country)
      query.where('lower(o.name) = lower(:name) AND lower(o.title) = lower(:title) AND o.country = upper(:country)', { name: row.cells.name, title: row.cells.title, country: row.cells.country });
    else return null;
    const match = await query.getRawOne<{ id: string }>();
    return match?.id ?? null;
  }
}
