import type { Writable } from 'node:stream';
import { catalogueOf } from '../common/i18n/messages';
import { formatDate } from '../common/i18n/dates';
import { checkOrganisation, describeCharacters, unsupportedCharacters } from './fonts';
import { fittingSize, MeasureCache, mm, PAPER, PaperSize, textInMargin } from './pdf-output';
import { AIR_MAIL_MARK, addressLines, countryLine, isCountryCode, OfficialAddressee, officialAddress } from './postal-address';
import { PrintRenderError } from './print-render-error';
import { StreamedPdf, writeAll } from './streamed-pdf';

/** One letter to print: its text comes rendered, as the member previewed it; this lays it out. */
export interface PrintedLetter {
  id: string;
  /** The letter's day, ISO (YYYY-MM-DD); printed in the letter's language. */
  date: string;
  /** The letter's language (its template's): the date and the fixed phrases. */
  language: string;
  subject: string;
  body: string;
  /** The signer line as the member chose it ("Rukhshona K.", "A supporter from Canada"). */
  signature: string;
  note?: string | null;
  official: OfficialAddressee;
  /** The letterhead's sender line, as the letter's From names it ("Rukhshona K. via qalam"); unset: the organisation's name. */
  sender?: string;
  /**
   * What the template writes itself (its `{{date}}`, `{{note}}`, `{{supporter.signature}}`):
   * the text is printed as rendered, so the layout does not add these a second time.
   */
  written?: { date?: boolean; note?: boolean; signature?: boolean };
}

export interface PrintOptions {
  paperSize: PaperSize;
  orgName: string;
  /** The organisation's return address, newline-separated lines (the member's never appears). */
  orgPostalAddress: string;
}

/** Where a letter landed in letters.pdf (pages counted from 1). */
export interface LetterPlacement {
  letterId: string;
  firstPage: number;
  lastPage: number;
}

export interface LetterCounts {
  letters: number;
  pages: number;
}

/*
 * The page: DIN 5008 form B, the business letter of most European posts, on A4 and Letter
 * alike. The letterhead sits top right; the addressee in the window field (25 mm from the
 * left edge, 45 to 90 mm from the top: the return line and the air-mail mark in its first
 * 17.7 mm, the address below), so that a letter folded in three shows its address through
 * the window of a DL envelope (window 20 mm from the left, 45 mm from the top); then the
 * date, the subject, the body, the member's note and the signature. A letter longer than
 * a page flows on, and each of its pages says "Page 2 of 3".
 */
const MARGIN = { top: mm(20), bottom: mm(25), left: mm(25), right: mm(20) };
const WINDOW = { top: mm(45), addressTop: mm(62.7), bottom: mm(90), width: mm(80) };
const TEXT_SIZE = 10.5;
const TEXT_GAP = 2.6;
/** A letter a little too long for one page is set smaller rather than sending a second sheet with its last lines. */
const FITTING_SIZES = [10.5, 10, 9.5, 9];
const ADDRESS_SIZES = [10, 9.5, 9, 8.5, 8];
const GREY = '#555555';
const AIR_MAIL_BLUE = '#1d3f8f';

/** Everything printed from a letter, by field, for the font check. Names fields, never values. */
function letterFields(letter: PrintedLetter): Record<string, string> {
  return {
    subject: letter.subject,
    body: letter.body,
    note: letter.note ?? '',
    signature: letter.signature,
    sender: letter.sender ?? '',
    "official's name": letter.official.name,
    "official's title": letter.official.title,
    "official's organisation": letter.official.organisation ?? '',
    "official's postal address": letter.official.postalAddress ?? '',
  };
}

/** Refuses, naming the letter, what cannot be printed, before anything of it is drawn. */
function checkLetter(letter: PrintedLetter): void {
  const refuse = (reason: string): never => {
    throw new PrintRenderError(letter.id, reason);
  };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(letter.date) || Number.isNaN(Date.parse(`${letter.date}T00:00:00Z`))) refuse(`the date '${letter.date}' is not an ISO day`);
  if (letter.subject.trim() === '') refuse('the subject is empty');
  if (letter.body.trim() === '') refuse('the body is empty');
  if (letter.signature.trim() === '') refuse('the signature is empty');
  if (addressLines(letter.official.postalAddress).length === 0) refuse('the official has no postal address');
  if (!isCountryCode(letter.official.country.trim().toUpperCase())) refuse(`the official's country '${letter.official.country}' is not an ISO 3166 alpha-2 code`);
  const problems = Object.entries(letterFields(letter))
    .map(([field, text]) => [field, unsupportedCharacters(text)] as const)
    .filter(([, missing]) => missing.length > 0)
    .map(([field, missing]) => `the ${field} has characters the fonts cannot set: ${describeCharacters(missing)}`);
  if (problems.length > 0) refuse(problems.join('; '));
}

/** Line breaks as the layout reads them; the text itself is printed as given. */
function layoutText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/\t/g, '    ');
}

/**
 * letters.pdf, written as letters are added: each letter starts on a new page, its pages are
 * held only until it is done, and the file goes to `out` as it grows.
 */
export class LettersPdf extends StreamedPdf {
  private readonly orgLines: string[];
  private readonly returnLine: string;
  /** The return line's size and the air-mail mark's width: the same on every letter, measured on the first. */
  private window: { returnSize: number; markWidth: number } | null = null;
  /** The address block's size by its lines. */
  private readonly addressSizes = new MeasureCache<number>();
  /** "Page 2 of 3" by language and pages: the numbers are formatted in the letter's language. */
  private readonly pageLabels = new MeasureCache<string>();

  constructor(
    out: Writable,
    private readonly options: PrintOptions,
  ) {
    checkOrganisation(options.orgName, options.orgPostalAddress);
    super(out, { title: `${options.orgName}: letters`, bufferPages: true });
    this.orgLines = addressLines(options.orgPostalAddress);
    this.returnLine = [options.orgName, ...this.orgLines].join(' · ');
  }

  /** Lays out one letter; a letter that cannot be printed throws a PrintRenderError naming it. */
  async add(letter: PrintedLetter): Promise<LetterPlacement> {
    return this.place(letter.id, 'letter', () => {
      checkLetter(letter);
      return this.draw(letter);
    });
  }

  async end(): Promise<LetterCounts> {
    await this.finish();
    return { letters: this.placed, pages: this.pages };
  }

  private draw(letter: PrintedLetter): LetterPlacement {
    const doc = this.doc;
    const [width, height] = PAPER[this.options.paperSize];
    const firstPage = this.pages + 1;
    doc.addPage({ size: [width, height], margins: MARGIN });
    const textWidth = width - MARGIN.left - MARGIN.right;

    this.drawLetterhead(width, letter.sender);
    const addressEnd = this.drawWindow(letter);

    doc.font('regular').fontSize(TEXT_SIZE).fillColor('black');
    const below = Math.max(mm(98), addressEnd + mm(6));
    if (letter.written?.date) doc.y = below - mm(6);
    else doc.text(formatDate(new Date(`${letter.date}T00:00:00Z`), letter.language), MARGIN.left, below, { width: textWidth, align: 'right' });
    doc.font('bold').fontSize(11).text(layoutText(letter.subject), MARGIN.left, doc.y + mm(6), { width: textWidth, lineGap: TEXT_GAP });
    doc.moveDown(1);
    const messages = catalogueOf(letter.language);
    const note = letter.note && letter.note.trim() !== '' && !letter.written?.note ? layoutText(letter.note) : null;
    const signature = letter.written?.signature ? null : layoutText(letter.signature);
    const { size, gap } = this.fittingText(layoutText(letter.body), note, signature, textWidth, height - MARGIN.bottom - doc.y);
    doc.font('regular').fontSize(size).text(layoutText(letter.body), MARGIN.left, doc.y, { width: textWidth, lineGap: gap });
    if (note !== null) {
      doc.moveDown(1);
      doc.font('italic').fontSize(8.5).fillColor(GREY).text(messages.t('print.note'), MARGIN.left + mm(6), doc.y, { width: textWidth - mm(6) });
      doc.moveDown(0.2);
      doc.font('italic').fontSize(size).fillColor('black').text(note, MARGIN.left + mm(6), doc.y, { width: textWidth - mm(6), lineGap: gap });
    }
    if (signature !== null) {
      doc.moveDown(1.5);
      doc.font('regular').fontSize(size).fillColor('black').text(signature, MARGIN.left, doc.y, { width: textWidth, lineGap: gap });
    }

    const range = doc.bufferedPageRange();
    if (range.count > 1) {
      for (let index = 0; index < range.count; index++) {
        doc.switchToPage(range.start + index);
        doc.font('regular').fontSize(8).fillColor(GREY);
        const label = this.pageLabels.get(`${letter.language}/${index + 1}/${range.count}`, () => messages.t('print.page', { page: index + 1, pages: range.count }));
        textInMargin(doc, label, MARGIN.left, height - mm(15), { width: textWidth, align: 'center' });
      }
    }
    doc.flushPages();
    this.pages += range.count;
    return { letterId: letter.id, firstPage, lastPage: this.pages };
  }

  /**
   * The text size at which body, note and signature fit the rest of the first page: the
   * usual size when it fits (one measure), else the largest smaller one that does; a letter
   * that fits at none flows onto more pages at the usual size.
   */
  private fittingText(body: string, note: string | null, signature: string | null, width: number, available: number): { size: number; gap: number } {
    const doc = this.doc;
    for (const size of FITTING_SIZES) {
      const gap = (TEXT_GAP * size) / TEXT_SIZE;
      const line = doc.font('regular').fontSize(size).currentLineHeight(true) + gap;
      let needed = doc.heightOfString(body, { width, lineGap: gap });
      if (note !== null) needed += line * 2 + doc.font('italic').fontSize(size).heightOfString(note, { width: width - mm(6), lineGap: gap });
      if (signature !== null) needed += line * 1.5 + doc.font('regular').fontSize(size).heightOfString(signature, { width, lineGap: gap });
      if (needed <= available) return { size, gap };
    }
    return { size: TEXT_SIZE, gap: TEXT_GAP };
  }

  /** The sender (as the member signs, via the organisation) and the organisation's return address, top right: never the member's own address. */
  private drawLetterhead(pageWidth: number, sender: string | undefined): void {
    const doc = this.doc;
    const left = mm(110);
    const width = pageWidth - MARGIN.right - left;
    doc.font('bold').fontSize(11).fillColor('black').text(layoutText(sender ?? this.options.orgName), left, mm(15), { width, align: 'right' });
    doc.font('regular').fontSize(8.5).fillColor(GREY);
    for (const line of this.orgLines) doc.text(line, left, doc.y, { width, align: 'right', lineGap: 0.5 });
  }

  /** The window field: return line, air-mail mark, the address and its country; returns the block's bottom. */
  private drawWindow(letter: PrintedLetter): number {
    const doc = this.doc;
    doc.font('regular').fillColor(GREY);
    // Measured where the first letter first needs them, so the document's fonts are set up in the same order as ever.
    this.window ??= {
      returnSize: [7, 6.5, 6, 5.5].find((size) => doc.fontSize(size).widthOfString(this.returnLine) <= WINDOW.width) ?? 5.5,
      markWidth: doc.font('bold').fontSize(7.5).widthOfString(AIR_MAIL_MARK),
    };
    const { returnSize, markWidth } = this.window;
    doc.font('regular').fontSize(returnSize).text(this.returnLine, MARGIN.left, WINDOW.top + mm(2), { width: WINDOW.width, underline: true });

    doc.font('bold').fontSize(7.5).fillColor(AIR_MAIL_BLUE);
    const markTop = Math.max(doc.y + mm(2), WINDOW.top + mm(8));
    doc.rect(MARGIN.left, markTop, markWidth + mm(3), mm(5)).lineWidth(0.8).strokeColor(AIR_MAIL_BLUE).stroke();
    doc.text(AIR_MAIL_MARK, MARGIN.left + mm(1.5), markTop + mm(1.3), { lineBreak: false });

    const address = officialAddress(letter.official);
    const country = countryLine(address.country);
    const lines = [...address.lines, country];
    const size = this.addressSizes.get(lines.join('\n'), () => fittingSize(doc, lines, WINDOW.width, WINDOW.bottom - WINDOW.addressTop, ADDRESS_SIZES, 0.5) ?? ADDRESS_SIZES[ADDRESS_SIZES.length - 1]);
    doc.fillColor('black').fontSize(size);
    doc.font('regular');
    let y = WINDOW.addressTop;
    for (const line of address.lines) {
      doc.text(line, MARGIN.left, y, { width: WINDOW.width, lineGap: 0.5 });
      y = doc.y;
    }
    doc.font('bold').text(country, MARGIN.left, y, { width: WINDOW.width, lineGap: 0.5 });
    return doc.y;
  }
}

/**
 * Writes letters.pdf to `out` from `letters` (read one at a time: the letters and the
 * document never sit whole in memory). `onLetter` hears where each letter landed, for the
 * manifest. A letter that cannot be printed stops the run with a PrintRenderError naming it.
 */
export async function writeLettersPdf(letters: AsyncIterable<PrintedLetter> | Iterable<PrintedLetter>, out: Writable, options: PrintOptions, onLetter?: (placement: LetterPlacement) => void): Promise<LetterCounts> {
  return writeAll(new LettersPdf(out, options), letters, onLetter);
}
