import type { UploadedFile } from './multipart-form';

/** Types a browser declares for a CSV file: Excel on Windows calls a .csv `application/vnd.ms-excel`, some systems `text/plain`. */
const CSV_TYPES = new Set(['text/csv', 'application/csv', 'text/comma-separated-values', 'text/x-csv', 'text/plain', 'application/vnd.ms-excel']);

/** Whether a file says it is CSV, by its name (`.csv`, `.txt`) or by the type the browser declared. */
export function claimsCsv(filename: string, mimeType: string): boolean {
  return /\.(csv|txt)$/i.test(filename) || CSV_TYPES.has(mimeType.toLowerCase());
}

/**
 * The text of a file that claims to be CSV, when it is: UTF-8 (a byte-order mark, which
 * Excel writes, dropped) with no NUL byte. A spreadsheet (.xlsx is a zip, .xls binary), a
 * PDF, or a CSV saved in another encoding (Windows-1251) is null: nothing to import.
 */
export function csvText(bytes: Buffer): string | null {
  if (bytes.includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** An uploaded CSV file read whole (multipartForm has capped its size): its text, or why it is refused. Nothing is read of a file that does not claim to be CSV. */
export async function readCsvUpload(file: UploadedFile): Promise<{ text: string } | { refused: 'too_large' | 'not_csv' }> {
  if (!claimsCsv(file.filename, file.mimeType)) return { refused: 'not_csv' };
  const chunks: Buffer[] = [];
  for await (const chunk of file.stream) chunks.push(chunk as Buffer);
  if (file.truncated()) return { refused: 'too_large' };
  const text = csvText(Buffer.concat(chunks));
  return text === null ? { refused: 'not_csv' } : { text };
}
