import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/*
 * The PDFs qalam renders, read back with poppler's tools (`apt-get install -y poppler-utils`):
 * what a printer and a reader would see, not what pdfkit was asked to draw.
 */

const run = promisify(execFile);

async function poppler(tool: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(tool, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${tool} is missing: apt-get install -y poppler-utils`);
    throw error;
  }
}

/** The text layer in drawing order (`-raw`), of pages `first`..`last` (all by default). */
export async function pdfText(file: string, pages: { first?: number; last?: number } = {}): Promise<string> {
  const range = [...(pages.first ? ['-f', `${pages.first}`] : []), ...(pages.last ? ['-l', `${pages.last}`] : [])];
  return poppler('pdftotext', ['-raw', '-enc', 'UTF-8', ...range, file, '-']);
}

/** Each page's text, in order (pdftotext ends each page with a form feed). */
export async function pdfPageTexts(file: string): Promise<string[]> {
  const text = await pdfText(file);
  return text.split('\f').slice(0, -1);
}

export interface PdfInfo {
  pages: number;
  /** Every page's size in points, from page 1. */
  pageSizes: { width: number; height: number }[];
}

export async function pdfInfo(file: string): Promise<PdfInfo> {
  const first = await poppler('pdfinfo', [file]);
  const pages = Number(/^Pages:\s+(\d+)$/m.exec(first)?.[1]);
  const sized = await poppler('pdfinfo', ['-f', '1', '-l', `${pages}`, file]);
  const pageSizes = [...sized.matchAll(/^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts/gm)].map((match) => ({ width: Number(match[1]), height: Number(match[2]) }));
  return { pages, pageSizes };
}

export interface PdfFont {
  name: string;
  type: string;
  embedded: boolean;
  subset: boolean;
  unicode: boolean;
}

export async function pdfFonts(file: string): Promise<PdfFont[]> {
  const table = await poppler('pdffonts', [file]);
  return table
    .split('\n')
    .slice(2)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const columns = line.trim().split(/\s+/);
      // name, type (may be two words), encoding, emb, sub, uni, object id, generation
      const [emb, sub, uni] = columns.slice(-5, -2);
      return { name: columns[0], type: columns.slice(1, -6).join(' '), embedded: emb === 'yes', subset: sub === 'yes', unicode: uni === 'yes' };
    });
}

/** Page `page` as a PNG at `dpi` (prefix.png); returns its path. */
export async function pdfPagePng(file: string, prefix: string, page = 1, dpi = 60): Promise<string> {
  await poppler('pdftoppm', ['-png', '-r', `${dpi}`, '-f', `${page}`, '-l', `${page}`, '-singlefile', file, prefix]);
  return `${prefix}.png`;
}

/** Millimetres in PDF points, to compare page sizes. */
export function points(millimetres: number): number {
  return (millimetres * 72) / 25.4;
}

/** Text with its line breaks and runs of spaces as single spaces: wrapping moves words between lines. */
export function flat(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
