import type { Writable } from 'node:stream';
import { CardLayout, CardsPdf, SolidarityCard } from './cards-pdf';
import { cardAddressee, EnvelopeFormat, EnvelopesPdf, letterAddressee } from './envelopes-pdf';
import { LettersPdf, PrintedLetter, PrintOptions } from './letters-pdf';
import { ManifestCsv } from './manifest-csv';

export interface LetterRunOptions extends PrintOptions {
  envelopeFormat: EnvelopeFormat;
}

export interface LetterRunCounts {
  letters: number;
  pages: number;
  envelopePages: number;
}

/**
 * A letters print run in one pass over its letters: letters.pdf, envelopes.pdf (in the same
 * order) and manifest.csv are written side by side, each streamed to its own output, so
 * the letters are read once and nothing is held whole. On a render error every output is
 * abandoned (incomplete) and the PrintRenderError, naming the letter, is thrown.
 */
export async function writeLetterRun(letters: AsyncIterable<PrintedLetter> | Iterable<PrintedLetter>, outputs: { letters: Writable; envelopes: Writable; manifest: Writable }, options: LetterRunOptions): Promise<LetterRunCounts> {
  const letterPdf = new LettersPdf(outputs.letters, options);
  const envelopePdf = new EnvelopesPdf(outputs.envelopes, { format: options.envelopeFormat, paperSize: options.paperSize, orgName: options.orgName, orgPostalAddress: options.orgPostalAddress });
  const manifest = new ManifestCsv(outputs.manifest);
  try {
    for await (const letter of letters) {
      const pages = await letterPdf.add(letter);
      const envelope = await envelopePdf.add(letterAddressee(letter));
      await manifest.add({
        letterId: letter.id,
        officialName: letter.official.name,
        organisation: letter.official.organisation,
        country: letter.official.country.trim().toUpperCase(),
        firstPage: pages.firstPage,
        lastPage: pages.lastPage,
        envelopePage: envelope.page,
        ...(envelope.label !== undefined ? { label: envelope.label } : {}),
      });
    }
  } catch (error) {
    await Promise.all([letterPdf.abort(), envelopePdf.abort(), manifest.abort()]);
    throw error;
  }
  const [counts, envelopes] = await Promise.all([letterPdf.end(), envelopePdf.end(), manifest.end()]);
  return { letters: counts.letters, pages: counts.pages, envelopePages: envelopes.pages };
}

/** A card to print with where its envelope goes: the case's message address and country. */
export interface AddressedCard extends SolidarityCard {
  messageAddress: string | null;
  messageCountry: string;
}

export interface CardRunOptions {
  layout: CardLayout;
  envelopeFormat: EnvelopeFormat;
  paperSize: PrintOptions['paperSize'];
  orgName: string;
  orgPostalAddress: string;
}

/** A cards print run in one pass: cards.pdf and envelopes.pdf (addressed to each card's message address). */
export async function writeCardRun(cards: AsyncIterable<AddressedCard> | Iterable<AddressedCard>, outputs: { cards: Writable; envelopes: Writable }, options: CardRunOptions): Promise<{ cards: number; pages: number; envelopePages: number }> {
  const cardPdf = new CardsPdf(outputs.cards, { layout: options.layout });
  const envelopePdf = new EnvelopesPdf(outputs.envelopes, { format: options.envelopeFormat, paperSize: options.paperSize, orgName: options.orgName, orgPostalAddress: options.orgPostalAddress });
  try {
    for await (const card of cards) {
      await cardPdf.add(card);
      await envelopePdf.add(cardAddressee({ id: card.id, messageAddress: card.messageAddress, messageCountry: card.messageCountry }));
    }
  } catch (error) {
    await Promise.all([cardPdf.abort(), envelopePdf.abort()]);
    throw error;
  }
  const [counts, envelopes] = await Promise.all([cardPdf.end(), envelopePdf.end()]);
  return { cards: counts.cards, pages: counts.pages, envelopePages: envelopes.pages };
}
