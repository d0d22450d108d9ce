import { describedCharactersOf, TemplateUnprintableError, unprintableLines, unprintableTemplates } from './template-fonts';

describe(unprintableLines.name, () => {
  it('accepts Latin and Cyrillic, Tajik and Uzbek letters included', () => {
    expect(unprintableLines('Озод кунед {{case.name}}', 'Ҷаноби олӣ,\nĞ ş ō ў қ ғ ҳ ӣ ӯ\nYours sincerely')).toEqual([]);
  });

  it('names each line of the subject and the body with characters the fonts cannot set, each once', () => {
    expect(unprintableLines('Free her 中', 'Dear Sir,\nش and ش again\n\n😀')).toEqual([
      { field: 'subject', line: 1, characters: ['中'] },
      { field: 'body', line: 2, characters: ['ش'] },
      { field: 'body', line: 4, characters: ['😀'] },
    ]);
  });
});

describe(unprintableTemplates.name, () => {
  it('keeps only the templates that cannot be printed, with their appeal', () => {
    const rows = [
      { appealId: 'a1', templateId: 't1', templateName: 'English', subject: 'Free her', body: 'Dear Sir' },
      { appealId: 'a1', templateId: 't2', templateName: 'Farsi', subject: 'آزادی', body: 'Dear Sir' },
    ];
    const found = unprintableTemplates(rows);
    expect(found.map((template) => [template.appealId, template.templateId])).toEqual([['a1', 't2']]);
    expect(describedCharactersOf(found[0])).toBe('U+0622 آ, U+0632 ز, U+0627 ا, U+062F د, U+06CC ی');
  });
});

describe(TemplateUnprintableError.name, () => {
  const template = { appealId: 'a1', templateId: 't1', templateName: 'Greeting', lines: [{ field: 'body' as const, line: 3, characters: ['😀'] }] };

  it('names the line, the characters and the post appeals on a save', () => {
    const error = new TemplateUnprintableError('template_invalid', [template], ['Free Rukhshona', 'Free Daler']);
    expect(error.code).toBe('template_invalid');
    expect(error.messages).toEqual(["body line 3: characters the fonts of printed letters cannot set: U+1F600 😀 (it is used by the post appeals 'Free Rukhshona', 'Free Daler')"]);
  });

  it('names the template and the characters at a launch, and the appeal at a cycle’s opening', () => {
    expect(new TemplateUnprintableError('appeal_invalid', [template]).messages).toEqual(["templateIds: the template 'Greeting' has characters the fonts of printed letters cannot set: U+1F600 😀"]);
    expect(new TemplateUnprintableError('cycle_appeal_unprintable', [template]).messages).toEqual(["appealIds: appeal a1: the template 'Greeting' has characters the fonts of printed letters cannot set: U+1F600 😀"]);
  });
});
