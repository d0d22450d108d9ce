import { createWriteStream, mkdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { flat, pdfFonts, pdfInfo, pdfPagePng, pdfPageTexts, pdfText, points } from '../../test/helpers/poppler';
import { aLongBody, aPrintedLetter, ORG } from '../../test/helpers/printing';
import { LetterPlacement, LettersPdf, PrintedLetter, writeLettersPdf } from './letters-pdf';
import { PrintRenderError } from './print-render-error';

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');
const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/;

/** Each of `parts` found in `text` after the one before it. */
function expectInOrder(text: string, parts: readonly string[]): void {
  let from = 0;
  for (const part of parts) {
    const at = text.indexOf(part, from);
    if (at < 0) throw new Error(`"${part}" not found after position ${from} in:\n${text}`);
    from = at + part.length;
  }
}

describe('writeLettersPdf', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qalam-letters-'));
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const tajik = aPrintedLetter({
    language: 'tg',
    subject: 'Дар бораи Рухшона Ҳакимова',
    body: 'Ҷаноби Прокурори генералӣ,\n\nМан аз ҳабси рӯзноманигор Рухшона Ҳакимова ғамгинам. Ӯро фавран озод кунед: ӣ ӯ қ ғ ҳ ҷ.\n\nБо эҳтиром,',
    signature: 'Азиза Қ.',
  });
  const russian = aPrintedLetter({
    language: 'ru',
    subject: 'Обращение в защиту Рухшоны Хакимовой',
    body: aLongBody(14),
    signature: 'Сторонник из Канады',
    official: { name: 'Г-н И. И. Иванов', title: 'Генеральный прокурор', organisation: null, postalAddress: 'ул. Большая Дмитровка, 15а\nМосква, 125993', country: 'ru' },
  });
  const withNote = aPrintedLetter({
    note: 'I visited Dushanbe in 2019 and think of Rukhshona every day. Oʻzbekiston, gʻalaba, ʼ; ўқғҳ.',
    signature: 'A supporter from Canada',
  });

  it('lays out each letter on pages of its own, in order, as a reader sees it', async () => {
    const file = join(dir, 'letters.pdf');
    const placements: LetterPlacement[] = [];
    const counts = await writeLettersPdf([withNote, tajik, russian], createWriteStream(file), ORG, (placement) => placements.push(placement));

    const info = await pdfInfo(file);
    expect(counts.letters).toBe(3);
    expect(counts.pages).toBe(info.pages);
    expect(placements.map(({ letterId, firstPage }) => [letterId, firstPage])).toEqual([
      [withNote.id, 1],
      [tajik.id, 2],
      [russian.id, 3],
    ]);
    // The long letter is counted on every page it takes (two at least), and the last letter ends the file.
    expect(placements[2].lastPage - placements[2].firstPage).toBeGreaterThanOrEqual(1);
    expect(placements[2].lastPage).toBe(info.pages);
    expect(info.pageSizes.every(({ width, height }) => Math.abs(width - points(210)) < 0.5 && Math.abs(height - points(297)) < 0.5)).toBe(true);

    const pages = await pdfPageTexts(file);
    const first = pages[0];
    expectInOrder(first, [
      ORG.orgName,
      '12 Rue des Lilas',
      '75011 Paris',
      'PAR AVION / BY AIR MAIL',
      'Mr Yusuf Rahmon',
      'Prosecutor General of the Republic of Tajikistan',
      'General Prosecutor’s Office',
      '126 Nabiev Street',
      'Dushanbe 734043',
      'TAJIKISTAN',
      'December 2, 2026',
      withNote.subject,
      'Dear Prosecutor General,',
      'Yours respectfully,',
      'Personal note from the member who signed this letter:',
      'I visited Dushanbe',
      'A supporter from Canada',
    ]);
    expect(flat(first)).toContain(flat(withNote.body));
    expect(flat(first)).toContain(flat(withNote.note!));
    // Nothing of the next letter on this page, and no email address on any page.
    expect(first).not.toContain(tajik.subject);
    expect(pages.join('\n')).not.toMatch(EMAIL);

    // Tajik letters in the text layer (not only drawn), the date in Tajik.
    const second = pages[1];
    expect(second).toContain('ӣ ӯ қ ғ ҳ ҷ');
    expectInOrder(second, ['TAJIKISTAN', '2 Декабр 2026', tajik.subject, 'Ҷаноби Прокурори генералӣ,', 'Азиза Қ.']);
    expect(second).not.toContain('Personal note');

    // The Russian letter: its country in capitals, its date and page numbers in Russian, its body whole and in order.
    const russianText = await pdfText(file, { first: placements[2].firstPage, last: placements[2].lastPage });
    expectInOrder(russianText, ['Г-н И. И. Иванов', 'Москва, 125993', 'RUSSIAN FEDERATION', '2 декабря 2026 г.', russian.subject, 'Paragraph 1.', 'Paragraph 14.', 'Сторонник из Канады']);
    expect(flat(russianText.replace(/Страница \d+ из \d+/g, ''))).toContain(flat(russian.body));
    const russianPages = placements[2].lastPage - placements[2].firstPage + 1;
    expect(pages[placements[2].firstPage - 1]).toContain(`Страница 1 из ${russianPages}`);
    expect(pages[placements[2].lastPage - 1]).toContain(`Страница ${russianPages} из ${russianPages}`);
    // A one-page letter carries no page number.
    expect(first).not.toMatch(/Page \d/);

    // Every font is embedded (a subset of DejaVu Serif), with a Unicode map for copying text.
    const fonts = await pdfFonts(file);
    expect(fonts.length).toBeGreaterThan(0);
    expect(fonts.every((font) => font.embedded && font.unicode && /DejaVuSerif/.test(font.name))).toBe(true);
    expect(fonts.map((font) => font.name.replace(/^[A-Z]{6}\+/, '')).sort()).toEqual(['DejaVuSerif', 'DejaVuSerif-Bold', 'DejaVuSerif-Italic']);

    const png = await pdfPagePng(file, join(ARTIFACTS, 'printing-letter-a4'));
    expect(statSync(png).size).toBeGreaterThan(5_000);
  });

  it('sets letters on US Letter paper when asked', async () => {
    const file = join(dir, 'letters-letter.pdf');
    const counts = await writeLettersPdf([aPrintedLetter(), aPrintedLetter()], createWriteStream(file), { ...ORG, paperSize: 'LETTER' });
    const info = await pdfInfo(file);
    expect(counts).toEqual({ letters: 2, pages: 2 });
    expect(info.pages).toBe(2);
    expect(info.pageSizes).toEqual([
      { width: 612, height: 792 },
      { width: 612, height: 792 },
    ]);
    await pdfPagePng(file, join(ARTIFACTS, 'printing-letter-us'));
  });

  it('writes the file as letters are added, not at the end', async () => {
    let written = 0;
    const out = new Writable({
      write(chunk: Buffer, _encoding, done) {
        written += chunk.length;
        done();
      },
    });
    const writer = new LettersPdf(out, ORG);
    for (let index = 0; index < 40; index++) await writer.add(aPrintedLetter({ body: aLongBody(3) }));
    await new Promise((resolve) => setImmediate(resolve));
    const beforeEnd = written;
    const counts = await writer.end();
    expect(counts).toEqual({ letters: 40, pages: 40 });
    // Forty pages of content went out before end(); what end() adds is the fonts and the cross-reference table.
    expect(beforeEnd).toBeGreaterThan(40 * 1_000);
    expect(written).toBeGreaterThan(beforeEnd);
  });

  it('waits for a slow output instead of piling the document up in memory', async () => {
    let written = 0;
    const out = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _encoding, done) {
        written += chunk.length;
        setTimeout(done, 2);
      },
    });
    const writer = new LettersPdf(out, ORG);
    let produced = 0;
    let behind = 0;
    for (let index = 0; index < 60; index++) {
      await writer.add(aPrintedLetter({ body: aLongBody(4) }));
      // What pdfkit has produced so far is what was written plus what waits in the output's buffer.
      produced = written + out.writableLength;
      behind = Math.max(behind, produced - written);
    }
    const beforeEnd = written;
    await expect(writer.end()).resolves.toEqual({ letters: 60, pages: 60 });
    // When the last letter was added, all but about one letter and the output's buffer had been written.
    expect(produced).toBeGreaterThan(60 * 1_000);
    expect(beforeEnd).toBeGreaterThan(produced - 64 * 1024);
    expect(behind).toBeLessThan(64 * 1024);
  });

  describe('refusals name the letter, never the supporter', () => {
    const supporter = { name: 'Aziza Karimova', email: 'aziza.karimova@example.org' };

    async function refusal(letter: PrintedLetter): Promise<PrintRenderError> {
      const file = join(dir, `refused-${letter.id}.pdf`);
      const error = await writeLettersPdf([aPrintedLetter(), letter], createWriteStream(file), ORG).then(
        () => {
          throw new Error('the letter was printed');
        },
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(PrintRenderError);
      const refused = error as PrintRenderError;
      expect(refused.itemId).toBe(letter.id);
      expect(refused.message).toContain(letter.id);
      expect(refused.message).not.toContain(supporter.name);
      expect(refused.message).not.toContain(supporter.email);
      expect(refused.message).not.toMatch(EMAIL);
      return refused;
    }

    it('a character the fonts cannot set, with the field and the character', async () => {
      const refused = await refusal(aPrintedLetter({ signature: supporter.name, note: `Written by ${supporter.name} (${supporter.email}) — سلام` }));
      expect(refused.message).toMatch(/note has characters the fonts cannot set: U\+0633 س, U\+0644 ل, U\+0627 ا, U\+0645 م/);
    });

    it('an official without a postal address', async () => {
      const refused = await refusal(aPrintedLetter({ signature: supporter.name, official: { ...aPrintedLetter().official, postalAddress: ' \n ' } }));
      expect(refused.reason).toBe('the official has no postal address');
    });

    it('an unknown country, an empty body, a date that is not a day', async () => {
      await expect(refusal(aPrintedLetter({ signature: supporter.name, official: { ...aPrintedLetter().official, country: 'QQ' } }))).resolves.toMatchObject({ reason: expect.stringContaining("country 'QQ'") });
      await expect(refusal(aPrintedLetter({ signature: supporter.name, body: '  \n' }))).resolves.toMatchObject({ reason: 'the body is empty' });
      await expect(refusal(aPrintedLetter({ signature: supporter.name, date: '02/12/2026' }))).resolves.toMatchObject({ reason: expect.stringContaining('not an ISO day') });
    });

    it('a return address the fonts cannot set, or none, before any file is written', () => {
      const out = new Writable({ write: (_chunk, _encoding, done) => done() });
      expect(() => new LettersPdf(out, { ...ORG, orgPostalAddress: '' })).toThrow(/return address/);
      expect(() => new LettersPdf(out, { ...ORG, orgName: 'قلم' })).toThrow(/U\+0642/);
    });
  });
});
