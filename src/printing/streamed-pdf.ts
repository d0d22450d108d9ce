import type { Writable } from 'node:stream';
import { DocumentOptions, PdfStream, printDocument, releaseWrittenPages } from './pdf-output';
import { renderingItem } from './print-render-error';

/**
 * A PDF of a print run written as its items (letters, envelopes, cards) are added: the
 * document, its stream to `out`, and how many items and pages it holds. Each writer draws
 * one item in `place`; a failure names the item.
 */
export abstract class StreamedPdf {
  protected readonly doc: PDFKit.PDFDocument;
  private readonly stream: PdfStream;
  /** Items placed so far (the one being drawn not yet counted). */
  protected placed = 0;
  protected pages = 0;
  /** Pages whose entries in the page tree are already bare references. */
  private released = 0;

  protected constructor(out: Writable, options: DocumentOptions) {
    this.doc = printDocument(options);
    this.stream = new PdfStream(this.doc, out);
  }

  /** Draws one item (a failure throws a PrintRenderError naming it), counts it, then waits while the output is full. */
  protected async place<T>(id: string, kind: 'letter' | 'card', draw: () => T): Promise<T> {
    const placement = await renderingItem(id, kind, draw);
    this.placed += 1;
    // What pdfkit would hold of every written page until the end: a run's memory no longer grows with its pages.
    this.released = releaseWrittenPages(this.doc, this.released);
    await this.stream.drain();
    return placement;
  }

  /** Ends the document once the output has taken all of it. */
  protected async finish(): Promise<void> {
    await this.stream.finish();
  }

  /** Stops writing after a failure: `out` is left incomplete. */
  async abort(): Promise<void> {
    await this.stream.abort();
  }
}

/** What a print run's PDF writer does with its items: add each, then end, or abort on a failure. */
export interface ItemWriter<Item, Placement, Counts> {
  add(item: Item): Promise<Placement>;
  end(): Promise<Counts>;
  abort(): Promise<void>;
}

/** Feeds `items` (read one at a time) to `writer`, telling `onItem` where each landed; a failure aborts the writer and is thrown. */
export async function writeAll<Item, Placement, Counts>(
  writer: ItemWriter<Item, Placement, Counts>,
  items: AsyncIterable<Item> | Iterable<Item>,
  onItem?: (placement: Placement) => void,
): Promise<Counts> {
  try {
    for await (const item of items) {
      // Added first: `onItem?.(await ...)` would skip the add when no one listens.
      const placement = await writer.add(item);
      onItem?.(placement);
    }
  } catch (error) {
    await writer.abort();
    throw error;
  }
  return writer.end();
}
