import { createWriteStream, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flat, pdfFonts, pdfInfo, pdfPagePng, pdfPageTexts, points } from '../../test/helpers/poppler';
import { CardPlacement, SolidarityCard, writeCardsPdf } from './cards-pdf';

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');

function near(actual: { width: number; height: number }, width: number, height: number): boolean {
  return Math.abs(actual.width - width) < 0.5 && Math.abs(actual.height - height) < 0.5;
}

describe('writeCardsPdf', () => {
  let dir: string;
  const cards: SolidarityCard[] = Array.from({ length: 5 }, (_, index) => ({
    id: `card-${index + 1}`,
    text: `Message ${index + 1}. Dear Rukhshona, you are not forgotten: we write for your release every month. Бо шумо ҳастем — ӣ ӯ қ ғ ҳ ҷ.`,
    signature: `Supporter ${index + 1}, from Canada`,
  }));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qalam-cards-'));
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints one A6 card per page: the message, then the signer line', async () => {
    const file = join(dir, 'a6.pdf');
    await expect(writeCardsPdf(cards, createWriteStream(file), { layout: 'A6' })).resolves.toEqual({ cards: 5, pages: 5 });
    const info = await pdfInfo(file);
    expect(info.pageSizes.every((size) => near(size, points(105), points(148)))).toBe(true);
    const pages = await pdfPageTexts(file);
    pages.forEach((page, index) => expect(flat(page)).toBe(`${flat(cards[index].text)} ${cards[index].signature}`));
    expect((await pdfFonts(file)).every((font) => font.embedded)).toBe(true);
    await pdfPagePng(file, join(ARTIFACTS, 'printing-card-a6'));
  });

  it('puts four cards on an A4 sheet for cutting', async () => {
    const file = join(dir, 'a4.pdf');
    const placements: CardPlacement[] = [];
    await expect(writeCardsPdf(cards, createWriteStream(file), { layout: 'A4-4up' }, (placement) => placements.push(placement))).resolves.toEqual({ cards: 5, pages: 2 });
    expect(placements.map(({ page, position }) => [page, position])).toEqual([
      [1, 1],
      [1, 2],
      [1, 3],
      [1, 4],
      [2, 1],
    ]);
    const sheets = await pdfPageTexts(file);
    expect(sheets[0].match(/Message \d\./g)).toEqual(['Message 1.', 'Message 2.', 'Message 3.', 'Message 4.']);
    expect(flat(sheets[1])).toContain('Supporter 5, from Canada');
    expect((await pdfInfo(file)).pageSizes.every((size) => near(size, points(210), points(297)))).toBe(true);
    await pdfPagePng(file, join(ARTIFACTS, 'printing-cards-a4'));
  });

  it('refuses, naming the card only, a message too long for a card or in a script the fonts lack', async () => {
    const long = { id: 'card-long', text: 'You are not forgotten. '.repeat(120), signature: 'Aziza Karimova' };
    await expect(writeCardsPdf([long], createWriteStream(join(dir, 'long.pdf')), { layout: 'A6' })).rejects.toThrow(/^card card-long: the message does not fit a card$/);
    const arabic = { id: 'card-ar', text: 'مرحبا', signature: 'Aziza Karimova' };
    await expect(writeCardsPdf([arabic], createWriteStream(join(dir, 'ar.pdf')), { layout: 'A6' })).rejects.toThrow(/^card card-ar: .*U\+0645/);
  });
});
