import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import PDFDocument from 'pdfkit';
import { Face, fontFile } from './fonts';

/** Points per millimetre (PDF's unit is 1/72 inch). */
export const MM = 72 / 25.4;

export function mm(millimetres: number): number {
  return millimetres * MM;
}

export type PaperSize = 'A4' | 'LETTER';

/** Width and height in points, portrait. */
export const PAPER: Record<PaperSize, readonly [number, number]> = {
  A4: [mm(210), mm(297)],
  LETTER: [612, 792],
};

export interface DocumentOptions {
  title: string;
  /** The document's language (BCP 47) for screen readers; the letters' own may differ. */
  language?: string;
  /** Keep every page of the current item in memory until `flushPages`, to number them. */
  bufferPages?: boolean;
}

/** A pdfkit document with the print faces registered as 'regular', 'bold' and 'italic'. */
export function printDocument(options: DocumentOptions): PDFKit.PDFDocument {
  const doc = new PDFDocument({
    autoFirstPage: false,
    bufferPages: options.bufferPages ?? false,
    compress: true,
    ...(options.language ? { lang: options.language } : {}),
    displayTitle: true,
    info: { Title: options.title, Creator: 'qalam', Producer: 'qalam (pdfkit)' },
  });
  for (const face of ['regular', 'bold', 'italic'] as Face[]) doc.registerFont(face, fontFile(face));
  return doc;
}

/**
 * Streams a document into `out` as it is drawn: the document is never whole in memory.
 * Await `drain()` between items: it waits while `out` is full. `abort()` destroys the
 * document and `out` (what was written stays, incomplete: the caller discards it).
 */
export class PdfStream {
  private readonly piped: Promise<void>;
  private failure: unknown;

  constructor(
    readonly doc: PDFKit.PDFDocument,
    private readonly out: Writable,
  ) {
    this.piped = pipeline(doc, out);
    // Observed by drain(), finish() or abort(); until then a failed write must not be "unhandled".
    this.piped.catch((error: unknown) => {
      this.failure = error ?? new Error('the output failed');
    });
  }

  /**
   * Waits until what pdfkit produced has moved on: pdfkit pushes pages without asking, so
   * while its buffer holds more than a chunk the pipe is given its turn (a drawing loop fed
   * from memory would never yield otherwise), and while `out` is full, its 'drain'.
   */
  async drain(): Promise<void> {
    while (this.failure === undefined && (this.out.writableNeedDrain || this.doc.readableLength > this.doc.readableHighWaterMark)) {
      if (this.out.writableNeedDrain) await Promise.race([once(this.out, 'drain'), this.piped]);
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (this.failure !== undefined) throw this.failure;
  }

  async finish(): Promise<void> {
    this.doc.end();
    await this.piped;
  }

  async abort(): Promise<void> {
    this.doc.destroy();
    await this.piped.catch(() => undefined);
  }
}

/** The parts of pdfkit 0.20's document that `releaseWrittenPages` reads: not in its types. */
interface PageTree {
  _root: { data: { Pages: { data: { Kids: object[] } } } };
  /** Pages ended and written so far (flushPages ends them: every page before the current one when pages are not buffered). */
  _pageBufferStart: number;
}

/**
 * pdfkit keeps each page's dictionary in the document's page tree until the end (with its
 * resources' and content's objects, ~2 kB a page), though the tree writes no more of a
 * page that is already written than its reference ("12 0 R"). Swaps the written pages'
 * entries, from `from` on, for bare references to the same objects; returns where to start
 * next time. The PDF is the same, byte for byte.
 */
export function releaseWrittenPages(doc: PDFKit.PDFDocument, from: number): number {
  const tree = doc as unknown as PageTree;
  const kids = tree._root.data.Pages.data.Kids;
  const written = Math.min(tree._pageBufferStart, kids.length);
  for (let index = from; index < written; index++) {
    const page = kids[index] as { id: number; gen: number };
    // Its own class (PDFReference), so pdfkit still writes it as a reference: only the id and generation kept.
    kids[index] = Object.create(Object.getPrototypeOf(page) as object, { id: { value: page.id }, gen: { value: page.gen } }) as object;
  }
  return Math.max(from, written);
}

/**
 * Writes `text` where it would overflow the page's bottom margin (a footer) without pdfkit
 * starting a new page for it.
 */
export function textInMargin(doc: PDFKit.PDFDocument, text: string, x: number, y: number, options: PDFKit.Mixins.TextOptions): void {
  const bottom = doc.page.margins.bottom;
  doc.page.margins.bottom = 0;
  try {
    doc.text(text, x, y, { ...options, lineBreak: false });
  } finally {
    doc.page.margins.bottom = bottom;
  }
}

/**
 * The largest of `sizes` at which an address block fits `width` x `height` (each line may
 * wrap; the last, its country line, is set in bold), or null.
 */
export function fittingSize(doc: PDFKit.PDFDocument, lines: readonly string[], width: number, height: number, sizes: readonly number[], lineGap: number): number | null {
  for (const size of sizes) {
    doc.fontSize(size);
    const total = lines.reduce((sum, line, index) => sum + doc.font(index === lines.length - 1 ? 'bold' : 'regular').heightOfString(line, { width, lineGap }), 0);
    if (total <= height) return size;
  }
  return null;
}

/**
 * Measures kept by their text, for what a run measures again and again (a run writes to few
 * distinct addresses): emptied when it holds `limit`, so it never grows with the run.
 */
export class MeasureCache<T> {
  private readonly measured = new Map<string, T>();

  constructor(private readonly limit = 1_000) {}

  get(key: string, measure: () => T): T {
    if (this.measured.has(key)) return this.measured.get(key) as T;
    const value = measure();
    if (this.measured.size >= this.limit) this.measured.clear();
    this.measured.set(key, value);
    return value;
  }
}
