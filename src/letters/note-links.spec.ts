import { noteHasLink } from './note-links';

describe(noteHasLink.name, () => {
  it.each([
    'see https://example.org/page',
    'HTTP://EXAMPLE.ORG',
    'read www.example.org please',
    'Www.Example.Org',
    'my channel t.me/somechannel',
    'example.com/x',
    'write to news.example.org',
    'free him: freedom.ru',
    'сайт свобода.рф',
    'ask me at someone@example.com',
    'localhost.example:8080',
    'go to evil.example/path?x=1',
    '(bit.ly/abc)',
  ])('flags %p', (note) => {
    expect(noteHasLink(note)).toBe(true);
  });

  it.each([
    'Dear Mr. Smith, please release him.',
    'Article 5.1 of the Covenant',
    'He has been held for 3.5 years, e.g. since 2021.',
    'Free him.Now is the time',
    'т.е. немедленно, и т.д.',
    'Живёт в г.Москва, ул.Ленина/5',
    'No.1 priority: his health',
    'Version 2.0/beta is not a link',
    'U.S. and U.K. officials',
    'A plain note without any address at all.',
    '',
  ])('does not flag %p', (note) => {
    expect(noteHasLink(note)).toBe(false);
  });
});
