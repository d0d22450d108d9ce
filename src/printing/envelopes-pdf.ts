import type { Writable } from 'node:stream';
import { checkOrganisation, describeCharacters, unsupportedCharacters } from './fonts';
import { fittingSize, MeasureCache, mm, PAPER, PaperSize } from './pdf-output';
import { AIR_MAIL_MARK, addressLines, addressProblem, countryLine, officialAddress, OfficialAddressee, PostalAddress } from './postal-address';
import { PrintRenderError } from './print-render-error';
import { StreamedPdf, writeAll } from './streamed-pdf';

/** One envelope (or label): the letter's or card's id and where it goes. */
export interface Addressee {
  id: string;
  address: PostalAddress;
  /** 'letter' or 'card': how a render error names the item. */
  kind?: 'letter' | 'card';
}

/**
 * `DL` (220 x 110 mm) and `C5` (229 x 162 mm): one envelope per page, fed through the
 * printer; `labels`: a sheet of address labels on the paper size (A4 3 x 7, 63.5 x 38.1 mm,
 * as Avery L7160; Letter 3 x 10, 2 5/8 x 1 in, as Avery 5160), one label per item.
 */
export type EnvelopeFormat = 'DL' | 'C5' | 'labels';

export interface EnvelopeOptions {
  format: EnvelopeFormat;
  /** The sheet of labels; envelopes have their own size. */
  paperSize: PaperSize;
  orgName: string;
  orgPostalAddress: string;
}

/** Where an item's envelope landed: its page, and its label on that sheet (1 = top left, row by row). */
export interface EnvelopePlacement {
  id: string;
  page: number;
  label?: number;
}

export interface EnvelopeCounts {
  envelopes: number;
  pages: number;
}

interface EnvelopeGeometry {
  size: readonly [number, number];
  /** The addressee's block: left, top, width, bottom. */
  address: { left: number; top: number; width: number; bottom: number };
  sizes: readonly number[];
}

const ENVELOPES: Record<'DL' | 'C5', EnvelopeGeometry> = {
  // The address in the right half, below the stamp; the left third stays for the return address and the mark.
  DL: { size: [mm(220), mm(110)], address: { left: mm(100), top: mm(48), width: mm(110), bottom: mm(102) }, sizes: [11, 10.5, 10, 9.5, 9, 8.5, 8] },
  C5: { size: [mm(229), mm(162)], address: { left: mm(105), top: mm(80), width: mm(114), bottom: mm(150) }, sizes: [12, 11.5, 11, 10.5, 10, 9.5, 9, 8.5, 8] },
};

interface LabelSheet {
  columns: number;
  rows: number;
  width: number;
  height: number;
  left: number;
  top: number;
  pitchX: number;
  pitchY: number;
}

const LABELS: Record<PaperSize, LabelSheet> = {
  A4: { columns: 3, rows: 7, width: mm(63.5), height: mm(38.1), left: mm(7.2), top: mm(15.15), pitchX: mm(66), pitchY: mm(38.1) },
  LETTER: { columns: 3, rows: 10, width: 189, height: 72, left: 13.5, top: 36, pitchX: 198, pitchY: 72 },
};
const LABEL_PADDING = { x: mm(3), y: mm(2) };
const LABEL_SIZES = [9, 8.5, 8, 7.5, 7, 6.5, 6];
const AIR_MAIL_BLUE = '#1d3f8f';

/** The envelope of a letter to an official; refuses, naming the letter, an official without a postal address. */
export function letterAddressee(letter: { id: string; official: OfficialAddressee }): Addressee {
  const address = officialAddress(letter.official);
  if (address.postalLines.length === 0) throw new PrintRenderError(letter.id, 'the official has no postal address');
  return { id: letter.id, address: { lines: address.lines, country: address.country }, kind: 'letter' };
}

/** The envelope of a solidarity card: the case's `messageAddress` (lines as printed) and `messageCountry`. */
export function cardAddressee(card: { id: string; messageAddress: string | null | undefined; messageCountry: string }): Addressee {
  return { id: card.id, address: { lines: addressLines(card.messageAddress), country: card.messageCountry.trim().toUpperCase() }, kind: 'card' };
}

/** envelopes.pdf, written as items are added (see EnvelopeFormat). */
export class EnvelopesPdf extends StreamedPdf {
  private readonly orgLines: string[];
  /** The address block's size (null: it fits nowhere) by its lines: one format per document. */
  private readonly addressSizes = new MeasureCache<number | null>();
  /** The air-mail mark's width by its size: measured once. */
  private readonly markWidths = new MeasureCache<number>();

  constructor(
    out: Writable,
    private readonly options: EnvelopeOptions,
  ) {
    checkOrganisation(options.orgName, options.orgPostalAddress);
    super(out, { title: `${options.orgName}: envelopes` });
    this.orgLines = addressLines(options.orgPostalAddress);
  }

  async add(addressee: Addressee): Promise<EnvelopePlacement> {
    const kind = addressee.kind ?? 'letter';
    return this.place(addressee.id, kind, () => {
      const problem = addressProblem(addressee.address);
      if (problem) throw new PrintRenderError(addressee.id, problem, kind);
      const missing = unsupportedCharacters(addressee.address.lines.join('\n'));
      if (missing.length > 0) throw new PrintRenderError(addressee.id, `the address has characters the fonts cannot set: ${describeCharacters(missing)}`, kind);
      return this.options.format === 'labels' ? this.drawLabel(addressee) : this.drawEnvelope(addressee, ENVELOPES[this.options.format]);
    });
  }

  async end(): Promise<EnvelopeCounts> {
    await this.finish();
    return { envelopes: this.placed, pages: this.pages };
  }

  private drawEnvelope(addressee: Addressee, geometry: EnvelopeGeometry): EnvelopePlacement {
    const doc = this.doc;
    const [width, height] = geometry.size;
    const { left, top, width: blockWidth, bottom } = geometry.address;
    const lines = [...addressee.address.lines, countryLine(addressee.address.country)];
    // Measured before the page exists, so a refusal leaves no empty envelope behind.
    const size = this.addressSizes.get(lines.join('\n'), () => fittingSize(this.doc, lines, blockWidth, bottom - top, geometry.sizes, 1));
    if (size === null) throw new PrintRenderError(addressee.id, `the address does not fit a ${this.options.format} envelope`, addressee.kind ?? 'letter');

    // Landscape: the envelope goes through the printer short edge first.
    doc.addPage({ size: [width, height], margins: { top: 0, bottom: 0, left: 0, right: 0 } });
    this.pages += 1;
    doc.font('bold').fontSize(8).fillColor('black').text(this.options.orgName, mm(10), mm(10), { width: mm(80) });
    doc.font('regular').fontSize(7.5);
    for (const line of this.orgLines) doc.text(line, mm(10), doc.y, { width: mm(80) });
    this.drawAirMailMark(mm(10), doc.y + mm(4), 8);

    this.drawAddress(lines, left, top, blockWidth, size, 1);
    return { id: addressee.id, page: this.pages };
  }

  private drawLabel(addressee: Addressee): EnvelopePlacement {
    const doc = this.doc;
    const sheet = LABELS[this.options.paperSize];
    const perSheet = sheet.columns * sheet.rows;
    const index = this.placed % perSheet;
    const innerWidth = sheet.width - 2 * LABEL_PADDING.x;
    const markHeight = 8;
    const lines = [...addressee.address.lines, countryLine(addressee.address.country)];
    const size = this.addressSizes.get(lines.join('\n'), () => fittingSize(this.doc, lines, innerWidth, sheet.height - 2 * LABEL_PADDING.y - markHeight, LABEL_SIZES, 0));
    if (size === null) throw new PrintRenderError(addressee.id, 'the address does not fit a label', addressee.kind ?? 'letter');

    if (index === 0) {
      const [width, height] = PAPER[this.options.paperSize];
      doc.addPage({ size: [width, height], margins: { top: 0, bottom: 0, left: 0, right: 0 } });
      this.pages += 1;
    }
    const x = sheet.left + (index % sheet.columns) * sheet.pitchX + LABEL_PADDING.x;
    const y = sheet.top + Math.floor(index / sheet.columns) * sheet.pitchY + LABEL_PADDING.y;
    doc.font('bold').fontSize(5.5).fillColor(AIR_MAIL_BLUE).text(AIR_MAIL_MARK, x, y, { width: innerWidth, lineBreak: false });
    this.drawAddress(lines, x, y + markHeight, innerWidth, size, 0);
    return { id: addressee.id, page: this.pages, label: index + 1 };
  }

  private drawAddress(lines: readonly string[], left: number, top: number, width: number, size: number, lineGap: number): void {
    const doc = this.doc;
    doc.fillColor('black').fontSize(size);
    let y = top;
    lines.forEach((line, index) => {
      doc.font(index === lines.length - 1 ? 'bold' : 'regular').text(line, left, y, { width, lineGap });
      y = doc.y;
    });
  }

  private drawAirMailMark(x: number, y: number, size: number): void {
    const doc = this.doc;
    doc.font('bold').fontSize(size).fillColor(AIR_MAIL_BLUE);
    const width = this.markWidths.get(String(size), () => doc.widthOfString(AIR_MAIL_MARK));
    doc.rect(x, y, width + mm(4), size + mm(3)).lineWidth(1).strokeColor(AIR_MAIL_BLUE).stroke();
    doc.text(AIR_MAIL_MARK, x + mm(2), y + mm(1.6), { lineBreak: false });
  }
}

/** Writes envelopes.pdf to `out`, one envelope (or label) per addressee, in order. */
export async function writeEnvelopesPdf(addressees: AsyncIterable<Addressee> | Iterable<Addressee>, out: Writable, options: EnvelopeOptions, onEnvelope?: (placement: EnvelopePlacement) => void): Promise<EnvelopeCounts> {
  return writeAll(new EnvelopesPdf(out, options), addressees, onEnvelope);
}
