import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { CsvError, parse } from 'csv-parse/sync';
import { DomainError } from '../common/errors';
import { messagesOf } from '../common/validation-pipe';
import { CreateOfficialDto, UpdateOfficialDto } from './dto/official.dto';

export const OFFICIAL_IMPORT_COLUMNS = [
  'id',
  'name',
  'title',
  'salutation',
  'organisation',
  'country',
  'email',
  'postalAddress',
  'language',
  'timezone',
  'maxLettersPerHour',
  'officeHoursStart',
  'officeHoursEnd',
  'officeDays',
] as const;
type Column = (typeof OFFICIAL_IMPORT_COLUMNS)[number];
const REQUIRED_COLUMNS = ['name', 'title', 'country', 'language'] as const;
/** A directory of officials is hundreds of rows; past this the file is refused from that row on. */
export const MAX_OFFICIAL_ROWS = 5000;

/** One readable row: its line, and the cells it gives (an empty cell gives nothing). */
export interface OfficialRow {
  line: number;
  id?: string;
  cells: Partial<Record<Exclude<Column, 'id'>, string>>;
}

/** A parsed file: its good rows, and lines no row could be read from. */
export interface ParsedOfficials {
  rows: OfficialRow[];
  unreadable: { line: number; message: string }[];
}

/**
 * Reads an officials CSV: a header row naming columns of OFFICIAL_IMPORT_COLUMNS (name, title,
 * country and language at least), then one official a row. A header that cannot be read or
 * names an unknown column is a DomainError and nothing is imported; a row with the wrong
 * number of cells is reported by its line.
 */
export function parseOfficials(csv: string): ParsedOfficials {
  const unreadable: { line: number; message: string }[] = [];
  let headerRead = false;
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(csv, {
      columns: (header: string[]) => {
        const columns = header.map((column) => column.trim());
        const unknown = columns.filter((column) => !(OFFICIAL_IMPORT_COLUMNS as readonly string[]).includes(column));
        if (unknown.length > 0) throw new DomainError('csv_columns', `CSV has unknown columns: ${unknown.join(', ')} (known: ${OFFICIAL_IMPORT_COLUMNS.join(', ')})`);
        const missing = REQUIRED_COLUMNS.filter((column) => !columns.includes(column));
        if (missing.length > 0) throw new DomainError('csv_columns', `CSV lacks required columns: ${missing.join(', ')} (the header row must name ${REQUIRED_COLUMNS.join(', ')})`);
        headerRead = true;
        return columns;
      },
      skip_empty_lines: true,
      trim: true,
      bom: true,
      info: true,
      skip_records_with_error: true,
      on_skip: (error: CsvError | undefined) => {
        if (error) unreadable.push({ line: (error as CsvError & { lines?: number }).lines ?? 0, message: describeCsvError(error) });
        return undefined;
      },
    }) as { record: Record<string, string>; info: { lines: number } }[];
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw new DomainError('csv_invalid', `CSV could not be read: ${describeCsvError(error as Error)}`);
  }
  if (!headerRead) throw new DomainError('csv_empty', `CSV is empty: send a header row naming ${REQUIRED_COLUMNS.join(', ')}, then one official a row`);
  const rows = records.map(({ record, info }) => {
    const cells: OfficialRow['cells'] = {};
    for (const [column, value] of Object.entries(record)) if (column !== 'id' && value !== '') cells[column as Exclude<Column, 'id'>] = value;
    return { line: info.lines, ...(record.id ? { id: record.id } : {}), cells };
  });
  return { rows, unreadable };
}

/** The row as a new official, or the problems that refuse it (each naming its field). */
export async function officialToCreate(row: OfficialRow): Promise<{ dto: CreateOfficialDto } | { problems: string[] }> {
  const dto = plainToInstance(CreateOfficialDto, typed(row.cells));
  const problems = messagesOf(await validate(dto, { whitelist: true, forbidNonWhitelisted: true }));
  return problems.length > 0 ? { problems } : { dto };
}

/** The row as a change of an existing official: the cells given; an empty cell leaves its field as it is. */
export async function officialChange(row: OfficialRow): Promise<{ dto: UpdateOfficialDto } | { problems: string[] }> {
  const dto = plainToInstance(UpdateOfficialDto, typed(row.cells));
  const problems = messagesOf(await validate(dto, { whitelist: true, forbidNonWhitelisted: true }));
  return problems.length > 0 ? { problems } : { dto };
}

/** Cells are text; the pace and the office days are numbers in the API. A cell that is not one stays text, and its field is refused by name. */
function typed(cells: OfficialRow['cells']): Record<string, unknown> {
  const { maxLettersPerHour, officeDays, ...text } = cells;
  return {
    ...text,
    ...(maxLettersPerHour !== undefined ? { maxLettersPerHour: /^\d{1,9}$/.test(maxLettersPerHour) ? Number(maxLettersPerHour) : maxLettersPerHour } : {}),
    ...(officeDays !== undefined ? { officeDays: officeDays.split(/[\s,;]+/).filter(Boolean).map((day) => (/^\d$/.test(day) ? Number(day) : day)) } : {}),
  };
}

function describeCsvError(error: Error): string {
  const code = (error as CsvError).code;
  if (code === 'CSV_RECORD_INCONSISTENT_COLUMNS') return 'the row has a different number of columns from the header';
  if (code === 'CSV_QUOTE_NOT_CLOSED') return 'the file ends inside a quoted value: a quote was opened and never closed';
  return `the row is not valid CSV: ${error.message.replace(/ (at|on) line \d+\.?$/, '').slice(0, 200)}`;
}
