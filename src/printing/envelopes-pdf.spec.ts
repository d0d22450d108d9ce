import { createWriteStream, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flat, pdfFonts, pdfInfo, pdfPagePng, pdfPageTexts, points } from '../../test/helpers/poppler';
import { aPrintedLetter, ORG } from '../../test/helpers/printing';
import { Addressee, cardAddressee, EnvelopeOptions, EnvelopePlacement, letterAddressee, writeEnvelopesPdf } from './envelopes-pdf';
import { PrintRenderError } from './print-render-error';

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');

function near(actual: { width: number; height: number }, width: number, height: number): boolean {
  return Math.abs(actual.width - width) < 0.5 && Math.abs(actual.height - height) < 0.5;
}

describe('writeEnvelopesPdf', () => {
  let dir: string;
  const options = (format: EnvelopeOptions['format'], paperSize: EnvelopeOptions['paperSize'] = 'A4'): EnvelopeOptions => ({ format, paperSize, orgName: ORG.orgName, orgPostalAddress: ORG.orgPostalAddress });
  const addressees = (count: number): Addressee[] =>
    Array.from({ length: count }, (_, index) => letterAddressee(aPrintedLetter({ official: { ...aPrintedLetter().official, name: `Official Number ${index + 1}` } })));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qalam-envelopes-'));
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints one DL envelope per letter: return address, air-mail mark, address and country line', async () => {
    const file = join(dir, 'dl.pdf');
    const placements: EnvelopePlacement[] = [];
    const list = addressees(3);
    await expect(writeEnvelopesPdf(list, createWriteStream(file), options('DL'), (placement) => placements.push(placement))).resolves.toEqual({ envelopes: 3, pages: 3 });
    const info = await pdfInfo(file);
    expect(info.pages).toBe(3);
    expect(info.pageSizes.every((size) => near(size, points(220), points(110)))).toBe(true);
    expect(placements).toEqual(list.map((addressee, index) => ({ id: addressee.id, page: index + 1 })));

    const pages = await pdfPageTexts(file);
    pages.forEach((page, index) => {
      const text = flat(page);
      expect(text).toMatch(new RegExp(`^${ORG.orgName} 12 Rue des Lilas 75011 Paris FRANCE PAR AVION / BY AIR MAIL Official Number ${index + 1} Prosecutor General of the Republic of Tajikistan General Prosecutor’s Office 126 Nabiev Street Dushanbe 734043 TAJIKISTAN$`));
    });
    expect((await pdfFonts(file)).every((font) => font.embedded)).toBe(true);
    await pdfPagePng(file, join(ARTIFACTS, 'printing-envelope-dl'));
  });

  it('prints C5 envelopes at their size', async () => {
    const file = join(dir, 'c5.pdf');
    await writeEnvelopesPdf(addressees(2), createWriteStream(file), options('C5'));
    const info = await pdfInfo(file);
    expect(info.pages).toBe(2);
    expect(info.pageSizes.every((size) => near(size, points(229), points(162)))).toBe(true);
  });

  it('fills sheets of labels, 3 x 7 on A4 and 3 x 10 on Letter, one label per letter', async () => {
    const a4 = join(dir, 'labels-a4.pdf');
    const placements: EnvelopePlacement[] = [];
    await expect(writeEnvelopesPdf(addressees(23), createWriteStream(a4), options('labels'), (placement) => placements.push(placement))).resolves.toEqual({ envelopes: 23, pages: 2 });
    expect(placements[0]).toMatchObject({ page: 1, label: 1 });
    expect(placements[20]).toMatchObject({ page: 1, label: 21 });
    expect(placements[21]).toMatchObject({ page: 2, label: 1 });
    const sheets = await pdfPageTexts(a4);
    expect(sheets).toHaveLength(2);
    expect(sheets[0].match(/TAJIKISTAN/g)).toHaveLength(21);
    expect(sheets[1].match(/TAJIKISTAN/g)).toHaveLength(2);
    expect(sheets[0].match(/PAR AVION \/ BY AIR MAIL/g)).toHaveLength(21);
    expect(flat(sheets[1])).toContain('Official Number 23');
    expect((await pdfInfo(a4)).pageSizes.every((size) => near(size, points(210), points(297)))).toBe(true);
    await pdfPagePng(a4, join(ARTIFACTS, 'printing-labels-a4'));

    const letter = join(dir, 'labels-letter.pdf');
    await expect(writeEnvelopesPdf(addressees(31), createWriteStream(letter), options('labels', 'LETTER'))).resolves.toEqual({ envelopes: 31, pages: 2 });
    const letterSheets = await pdfPageTexts(letter);
    expect(letterSheets[0].match(/TAJIKISTAN/g)).toHaveLength(30);
    expect((await pdfInfo(letter)).pageSizes[0]).toEqual({ width: 612, height: 792 });
  });

  it('addresses a card to the case’s message address and country', async () => {
    const file = join(dir, 'cards-envelopes.pdf');
    await writeEnvelopesPdf([cardAddressee({ id: 'card-1', messageAddress: 'Rukhshona Hakimova\nPrisoner No. 3/12\nPenal colony YaS 3/2\nVahdat 735400', messageCountry: 'tj' })], createWriteStream(file), options('DL'));
    expect(flat((await pdfPageTexts(file))[0])).toContain('Rukhshona Hakimova Prisoner No. 3/12 Penal colony YaS 3/2 Vahdat 735400 TAJIKISTAN');
  });

  it('refuses, naming the letter, an address it cannot print', async () => {
    const tooLong = letterAddressee(aPrintedLetter({ official: { ...aPrintedLetter().official, postalAddress: Array.from({ length: 12 }, (_, index) => `Line ${index + 1} of a very long address`).join('\n') } }));
    await expect(writeEnvelopesPdf([tooLong], createWriteStream(join(dir, 'long.pdf')), options('labels'))).rejects.toMatchObject({ name: 'PrintRenderError', itemId: tooLong.id, message: `letter ${tooLong.id}: the address does not fit a label` });

    const arabic = letterAddressee(aPrintedLetter({ official: { ...aPrintedLetter().official, postalAddress: 'شارع\nDushanbe' } }));
    await expect(writeEnvelopesPdf([arabic], createWriteStream(join(dir, 'arabic.pdf')), options('DL'))).rejects.toThrow(new RegExp(`^letter ${arabic.id}: the address has characters the fonts cannot set: U\\+0634`));

    const noAddress = aPrintedLetter({ official: { ...aPrintedLetter().official, postalAddress: '' } });
    expect(() => letterAddressee(noAddress)).toThrow(PrintRenderError);
    await expect(writeEnvelopesPdf([cardAddressee({ id: 'card-2', messageAddress: null, messageCountry: 'TJ' })], createWriteStream(join(dir, 'none.pdf')), options('DL'))).rejects.toThrow('card card-2: the address has no lines');
  });
});
