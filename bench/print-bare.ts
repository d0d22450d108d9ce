import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import PDFDocument from 'pdfkit';
import type { PrintedLetter } from '../src/printing/letters-pdf';
import type { Qalam } from './print-qalam';

/*
 * The baseline: pdfkit itself, in a plain loop, drawing the pages qalam's print run holds:
 * letters.pdf's (the same texts in the same faces, sizes and places, one page group per
 * letter, its pages numbered when it has more than one) and envelopes.pdf's (one DL envelope
 * per letter: return address, air-mail mark, address and country line), into two files.
 * Everything that is text is worked out before the clock starts; the loop calls nothing but
 * pdfkit and the file streams.
 */

/** One letter's page group and its envelope, every string ready. */
export interface BareLetter {
  /** The letterhead's first line. */
  sender: string;
  /** null: the template writes the date itself. */
  date: string | null;
  subject: string;
  body: string;
  /** The body's size: qalam's, which sets a letter just too long for one page smaller. */
  bodySize: number;
  /** The member's note and its heading, when the layout adds them (the template does not write the note). */
  note: { heading: string; text: string } | null;
  /** null: the template writes the signature itself. */
  signature: string | null;
  addressLines: string[];
  countryLine: string;
  addressSize: number;
  envelopeAddressSize: number;
  /** "Page {page} of {pages}" in the letter's language. */
  pageLabel: string;
}

/** What the loop needs beyond the letters: the paper, the organisation's lines, the return line's size. */
export interface BareLayout {
  paper: readonly [number, number];
  orgName: string;
  orgLines: string[];
  returnLine: string;
  returnSize: number;
}

const MM = 72 / 25.4;
const mm = (millimetres: number) => millimetres * MM;
const MARGIN = { top: mm(20), bottom: mm(25), left: mm(25), right: mm(20) };
const WINDOW = { top: mm(45), addressTop: mm(62.7), bottom: mm(90), width: mm(80) };
const TEXT_SIZE = 10.5;
const TEXT_GAP = 2.6;
const FITTING_SIZES = [10.5, 10, 9.5, 9];
const ADDRESS_SIZES = [10, 9.5, 9, 8.5, 8];
/** qalam's DL envelope (envelopes-pdf.ts): landscape, the address block in its right half. */
const ENVELOPE = { size: [mm(220), mm(110)] as [number, number], address: { left: mm(100), top: mm(48), width: mm(110), bottom: mm(102) }, sizes: [11, 10.5, 10, 9.5, 9, 8.5, 8] };
const GREY = '#555555';
const AIR_MAIL_BLUE = '#1d3f8f';
const AIR_MAIL_MARK = 'PAR AVION / BY AIR MAIL';

/** The DejaVu Serif files qalam embeds (dejavu-fonts-ttf), by the names the loop uses. */
const FACES = {
  regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSerif.ttf'),
  bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSerif-Bold.ttf'),
  italic: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSerif-Italic.ttf'),
};

function bareDocument(title: string, bufferPages: boolean): PDFKit.PDFDocument {
  const doc = new PDFDocument({ autoFirstPage: false, bufferPages, compress: true, displayTitle: true, info: { Title: title, Creator: 'qalam bench', Producer: 'pdfkit' } });
  for (const [name, file] of Object.entries(FACES)) doc.registerFont(name, file);
  return doc;
}

const layoutText = (text: string) => text.replace(/\r\n?/g, '\n').replace(/\t/g, '    ');

/**
 * The loop's inputs, made before it is timed: the address block's sizes (the largest that
 * fits the window and the envelope, as qalam picks them, measured once per distinct
 * address), the body's size (as qalam fits it), the date, the note's heading and the page
 * label in the letter's language, the country line.
 */
export class BarePreparation {
  private readonly measure = bareDocument('measure', false);
  private readonly sizes = new Map<string, { window: number; envelope: number }>();

  constructor(private readonly qalam: Qalam) {}

  layout(paper: 'A4' | 'LETTER', orgName: string, orgPostalAddress: string): BareLayout {
    const orgLines = this.qalam.postalAddress.addressLines(orgPostalAddress);
    const returnLine = [orgName, ...orgLines].join(' · ');
    this.measure.font('regular');
    const returnSize = [7, 6.5, 6, 5.5].find((size) => this.measure.fontSize(size).widthOfString(returnLine) <= WINDOW.width) ?? 5.5;
    return { paper: this.qalam.pdfOutput.PAPER[paper], orgName, orgLines, returnLine, returnSize };
  }

  letter(letter: PrintedLetter, layout: BareLayout): BareLetter {
    const { postalAddress, letterContext, messages, pdfOutput } = this.qalam;
    const address = postalAddress.officialAddress(letter.official);
    const countryLine = postalAddress.countryLine(address.country);
    const lines = [...address.lines, countryLine];
    const key = lines.join('\n');
    let sizes = this.sizes.get(key);
    if (sizes === undefined) {
      const { address: block } = ENVELOPE;
      sizes = {
        window: pdfOutput.fittingSize(this.measure, lines, WINDOW.width, WINDOW.bottom - WINDOW.addressTop, ADDRESS_SIZES, 0.5) ?? ADDRESS_SIZES[ADDRESS_SIZES.length - 1],
        envelope: pdfOutput.fittingSize(this.measure, lines, block.width, block.bottom - block.top, ENVELOPE.sizes, 1) ?? ENVELOPE.sizes[ENVELOPE.sizes.length - 1],
      };
      this.sizes.set(key, sizes);
    }
    const catalogue = messages.catalogueOf(letter.language);
    const note = letter.note && letter.note.trim() !== '' && !letter.written?.note ? { heading: catalogue.t('print.note'), text: layoutText(letter.note) } : null;
    const signature = letter.written?.signature ? null : layoutText(letter.signature);
    const bare: BareLetter = {
      sender: layoutText(letter.sender ?? layout.orgName),
      date: letter.written?.date ? null : letterContext.formatDate(new Date(`${letter.date}T00:00:00Z`), letter.language),
      subject: layoutText(letter.subject),
      body: layoutText(letter.body),
      bodySize: TEXT_SIZE,
      note,
      signature,
      addressLines: [...address.lines],
      countryLine,
      addressSize: sizes.window,
      envelopeAddressSize: sizes.envelope,
      pageLabel: catalogue.t('print.page', { page: '{page}', pages: '{pages}' }),
    };
    bare.bodySize = this.bodySize(bare, layout);
    return bare;
  }

  /** qalam's fittingText: the usual size if body, note and signature fit the first page, else the largest smaller one that does. */
  private bodySize(letter: BareLetter, layout: BareLayout): number {
    const doc = this.measure;
    const [width, height] = layout.paper;
    const textWidth = width - MARGIN.left - MARGIN.right;
    // Where the body starts: below the window's address and the subject, as the loop draws them.
    doc.font('regular').fontSize(letter.addressSize);
    let addressEnd = WINDOW.addressTop;
    for (const line of letter.addressLines) addressEnd += doc.heightOfString(line, { width: WINDOW.width, lineGap: 0.5 });
    addressEnd += doc.font('bold').heightOfString(letter.countryLine, { width: WINDOW.width, lineGap: 0.5 });
    let top = Math.max(mm(98), addressEnd + mm(6));
    if (letter.date !== null) top += doc.font('regular').fontSize(TEXT_SIZE).heightOfString(letter.date, { width: textWidth }) + mm(6);
    top += doc.font('bold').fontSize(11).heightOfString(letter.subject, { width: textWidth, lineGap: TEXT_GAP });
    // moveDown(1): a line of the subject's size.
    top += doc.currentLineHeight(true);
    const available = height - MARGIN.bottom - top;
    for (const size of FITTING_SIZES) {
      const gap = (TEXT_GAP * size) / TEXT_SIZE;
      const line = doc.font('regular').fontSize(size).currentLineHeight(true) + gap;
      let needed = doc.heightOfString(letter.body, { width: textWidth, lineGap: gap });
      if (letter.note !== null) needed += line * 2 + doc.font('italic').fontSize(size).heightOfString(letter.note.text, { width: textWidth - mm(6), lineGap: gap });
      if (letter.signature !== null) needed += line * 1.5 + doc.font('regular').fontSize(size).heightOfString(letter.signature, { width: textWidth, lineGap: gap });
      if (needed <= available) return size;
    }
    return TEXT_SIZE;
  }
}

/** The pages the loop wrote, by pdfkit's count. */
export interface BarePages {
  letterPages: number;
  envelopePages: number;
}

/** Draws every letter into `files.letters` and its envelope into `files.envelopes` with pdfkit alone. */
export async function writeBarePdfs(letters: readonly BareLetter[], files: { letters: string; envelopes: string }, layout: BareLayout): Promise<BarePages> {
  const doc = bareDocument('letters', true);
  const envelopes = bareDocument('envelopes', false);
  const out = createWriteStream(files.letters);
  const envelopesOut = createWriteStream(files.envelopes);
  const written = Promise.all([pipeline(doc, out), pipeline(envelopes, envelopesOut)]);
  const [width, height] = layout.paper;
  const textWidth = width - MARGIN.left - MARGIN.right;
  const headLeft = mm(110);
  const headWidth = width - MARGIN.right - headLeft;
  doc.font('bold').fontSize(7.5);
  const markWidth = doc.widthOfString(AIR_MAIL_MARK);
  envelopes.font('bold').fontSize(8);
  const envelopeMarkWidth = envelopes.widthOfString(AIR_MAIL_MARK);
  const { address: block } = ENVELOPE;
  const pages: BarePages = { letterPages: 0, envelopePages: 0 };

  for (const letter of letters) {
    doc.addPage({ size: [width, height], margins: MARGIN });
    doc.font('bold').fontSize(11).fillColor('black').text(letter.sender, headLeft, mm(15), { width: headWidth, align: 'right' });
    doc.font('regular').fontSize(8.5).fillColor(GREY);
    for (const line of layout.orgLines) doc.text(line, headLeft, doc.y, { width: headWidth, align: 'right', lineGap: 0.5 });

    doc.font('regular').fontSize(layout.returnSize).fillColor(GREY).text(layout.returnLine, MARGIN.left, WINDOW.top + mm(2), { width: WINDOW.width, underline: true });
    const markTop = Math.max(doc.y + mm(2), WINDOW.top + mm(8));
    doc.font('bold').fontSize(7.5).fillColor(AIR_MAIL_BLUE);
    doc.rect(MARGIN.left, markTop, markWidth + mm(3), mm(5)).lineWidth(0.8).strokeColor(AIR_MAIL_BLUE).stroke();
    doc.text(AIR_MAIL_MARK, MARGIN.left + mm(1.5), markTop + mm(1.3), { lineBreak: false });
    doc.font('regular').fontSize(letter.addressSize).fillColor('black');
    let y = WINDOW.addressTop;
    for (const line of letter.addressLines) {
      doc.text(line, MARGIN.left, y, { width: WINDOW.width, lineGap: 0.5 });
      y = doc.y;
    }
    doc.font('bold').text(letter.countryLine, MARGIN.left, y, { width: WINDOW.width, lineGap: 0.5 });

    const below = Math.max(mm(98), doc.y + mm(6));
    doc.font('regular').fontSize(TEXT_SIZE);
    if (letter.date === null) doc.y = below - mm(6);
    else doc.text(letter.date, MARGIN.left, below, { width: textWidth, align: 'right' });
    doc.font('bold').fontSize(11).text(letter.subject, MARGIN.left, doc.y + mm(6), { width: textWidth, lineGap: TEXT_GAP });
    doc.moveDown(1);
    const size = letter.bodySize;
    const gap = (TEXT_GAP * size) / TEXT_SIZE;
    doc.font('regular').fontSize(size).text(letter.body, MARGIN.left, doc.y, { width: textWidth, lineGap: gap });
    if (letter.note !== null) {
      doc.moveDown(1);
      doc.font('italic').fontSize(8.5).fillColor(GREY).text(letter.note.heading, MARGIN.left + mm(6), doc.y, { width: textWidth - mm(6) });
      doc.moveDown(0.2);
      doc.font('italic').fontSize(size).fillColor('black').text(letter.note.text, MARGIN.left + mm(6), doc.y, { width: textWidth - mm(6), lineGap: gap });
    }
    if (letter.signature !== null) {
      doc.moveDown(1.5);
      doc.font('regular').fontSize(size).fillColor('black').text(letter.signature, MARGIN.left, doc.y, { width: textWidth, lineGap: gap });
    }

    const range = doc.bufferedPageRange();
    if (range.count > 1) {
      for (let index = 0; index < range.count; index++) {
        doc.switchToPage(range.start + index);
        doc.font('regular').fontSize(8).fillColor(GREY);
        const bottom = doc.page.margins.bottom;
        doc.page.margins.bottom = 0;
        doc.text(letter.pageLabel.replace('{page}', String(index + 1)).replace('{pages}', String(range.count)), MARGIN.left, height - mm(15), { width: textWidth, align: 'center', lineBreak: false });
        doc.page.margins.bottom = bottom;
      }
    }
    doc.flushPages();
    pages.letterPages += range.count;

    envelopes.addPage({ size: ENVELOPE.size, margins: { top: 0, bottom: 0, left: 0, right: 0 } });
    envelopes.font('bold').fontSize(8).fillColor('black').text(layout.orgName, mm(10), mm(10), { width: mm(80) });
    envelopes.font('regular').fontSize(7.5);
    for (const line of layout.orgLines) envelopes.text(line, mm(10), envelopes.y, { width: mm(80) });
    const envelopeMarkTop = envelopes.y + mm(4);
    envelopes.font('bold').fontSize(8).fillColor(AIR_MAIL_BLUE);
    envelopes.rect(mm(10), envelopeMarkTop, envelopeMarkWidth + mm(4), 8 + mm(3)).lineWidth(1).strokeColor(AIR_MAIL_BLUE).stroke();
    envelopes.text(AIR_MAIL_MARK, mm(10) + mm(2), envelopeMarkTop + mm(1.6), { lineBreak: false });
    envelopes.fillColor('black').fontSize(letter.envelopeAddressSize).font('regular');
    y = block.top;
    for (const line of letter.addressLines) {
      envelopes.text(line, block.left, y, { width: block.width, lineGap: 1 });
      y = envelopes.y;
    }
    envelopes.font('bold').text(letter.countryLine, block.left, y, { width: block.width, lineGap: 1 });
    pages.envelopePages += 1;

    // A loop fed from memory never yields by itself: let the pipes move what pdfkit produced.
    if (out.writableNeedDrain) await once(out, 'drain');
    if (envelopesOut.writableNeedDrain) await once(envelopesOut, 'drain');
    if (doc.readableLength > doc.readableHighWaterMark || envelopes.readableLength > envelopes.readableHighWaterMark) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  doc.end();
  envelopes.end();
  await written;
  return pages;
}
