import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { parse } from 'csv-parse/sync';
import { In, Repository } from 'typeorm';
import { hashPassword } from '../auth/password';
import { Caller, isCoordinator } from '../auth/current-supporter.decorator';
import { ConflictError, InvalidError, NotFoundError } from '../common/errors';
import { Page } from '../common/pagination';
import { CreateSupporterDto, ImportReport, SupporterView, toSupporterView } from './dto/supporter.dto';
import { Supporter } from './supporter.entity';

const IMPORT_COLUMNS = ['email', 'name', 'country', 'city', 'language', 'autoSign', 'signatureStyle'] as const;
const MAX_IMPORT_ROWS = 100_000;

@Injectable()
export class SupportersService {
  constructor(@InjectRepository(Supporter) private readonly supporters: Repository<Supporter>) {}

  async create(caller: Caller, input: CreateSupporterDto): Promise<SupporterView> {
    // Only an admin grants roles; a coordinator creates members.
    if (input.role && input.role !== 'member' && caller.role !== 'admin') {
      throw new InvalidError('role_forbidden', 'role: only an admin may set a role');
    }
    if (await this.supporters.exists({ where: { email: input.email } })) {
      throw new ConflictError('supporter_exists', 'A supporter with this email already exists');
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
    const [items, [{ total }]] = await Promise.all([
      this.supporters.manager.query<MyLetterView[]>(
        `SELECT l.id, l.status, a.id AS "appealId", a.title AS "appealTitle", c.id AS "caseId", c.name AS "caseName",
                o.id AS "officialId", o.name AS "officialName", o.title AS "officialTitle", l.sent_at AS "sentAt", l.created_at AS "createdAt"
           FROM letters l JOIN appeals a ON a.id = l.appeal_id JOIN cases c ON c.id = a.case_id JOIN officials o ON o.id = l.official_id
          WHERE l.supporter_id = $1 ORDER BY l.created_at DESC, l.id LIMIT $2 OFFSET $3`,
        [supporterId, limit, (page - 1) * limit],
      ),
      this.supporters.manager.query<{ total: number }[]>('SELECT count(*)::int AS total FROM letters WHERE supporter_id = $1', [supporterId]),
    ]);
    return { items, total, page, limit };
  }

  /**
   * Imports members from CSV (header row; columns email, name, country, city, language,
   * autoSign, signatureStyle). Good rows are kept, bad ones reported by line number.
   * Existing emails are updated, never given a role: imports only make members.
   */
  async importCsv(text: string): Promise<ImportReport> {
    const report: ImportReport = { created: 0, updated: 0, skipped: 0, errors: [] };
    let records: { record: Record<string, string>; info: { lines: number } }[];
    try {
      records = parse(text, { columns: (header: string[]) => header.map((h) => h.trim()), skip_empty_lines: true, trim: true, bom: true, info: true, relax_column_count: false });
    } catch (error) {
      const line = (error as { lines?: number }).lines;
      throw new InvalidError('csv_invalid', `CSV could not be read${line ? ` at line ${line}` : ''}: ${(error as Error).message.replace(/^Invalid Record Length: /, '').slice(0, 200)}`);
    }
    if (records.length > MAX_IMPORT_ROWS) throw new InvalidError('csv_too_long', `CSV has more than ${MAX_IMPORT_ROWS} rows`);
    const header = records.length > 0 ? Object.keys(records[0].record) : [];
    const unknown = header.filter((column) => !(IMPORT_COLUMNS as readonly string[]).includes(column));
    if (records.length > 0 && unknown.length > 0) throw new InvalidError('csv_columns', `CSV has unknown columns: ${unknown.join(', ')} (known: ${IMPORT_COLUMNS.join(', ')})`);
    const seen = new Set<string>();
    for (const { record, info } of records) {
      const line = info.lines;
      const dto = plainToInstance(CreateSupporterDto, {
        email: record.email,
        name: record.name,
        country: record.country,
        city: record.city || undefined,
        language: record.language || undefined,
        autoSign: parseBoolean(record.autoSign),
        signatureStyle: record.signatureStyle || undefined,
      });
      const problems = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
      if (problems.length > 0 || dto.autoSign === null) {
        const messages = problems.flatMap((problem) => Object.values(problem.constraints ?? {}));
        if (dto.autoSign === null) messages.push('autoSign must be true, false, yes, no, 1 or 0');
        report.errors.push({ line, message: messages.join('; ') });
        continue;
      }
      if (seen.has(dto.email)) {
        report.skipped += 1;
        report.errors.push({ line, message: 'email repeats an earlier row' });
        continue;
      }
      seen.add(dto.email);
      // An import makes and updates members; a staff account is not the importer's to change.
      const staff = await this.supporters.exists({ where: { email: dto.email, role: In(['coordinator', 'admin']) } });
      if (staff) {
        report.skipped += 1;
        report.errors.push({ line, message: 'email belongs to a coordinator or admin account, which an import does not change' });
        continue;
      }
      const result = await this.supporters
        .createQueryBuilder()
        .insert()
        .values({ email: dto.email, name: dto.name, country: dto.country, city: dto.city ?? null, language: dto.language ?? 'en', autoSign: dto.autoSign ?? false, signatureStyle: dto.signatureStyle ?? 'full' })
        .orUpdate(['name', 'country', 'city', 'language', 'auto_sign', 'signature_style', 'updated_at'], ['email'])
        .returning('(xmax = 0) AS inserted')
        .execute();
      if ((result.raw as { inserted: boolean }[])[0]?.inserted) report.created += 1;
      else report.updated += 1;
    }
    return report;
  }
}

/** undefined when absent, null when unreadable. */
function parseBoolean(value: string | undefined): boolean | undefined | null {
  if (value === undefined || value === '') return undefined;
  const normalised = value.toLowerCase();
  if (['true', 'yes', '1', 'y'].includes(normalised)) return true;
  if (['false', 'no', '0', 'n'].includes(normalised)) return false;
  return null;
}

export interface MyLetterView {
  id: string;
  status: string;
  appealId: string;
  appealTitle: string;
  caseId: string;
  caseName: string;
  officialId: string;
  officialName: string;
  officialTitle: string;
  sentAt: Date | null;
  createdAt: Date;
}
