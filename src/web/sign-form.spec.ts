import { choiceFor, parseSignForm } from './sign-form';

const A = '0193a0b2-0000-7000-8000-00000000000a';
const B = '0193a0b2-0000-7000-8000-00000000000b';

describe('parseSignForm', () => {
  it('reads per-appeal notes and styles, with the plain fields as the default for the others', () => {
    const { request, problems } = parseSignForm({
      appealIds: [A, B],
      note: 'for all',
      signatureStyle: 'initials',
      [`note[${A}]`]: '  my own words\r\nsecond line  ',
      [`signatureStyle[${A}]`]: 'anonymous',
      [`note[${B}]`]: '',
    });
    expect(problems).toEqual([]);
    expect(request.appealIds).toEqual([A, B]);
    expect(choiceFor(request, A)).toEqual({ note: 'my own words\nsecond line', signatureStyle: 'anonymous' });
    // An empty own note falls back to the plain one; the plain style applies where none is given.
    expect(choiceFor(request, B)).toEqual({ note: 'for all', signatureStyle: 'initials' });
  });

  it('reads "all" as every appeal not signed yet', () => {
    expect(parseSignForm({ appealIds: 'all' }).request.appealIds).toBe('all');
    expect(parseSignForm({ appealIds: [A, 'all'] }).request.appealIds).toBe('all');
  });

  it('names what is wrong: no appeal, a malformed id, a note too long, an unknown style, two notes for one field', () => {
    expect(parseSignForm({}).problems).toEqual([{ appealId: null, key: 'signForm.chooseLetter', message: 'Choose a letter to sign.' }]);
    expect(parseSignForm({ appealIds: 'x' }).problems[0].message).toContain('not part of this month');
    const long = parseSignForm({ appealIds: A, [`note[${A}]`]: 'x'.repeat(2001) });
    expect(long.problems).toEqual([{ appealId: A, key: 'signForm.noteTooLong', params: { length: 2001, max: 2000 }, message: 'Your note is 2,001 characters long: please keep it to 2,000.' }]);
    expect(parseSignForm({ appealIds: A, note: 'x'.repeat(2000) }).problems).toEqual([]);
    expect(parseSignForm({ appealIds: A, signatureStyle: 'royal' }).problems[0].message).toContain('full name, initials or anonymously');
    expect(parseSignForm({ appealIds: A, note: ['one', 'two'] }).problems[0].message).toBe('Write one note per letter.');
  });

  it('drops control characters a letter cannot carry, keeping line breaks and tabs', () => {
    const { request } = parseSignForm({ appealIds: A, note: 'a\u0000b\u0007c\td\ne' });
    expect(request.note).toBe('abc\td\ne');
  });

  it('ignores fields it does not know, and per-appeal fields with a malformed id', () => {
    const { request, problems } = parseSignForm({ appealIds: A, other: 'x', 'note[not-an-id]': 'y' });
    expect(problems).toEqual([]);
    expect(request.notes.size).toBe(0);
  });
});
