import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify, Stringifier } from 'csv-stringify';

/** One letter of a print run, as the coordinator stuffing envelopes reads it. */
export interface ManifestRow {
  letterId: string;
  officialName: string;
  organisation?: string | null;
  /** ISO 3166 alpha-2. */
  country: string;
  /** In letters.pdf, counted from 1. */
  firstPage: number;
  lastPage: number;
  /** In envelopes.pdf; `label` is the label's place on that sheet, for labels. */
  envelopePage: number;
  label?: number;
}

export const MANIFEST_COLUMNS = ['letter_id', 'official_name', 'organisation', 'country', 'letter_pages', 'envelope_page', 'label'] as const;

/** manifest.csv, one row per letter in the order of letters.pdf. */
export class ManifestCsv {
  private readonly csv: Stringifier;
  private readonly piped: Promise<void>;
  private rows = 0;

  constructor(private readonly out: Writable) {
    // Formula-looking cells ("=...", "+...") are quoted so a spreadsheet shows them as text.
    this.csv = stringify({ header: true, columns: [...MANIFEST_COLUMNS], escape_formulas: true });
    this.piped = pipeline(this.csv, out);
    this.piped.catch(() => undefined);
  }

  async add(row: ManifestRow): Promise<void> {
    const written = this.csv.write([
      row.letterId,
      row.officialName,
      row.organisation ?? '',
      row.country,
      row.firstPage === row.lastPage ? `${row.firstPage}` : `${row.firstPage}-${row.lastPage}`,
      row.envelopePage,
      row.label ?? '',
    ]);
    this.rows += 1;
    if (!written) await Promise.race([once(this.csv, 'drain'), this.piped]);
  }

  async end(): Promise<{ rows: number }> {
    this.csv.end();
    await this.piped;
    return { rows: this.rows };
  }

  async abort(): Promise<void> {
    this.csv.destroy();
    await this.piped.catch(() => undefined);
  }
}

/** Writes manifest.csv to `out` (a header row even when there is no letter). */
export async function writeManifestCsv(rows: AsyncIterable<ManifestRow> | Iterable<ManifestRow>, out: Writable): Promise<{ rows: number }> {
  const manifest = new ManifestCsv(out);
  try {
    for await (const row of rows) await manifest.add(row);
  } catch (error) {
    await manifest.abort();
    throw error;
  }
  return manifest.end();
}
