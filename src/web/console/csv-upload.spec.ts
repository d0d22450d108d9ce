import { Readable } from 'node:stream';
import { claimsCsv, csvText, readCsvUpload } from './csv-upload';

const upload = (filename: string, mimeType: string, bytes: Buffer, truncated = false) => ({ filename, mimeType, stream: Readable.from([bytes]), truncated: () => truncated });

describe('readCsvUpload', () => {
  it('takes a CSV by its name or its declared type, Excel\'s on Windows included', () => {
    expect(claimsCsv('officials.CSV', 'application/octet-stream')).toBe(true);
    expect(claimsCsv('officials', 'application/vnd.ms-excel')).toBe(true);
    expect(claimsCsv('officials.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')).toBe(false);
    expect(claimsCsv('photo.png', 'image/png')).toBe(false);
  });

  it('reads UTF-8 text (a byte-order mark dropped) and refuses binary or another encoding', () => {
    expect(csvText(Buffer.from('\uFEFFname,title\nА,Б\n'))).toBe('name,title\nА,Б\n');
    expect(csvText(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]))).toBeNull();
    // "Имя" in Windows-1251.
    expect(csvText(Buffer.from([0xc8, 0xec, 0xff]))).toBeNull();
  });

  it('answers the text, or why the file is refused: its type, its content, its size', async () => {
    await expect(readCsvUpload(upload('o.csv', 'text/csv', Buffer.from('name\nA\n')))).resolves.toEqual({ text: 'name\nA\n' });
    await expect(readCsvUpload(upload('o.pdf', 'application/pdf', Buffer.from('%PDF-1.7')))).resolves.toEqual({ refused: 'not_csv' });
    await expect(readCsvUpload(upload('o.csv', 'text/csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00])))).resolves.toEqual({ refused: 'not_csv' });
    await expect(readCsvUpload(upload('o.csv', 'text/csv', Buffer.from('name\nA\n'), true))).resolves.toEqual({ refused: 'too_large' });
  });
});
