import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { flat, pdfInfo, pdfPageTexts } from '../../test/helpers/poppler';
import { aLongBody, aPrintedLetter, ORG } from '../../test/helpers/printing';
import { MANIFEST_COLUMNS, writeManifestCsv } from './manifest-csv';
import { writeCardRun, writeLetterRun } from './print-run';

describe('writeLetterRun', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qalam-run-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes letters.pdf, envelopes.pdf and manifest.csv in one pass, the manifest pointing at both', async () => {
    const letters = [
      aPrintedLetter({ subject: 'Letter A', official: { ...aPrintedLetter().official, name: 'Official A' } }),
      aPrintedLetter({ subject: 'Letter B', body: aLongBody(14), official: { name: 'Official B', title: 'Minister of Justice', organisation: null, postalAddress: 'Rue de la Loi 1\n1000 Dakar', country: 'SN' } }),
      aPrintedLetter({ subject: 'Letter C', official: { ...aPrintedLetter().official, name: 'Official C' } }),
    ];
    async function* fromDatabase() {
      for (const letter of letters) yield letter;
    }
    const files = { letters: join(dir, 'letters.pdf'), envelopes: join(dir, 'envelopes.pdf'), manifest: join(dir, 'manifest.csv') };
    const counts = await writeLetterRun(
      fromDatabase(),
      { letters: createWriteStream(files.letters), envelopes: createWriteStream(files.envelopes), manifest: createWriteStream(files.manifest) },
      { ...ORG, envelopeFormat: 'DL' },
    );

    const letterPages = await pdfPageTexts(files.letters);
    const envelopePages = await pdfPageTexts(files.envelopes);
    expect(counts).toEqual({ letters: 3, pages: letterPages.length, envelopePages: 3 });
    expect((await pdfInfo(files.envelopes)).pages).toBe(3);

    const rows = parse(await readFile(files.manifest, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0])).toEqual([...MANIFEST_COLUMNS]);
    expect(rows.map((row) => row.letter_id)).toEqual(letters.map((letter) => letter.id));
    expect(rows[0]).toEqual({ letter_id: letters[0].id, official_name: 'Official A', organisation: 'General Prosecutor’s Office', country: 'TJ', letter_pages: '1', envelope_page: '1', label: '' });
    expect(rows[1]).toMatchObject({ official_name: 'Official B', organisation: '', country: 'SN', letter_pages: `2-${letterPages.length - 1}`, envelope_page: '2' });
    expect(rows[2]).toMatchObject({ letter_pages: `${letterPages.length}`, envelope_page: '3' });

    // Each row's pages hold its letter and its envelope its official.
    rows.forEach((row, index) => {
      const [first, last = first] = row.letter_pages.split('-').map(Number);
      const text = letterPages.slice(first - 1, last).join('\n');
      expect(text).toContain(letters[index].subject);
      expect(letters.filter((_, other) => other !== index).some((letter) => text.includes(letter.subject))).toBe(false);
      expect(flat(envelopePages[Number(row.envelope_page) - 1])).toContain(row.official_name);
    });
    // Senegal's country line in French, on the letter and its envelope.
    expect(letterPages[1]).toContain('SÉNÉGAL');
    expect(envelopePages[1]).toContain('SÉNÉGAL');
  });

  it('gives labels their sheet and place in the manifest', async () => {
    const manifest = join(dir, 'labels.csv');
    const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() });
    await writeLetterRun(
      Array.from({ length: 22 }, () => aPrintedLetter()),
      { letters: sink(), envelopes: sink(), manifest: createWriteStream(manifest) },
      { ...ORG, envelopeFormat: 'labels' },
    );
    const rows = parse(await readFile(manifest, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows[20]).toMatchObject({ envelope_page: '1', label: '21' });
    expect(rows[21]).toMatchObject({ envelope_page: '2', label: '1' });
  });

  it('stops at a letter it cannot print, naming it, and abandons every output', async () => {
    const bad = aPrintedLetter({ signature: 'Aziza Karimova', note: 'Привет 😀' });
    const outputs = { letters: createWriteStream(join(dir, 'x.pdf')), envelopes: createWriteStream(join(dir, 'y.pdf')), manifest: createWriteStream(join(dir, 'z.csv')) };
    await expect(writeLetterRun([aPrintedLetter(), bad], outputs, { ...ORG, envelopeFormat: 'C5' })).rejects.toThrow(new RegExp(`^letter ${bad.id}: the note has characters the fonts cannot set: U\\+1F600 😀$`));
    expect([outputs.letters.destroyed, outputs.envelopes.destroyed, outputs.manifest.destroyed]).toEqual([true, true, true]);
  });
});

describe('writeCardRun', () => {
  it('writes cards.pdf and their envelopes to the message address', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qalam-cards-run-'));
    try {
      const files = { cards: join(dir, 'cards.pdf'), envelopes: join(dir, 'envelopes.pdf') };
      const card = { id: 'm1', text: 'You are not forgotten.', signature: 'A. K.', messageAddress: 'Rukhshona Hakimova\nPrisoner No. 3/12\nVahdat 735400', messageCountry: 'TJ' };
      await expect(writeCardRun([card], { cards: createWriteStream(files.cards), envelopes: createWriteStream(files.envelopes) }, { layout: 'A6', envelopeFormat: 'C5', paperSize: 'A4', orgName: ORG.orgName, orgPostalAddress: ORG.orgPostalAddress })).resolves.toEqual({ cards: 1, pages: 1, envelopePages: 1 });
      expect(flat((await pdfPageTexts(files.cards))[0])).toBe('You are not forgotten. A. K.');
      expect(flat((await pdfPageTexts(files.envelopes))[0])).toContain('Rukhshona Hakimova Prisoner No. 3/12 Vahdat 735400 TAJIKISTAN');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('writeManifestCsv', () => {
  it('writes a header even for no letter, and shows a formula-looking name as text', async () => {
    const chunks: Buffer[] = [];
    const out = () =>
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          chunks.push(chunk);
          done();
        },
      });
    await writeManifestCsv([], out());
    expect(Buffer.concat(chunks).toString()).toBe(`${MANIFEST_COLUMNS.join(',')}\n`);
    chunks.length = 0;
    await writeManifestCsv([{ letterId: 'l1', officialName: '=HYPERLINK("x")', country: 'TJ', firstPage: 1, lastPage: 1, envelopePage: 1 }], out());
    const [row] = parse(Buffer.concat(chunks).toString(), { columns: true }) as Record<string, string>[];
    expect(row.official_name).toBe(`'=HYPERLINK("x")`);
  });
});
