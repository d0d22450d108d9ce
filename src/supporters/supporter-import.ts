import { Readable, Transform, TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { CsvError, parse } from 'csv-parse';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../common/errors';
import { CreateSupporterDto, ImportReport } from './dto/supporter.dto';
import { upsertImportedMembers } from './supporters.repository';

export const IMPORT_COLUMNS = ['email', 'name', 'country', 'city', 'language', 'autoSign', 'signatureStyle'] as const;
const REQUIRED_COLUMNS = ['email', 'name', 'country'] as const;
/** Good rows are written this many at a time, in one statement. */
const ROWS_PER_WRITE = 500;

export interface ImportProgress {
  /** Bytes of the file read so far. */
  bytes: number;
  /** Rows read so far (good and bad). */
  rows: number;
  created: number;
  updated: number;
  /** Rows reported as bad or skipped. */
  errors: number;
}

export interface ImportOptions {
  /** Called after each write and at the end. */
  onProgress?: (progress: ImportProgress) => void;
  /** Rows past this many are not read, and one error says from which line. */
  maxRows?: number;
}

interface GoodRow {
  line: number;
  email: string;
  name: string;
  country: string;
  city: string | null;
  language: string;
  autoSign: boolean;
  signatureStyle: string;
}

/**
 * The one importer of members from CSV, for POST /api/supporters/import and `qalam import
 * supporters`: a header row naming columns of IMPORT_COLUMNS, then one member a row. Rows are
 * streamed, validated one by one and written ROWS_PER_WRITE at a time; good rows are kept,
 * bad ones reported by line number (an unreadable row too: a wrong number of columns, a quote
 * never closed). Existing emails are updated, never given a role, and never subscribed again
 * if they left; a coordinator's or admin's email is skipped. New members are confirmed: whoever
 * imports them vouches for them. A header that cannot be read, or names an unknown column, is
 * a DomainError (csv_columns, csv_invalid or csv_empty) and nothing is imported.
 */
export async function importSupporters(manager: EntityManager, input: Readable | string, options: ImportOptions = {}): Promise<ImportReport> {
  const report: ImportReport = { created: 0, updated: 0, skipped: 0, errors: [] };
  const progress: ImportProgress = { bytes: 0, rows: 0, created: 0, updated: 0, errors: 0 };
  const unreadable: { line: number; message: string }[] = [];
  let unreadableRows = 0;
  let headerChecked = false;
  let headerProblem: DomainError | null = null;

  const counter = new Transform({
    transform(chunk: Buffer | string, _encoding: BufferEncoding, done: TransformCallback) {
      progress.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      done(null, chunk);
    },
  });
  const parser = parse({
    columns: (header: string[]) => {
      const columns = header.map((column) => column.trim());
      const unknown = columns.filter((column) => !(IMPORT_COLUMNS as readonly string[]).includes(column));
      // Thrown from here, csv-parse stops before the first row.
      if (unknown.length > 0) {
        headerProblem = new DomainError('csv_columns', `CSV has unknown columns: ${unknown.join(', ')} (known: ${IMPORT_COLUMNS.join(', ')})`);
        throw headerProblem;
      }
      // Without these every row would fail alike; one clear answer beats a report of a thousand lines.
      const missing = REQUIRED_COLUMNS.filter((column) => !columns.includes(column));
      if (missing.length > 0) {
        headerProblem = new DomainError('csv_columns', `CSV lacks required columns: ${missing.join(', ')} (the header row must name ${REQUIRED_COLUMNS.join(', ')})`);
        throw headerProblem;
      }
      headerChecked = true;
      return columns;
    },
    skip_empty_lines: true,
    trim: true,
    bom: true,
    info: true,
    relax_column_count: false,
    skip_records_with_error: true,
    on_skip: (error: CsvError | undefined) => {
      if (!error) return undefined;
      unreadableRows += 1;
      unreadable.push({ line: (error as CsvError & { lines?: number }).lines ?? progress.rows + 2, message: describeCsvError(error) });
      return undefined;
    },
  });
  const source = typeof input === 'string' ? Readable.from([input]) : input;
  const records = pipeline(source, counter, parser, () => undefined) as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>;

  const seen = new Set<string>();
  let batch: GoodRow[] = [];
  const flush = async () => {
    if (batch.length > 0) await write(manager, batch, report);
    batch = [];
    report.errors.push(...unreadable.splice(0));
    progress.created = report.created;
    progress.updated = report.updated;
    progress.errors = report.errors.length;
    options.onProgress?.({ ...progress, rows: progress.rows + unreadableRows });
  };

  try {
    for await (const { record, info } of records) {
      const line = info.lines;
      progress.rows += 1;
      if (options.maxRows !== undefined && progress.rows > options.maxRows) {
        report.errors.push({ line, message: `the file has more than ${options.maxRows} rows: this row and those after it were not imported` });
        parser.destroy();
        break;
      }
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
      batch.push({
        line,
        email: dto.email,
        name: dto.name,
        country: dto.country,
        city: dto.city ?? null,
        language: dto.language ?? 'en',
        autoSign: dto.autoSign ?? false,
        signatureStyle: dto.signatureStyle ?? 'full',
      });
      if (batch.length >= ROWS_PER_WRITE) await flush();
    }
  } catch (error) {
    if (headerProblem) throw headerProblem;
    if (!headerChecked) throw new DomainError('csv_invalid', `CSV could not be read: ${describeCsvError(error as Error)}`);
    throw error;
  }
  if (!headerChecked && unreadable.length > 0) throw new DomainError('csv_invalid', `CSV could not be read: line ${unreadable[0].line}: ${unreadable[0].message}`);
  if (!headerChecked) throw new DomainError('csv_empty', `CSV is empty: send a header row naming ${REQUIRED_COLUMNS.join(', ')}, then one member a row`);
  await flush();
  report.errors.sort((a, b) => a.line - b.line);
  return report;
}

/** One statement per batch: new members inserted, members updated, staff accounts left alone (skipped). */
async function write(manager: EntityManager, rows: GoodRow[], report: ImportReport): Promise<void> {
  const written = await upsertImportedMembers(manager, rows);
  const outcome = new Map(written.map((row) => [row.email, row.inserted]));
  for (const row of rows) {
    const inserted = outcome.get(row.email);
    if (inserted === true) report.created += 1;
    else if (inserted === false) report.updated += 1;
    else {
      report.skipped += 1;
      report.errors.push({ line: row.line, message: 'email belongs to a coordinator or admin account, which an import does not change' });
    }
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

/** csv-parse's message without its own line prefix: the report gives the line. */
function describeCsvError(error: Error): string {
  const code = (error as CsvError).code;
  if (code === 'CSV_RECORD_INCONSISTENT_COLUMNS') {
    const { record, columns } = error as CsvError & { record?: unknown[]; columns?: unknown[] };
    return Array.isArray(record) && Array.isArray(columns)
      ? `the row has ${record.length} columns where the header has ${columns.length}`
      : 'the row has a different number of columns from the header';
  }
  if (code === 'CSV_QUOTE_NOT_CLOSED') return 'the file ends inside a quoted value: a quote was opened and never closed, so the rows from that quote on could not be read';
  return `the row is not valid CSV: ${error.message.replace(/ (at|on) line \d+\.?$/, '').slice(0, 200)}`;
}
