import { simpleParser } from 'mailparser';
import { composePlainLetter, PlainLetter } from './mime';

const letter = (overrides: Partial<PlainLetter> = {}): PlainLetter => ({
  fromName: 'Jane Doe via Global Importune',
  fromAddress: 'letters@qalam.example',
  to: 'prosecutor@tj-gov.example',
  subject: 'Release Rukhshona Khakimova',
  text: 'Dear Prosecutor General,\n\nPlease release her.\n\nJane Doe',
  messageId: '<letter-1@qalam.example>',
  letterId: '1',
  date: new Date('2026-11-27T10:00:00Z'),
  ...overrides,
});

describe('composePlainLetter', () => {
  it('builds a letter a mail parser reads back exactly', async () => {
    const parsed = await simpleParser(composePlainLetter(letter()));
    expect(parsed.from?.value).toEqual([{ name: 'Jane Doe via Global Importune', address: 'letters@qalam.example' }]);
    expect((parsed.to as { value: unknown[] }).value).toEqual([{ name: '', address: 'prosecutor@tj-gov.example' }]);
    expect(parsed.subject).toBe('Release Rukhshona Khakimova');
    expect(parsed.messageId).toBe('<letter-1@qalam.example>');
    expect(parsed.headers.get('x-qalam-letter')).toBe('1');
    expect(parsed.text).toBe('Dear Prosecutor General,\n\nPlease release her.\n\nJane Doe');
    expect(parsed.date?.toISOString()).toBe('2026-11-27T10:00:00.000Z');
  });

  it('encodes Russian and accented text and reads it back', async () => {
    const text = 'Уважаемый господин Генеральный прокурор,\nпрошу освободить журналистку.\n— Zoë Hernández';
    const parsed = await simpleParser(composePlainLetter(letter({ fromName: 'Zoë Hernández via qalam', subject: 'Обращение в защиту: Rukhshona', text })));
    expect(parsed.from?.value[0].name).toBe('Zoë Hernández via qalam');
    expect(parsed.subject).toBe('Обращение в защиту: Rukhshona');
    expect(parsed.text).toBe(text);
  });

  it('keeps long lines intact through quoted-printable', async () => {
    const text = `${'word '.repeat(60).trim()}\nshort`;
    const raw = composePlainLetter(letter({ text })).toString();
    expect(raw).toContain('Content-Transfer-Encoding: quoted-printable');
    expect(raw.split('\r\n').every((line) => line.length <= 78)).toBe(true);
    expect((await simpleParser(raw)).text).toBe(text);
  });

  it('cannot be made to add a header or a recipient by CR/LF in a name or a subject', async () => {
    const raw = composePlainLetter(
      letter({ fromName: 'Eve\r\nBcc: victim@example.org', subject: 'Hello\r\nBcc: other@example.org\nX-Injected: yes' }),
    ).toString();
    const headerBlock = raw.slice(0, raw.indexOf('\r\n\r\n'));
    expect(headerBlock).not.toMatch(/^Bcc:/im);
    expect(headerBlock).not.toMatch(/^X-Injected:/im);
    const parsed = await simpleParser(raw);
    expect(parsed.bcc).toBeUndefined();
    expect(parsed.subject).toBe('Hello Bcc: other@example.org X-Injected: yes');
  });

  it('carries a Reply-To and an X-Qalam-Tag only when given', async () => {
    const plain = await simpleParser(composePlainLetter(letter()));
    expect([plain.headers.get('reply-to'), plain.headers.get('x-qalam-tag')]).toEqual([undefined, undefined]);
    const tag = 'l0123456789abcdef0123456789abcdef0123456789abcdef';
    const parsed = await simpleParser(composePlainLetter(letter({ replyTo: `reply+${tag}@in.qalam.example`, tag })));
    expect((parsed.replyTo as { value: unknown[] }).value).toEqual([{ name: '', address: `reply+${tag}@in.qalam.example` }]);
    expect(parsed.headers.get('x-qalam-tag')).toBe(tag);
  });
});
