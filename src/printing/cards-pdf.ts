import type { Writable } from 'node:stream';
import { describeCharacters, unsupportedCharacters } from './fonts';
import { mm, PAPER } from './pdf-output';
import { PrintRenderError } from './print-render-error';
import { StreamedPdf, writeAll } from './streamed-pdf';

/** A member's approved message of solidarity, printed on a card. */
export interface SolidarityCard {
  id: string;
  text: string;
  /** The signer line as the member chose it. */
  signature: string;
}

/**
 * `A6`: one card per page (105 x 148 mm, for card stock); `A4-4up`: four A6 cards on an A4
 * sheet, with cutting lines (A4 halves into A6 exactly).
 */
export type CardLayout = 'A6' | 'A4-4up';

export interface CardOptions {
  layout: CardLayout;
}

export interface CardPlacement {
  cardId: string;
  page: number;
  /** On an A4 sheet: 1 top left, 2 top right, 3 bottom left, 4 bottom right. */
  position?: number;
}

export interface CardCounts {
  cards: number;
  pages: number;
}

const CARD = { width: mm(105), height: mm(148), margin: mm(12) };
const CARD_SIZES = [13, 12, 11, 10.5, 10, 9.5, 9];
const LINE_GAP = 3;
const RULE = '#8a6d3b';

/** cards.pdf, written as cards are added. */
export class CardsPdf extends StreamedPdf {
  constructor(
    out: Writable,
    private readonly options: CardOptions,
  ) {
    super(out, { title: 'Solidarity cards' });
  }

  async add(card: SolidarityCard): Promise<CardPlacement> {
    return this.place(card.id, 'card', () => this.draw(card));
  }

  async end(): Promise<CardCounts> {
    await this.finish();
    return { cards: this.placed, pages: this.pages };
  }

  private draw(card: SolidarityCard): CardPlacement {
    const refuse = (reason: string): never => {
      throw new PrintRenderError(card.id, reason, 'card');
    };
    if (card.text.trim() === '') refuse('the message is empty');
    if (card.signature.trim() === '') refuse('the signature is empty');
    const missing = unsupportedCharacters(`${card.text}\n${card.signature}`);
    if (missing.length > 0) refuse(`the message or signature has characters the fonts cannot set: ${describeCharacters(missing)}`);

    const doc = this.doc;
    const text = card.text.replace(/\r\n?/g, '\n');
    const width = CARD.width - 2 * CARD.margin;
    // The rule on top, the message, a line's space, the signature: all inside the margins.
    const room = CARD.height - 2 * CARD.margin - mm(8);
    const blockHeight = (size: number): number => {
      doc.fontSize(size);
      const message = doc.font('regular').heightOfString(text, { width, lineGap: LINE_GAP });
      const signature = doc.font('italic').heightOfString(card.signature, { width, lineGap: LINE_GAP });
      return message + size * 0.5 + signature;
    };
    const size = CARD_SIZES.find((candidate) => blockHeight(candidate) <= room);
    if (size === undefined) throw new PrintRenderError(card.id, 'the message does not fit a card', 'card');
    // A short message sits in the card's optical centre (a little above the middle), not at its top.
    const offset = Math.max(0, (room - blockHeight(size)) * 0.4);

    let position: number | undefined;
    let originX = 0;
    let originY = 0;
    if (this.options.layout === 'A6') {
      doc.addPage({ size: [CARD.width, CARD.height], margins: { top: 0, bottom: 0, left: 0, right: 0 } });
      this.pages += 1;
    } else {
      const index = this.placed % 4;
      if (index === 0) {
        const [sheetWidth, sheetHeight] = PAPER.A4;
        doc.addPage({ size: [sheetWidth, sheetHeight], margins: { top: 0, bottom: 0, left: 0, right: 0 } });
        this.pages += 1;
        doc.save().lineWidth(0.4).strokeColor('#999999').dash(4, { space: 4 });
        doc.moveTo(sheetWidth / 2, 0).lineTo(sheetWidth / 2, sheetHeight).stroke();
        doc.moveTo(0, sheetHeight / 2).lineTo(sheetWidth, sheetHeight / 2).stroke();
        doc.undash().restore();
      }
      position = index + 1;
      originX = (index % 2) * (PAPER.A4[0] / 2);
      originY = Math.floor(index / 2) * (PAPER.A4[1] / 2);
    }
    const left = originX + CARD.margin;
    const top = originY + CARD.margin + offset;
    doc.save().lineWidth(1.2).strokeColor(RULE).moveTo(left, top).lineTo(left + mm(20), top).stroke().restore();
    doc.font('regular').fontSize(size).fillColor('black').text(text, left, top + mm(8), { width, lineGap: LINE_GAP });
    doc.moveDown(0.5);
    doc.font('italic').text(card.signature, left, doc.y, { width, lineGap: LINE_GAP, align: 'right' });
    return { cardId: card.id, page: this.pages, ...(position !== undefined ? { position } : {}) };
  }
}

/** Writes cards.pdf to `out`, one card per solidarity message, in order. */
export async function writeCardsPdf(cards: AsyncIterable<SolidarityCard> | Iterable<SolidarityCard>, out: Writable, options: CardOptions, onCard?: (placement: CardPlacement) => void): Promise<CardCounts> {
  return writeAll(new CardsPdf(out, options), cards, onCard);
}
