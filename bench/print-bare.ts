import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import PDFDocument from 'pdfkit';
import type { PrintedLetter } from '../src/printing/letters-pdf';
import type { Qalam } from './print-qalam';

/*
 * The baseline: pdfkit itself, in a plain loop, drawing the pages qalam's letters.pdf holds
 * (the same texts in the same faces, sizes and places, one page group per letter, its pages
 * numbered when it has more than one) into a file. Everything that is text is worked out
 * before the clock starts; the loop calls nothing but pdfkit and the file stream.
 */

/** One letter's page group, every string ready. */
export interface BareLetter {
  date: string;
  subject: string;
  body: string;
  signature: string;
  addressLines: string[];
  countryLine: string;
  addressSize: number;
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
const ADDRESS_SIZES = [10, 9.5, 9, 8.5, 8];
const GREY = '#555555';
const AIR_MAIL_BLUE = '#1d3f8f';
const AIR_MAIL_MARK = 'PAR AVION / BY AIR MAIL';

/** The DejaVu Serif files qalam embeds (dejavu-fonts-ttf), by the names the loop uses. */
const FACES = {
  regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSerif.ttf'),
  bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSerif-Bold.ttf'),
  italic: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSerif-Italic.ttf'),
};

function bareDocument(title: string): PDFKit.PDFDocument {
  const doc = new PDFDocument({ autoFirstPage: false, bufferPages: true, compress: true, displayTitle: true, info: { Title: title, Creator: 'qalam bench', Producer: 'pdfkit' } });
  for (const [name, file] of Object.entries(FACES)) doc.registerFont(name, file);
  return doc;
}

/**
 * The loop's inputs, made before it is timed: the address block's size (the largest that
 * fits the window, as qalam picks it, measured once per distinct address), the date and the
 * page label in the letter's language, the country line.
 */
export class BarePreparation {
  private readonly measure = bareDocument('measure');
  private readonly sizes = new Map<string, number>();

  constructor(private readonly qalam: Qalam) {}

  layout(paper: 'A4' | 'LETTER', orgName: string, orgPostalAddress: string): BareLayout {
    const orgLines = this.qalam.postalAddress.addressLines(orgPostalAddress);
    const returnLine = [orgName, ...orgLines].join(' · ');
    this.measure.font('regular');
    const returnSize = [7, 6.5, 6, 5.5].find((size) => this.measure.fontSize(size).widthOfString(returnLine) <= WINDOW.width) ?? 5.5;
    return { paper: this.qalam.pdfOutput.PAPER[paper], orgName, orgLines, returnLine, returnSize };
  }

  letter(letter: PrintedLetter): BareLetter {
    const { postalAddress, letterContext, messages } = this.qalam;
    const address = postalAddress.officialAddress(letter.official);
    const countryLine = postalAddress.countryLine(address.country);
    const key = [...address.lines, countryLine].join('\n');
    let addressSize = this.sizes.get(key);
    if (addressSize === undefined) {
      addressSize = this.qalam.pdfOutput.fittingSize(this.measure, [...address.lines, countryLine], WINDOW.width, WINDOW.bottom - WINDOW.addressTop, ADDRESS_SIZES, 0.5) ?? ADDRESS_SIZES[ADDRESS_SIZES.length - 1];
      this.sizes.set(key, addressSize);
    }
    return {
      date: letterContext.formatDate(new Date(`${letter.date}T00:00:00Z`), letter.language),
      subject: letter.subject,
      body: letter.body,
      signature: letter.signature,
      addressLines: [...address.lines],
      countryLine,
      addressSize,
      pageLabel: messages.catalogueOf(letter.language).t('print.page', { page: '{page}', pages: '{pages}' }),
    };
  }
}

/** Draws every letter into `file` with pdfkit alone; returns the pages written. */
export async function writeBarePdf(letters: readonly BareLetter[], file: string, layout: BareLayout): Promise<number> {
  const doc = bareDocument('letters');
  const out = createWriteStream(file);
  const written = pipeline(doc, out);
  const [width, height] = layout.paper;
  const textWidth = width - MARGIN.left - MARGIN.right;
  const headLeft = mm(110);
  const headWidth = width - MARGIN.right - headLeft;
  doc.font('bold').fontSize(7.5);
  const markWidth = doc.widthOfString(AIR_MAIL_MARK);
  let pages = 0;

  for (const letter of letters) {
    doc.addPage({ size: [width, height], margins: MARGIN });
    doc.font('bold').fontSize(11).fillColor('black').text(layout.orgName, headLeft, mm(15), { width: headWidth, align: 'right' });
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

    doc.font('regular').fontSize(TEXT_SIZE).text(letter.date, MARGIN.left, Math.max(mm(98), doc.y + mm(6)), { width: textWidth, align: 'right' });
    doc.font('bold').fontSize(11).text(letter.subject, MARGIN.left, doc.y + mm(6), { width: textWidth, lineGap: TEXT_GAP });
    doc.moveDown(1);
    doc.font('regular').fontSize(TEXT_SIZE).text(letter.body, MARGIN.left, doc.y, { width: textWidth, lineGap: TEXT_GAP });
    doc.moveDown(1.5);
    doc.text(letter.signature, MARGIN.left, doc.y, { width: textWidth, lineGap: TEXT_GAP });

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
    pages += range.count;
    // A loop fed from memory never yields by itself: let the pipe move what pdfkit produced.
    if (out.writableNeedDrain) await once(out, 'drain');
    else if (doc.readableLength > doc.readableHighWaterMark) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  doc.end();
  await written;
  return pages;
}
