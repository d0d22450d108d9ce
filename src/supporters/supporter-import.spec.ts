import { Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';
import { ImportProgress, importSupporters } from './supporter-import';

/** A manager whose one statement, the batch upsert, answers as Postgres would: staff rows are not returned. */
function setup(existing: Record<string, 'member' | 'admin'> = {}) {
  const writes: string[][] = [];
  const query = jest.fn(async (_sql: string, parameters: unknown[]) => {
    const emails = parameters[0] as string[];
    writes.push(emails);
    return emails.filter((email) => existing[email] !== 'admin').map((email) => ({ email, inserted: existing[email] === undefined }));
  });
  return { sut: (input: Readable | string, onProgress?: (progress: ImportProgress) => void) => importSupporters({ query } as unknown as EntityManager, input, { onProgress }), mocks: { query, writes } };
}

const HEADER = 'email,name,country,city,language,autoSign,signatureStyle';

describe(importSupporters.name, () => {
  it('keeps the good rows and reports each bad one by its line, in line order', async () => {
    const { sut, mocks } = setup({ 'admin@group.example': 'admin', 'old@group.example': 'member' });
    const report = await sut(
      [
        HEADER, // 1
        'new@group.example,New Member,ca,,en,yes,full', // 2
        'admin@group.example,Renamed,FR,,en,no,full', // 3: staff
        '', // 4
        'broken@group.example,Broken', // 5: too few columns
        'old@group.example,Old Member,GB,,en,no,initials', // 6: updated
        'new@group.example,Again,CA,,en,no,full', // 7: repeats
        'bad-email,Bad,CA,,en,no,full', // 8
      ].join('\r\n'),
    );
    expect(report).toEqual({
      created: 1,
      updated: 1,
      skipped: 2,
      errors: [
        { line: 3, message: expect.stringMatching(/coordinator or admin/) },
        { line: 5, message: 'the row has 2 columns where the header has 7' },
        { line: 7, message: 'email repeats an earlier row' },
        { line: 8, message: expect.stringMatching(/^email must be an email address/) },
      ],
    });
    expect(mocks.writes).toEqual([['new@group.example', 'admin@group.example', 'old@group.example']]);
  });

  it('streams a file in batches and reports its progress', async () => {
    const { sut, mocks } = setup();
    const rows = Array.from({ length: 1201 }, (_, n) => `m${n}@group.example,Member ${n},CA,,,,`);
    const text = `${HEADER}\n${rows.join('\n')}\n`;
    // Small chunks, as a file stream reads them.
    const chunks = text.match(/[\s\S]{1,1000}/g)!;
    const progress: ImportProgress[] = [];
    const report = await sut(Readable.from(chunks.map((chunk) => Buffer.from(chunk))), (step) => progress.push(step));
    expect(report).toEqual({ created: 1201, updated: 0, skipped: 0, errors: [] });
    expect(mocks.writes.map((batch) => batch.length)).toEqual([500, 500, 201]);
    expect(progress.map((step) => step.rows)).toEqual([500, 1000, 1201]);
    expect(progress.at(-1)).toEqual({ bytes: Buffer.byteLength(text), rows: 1201, created: 1201, updated: 0, errors: 0 });
  });

  it('refuses a header with an unknown column before writing anything', async () => {
    const { sut, mocks } = setup();
    await expect(sut('email,name,country,role\na@group.example,A,CA,admin\n')).rejects.toThrow(/unknown columns: role/);
    expect(mocks.query).not.toHaveBeenCalled();
  });

  it.each([
    ['a header without email', 'name,country\nA,CA\n', /lacks required columns: email/],
    ['a header without name and country', 'email\na@group.example\n', /lacks required columns: name, country/],
    ['an empty file', '', /CSV is empty/],
    ['a file of blank lines', '\n\n', /CSV is empty/],
  ])('refuses %s before writing anything', async (_what, text, message) => {
    const { sut, mocks } = setup();
    await expect(sut(text)).rejects.toThrow(message);
    expect(mocks.query).not.toHaveBeenCalled();
  });

  it('says where the file stops being CSV when a quote is never closed', async () => {
    const { sut } = setup();
    const report = await sut(`${HEADER}\na@group.example,A,CA,,,,\n"b@group.example,B,CA,,,,\nc@group.example,C,CA,,,,\n`);
    expect(report.created).toBe(1);
    expect(report.errors).toEqual([{ line: expect.any(Number), message: expect.stringMatching(/never closed/) }]);
  });
});
