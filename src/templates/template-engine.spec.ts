import { supporterSignature } from './letter-context';
import {
  compileTemplate,
  countryName,
  LetterContext,
  SignerFields,
  signerShape,
  signatureOf,
  TEMPLATE_KINDS,
  TemplateInvalidError,
  TemplateProblem,
  validateTemplate,
} from './template-engine';

function aLetterContext(overrides: Partial<LetterContext> = {}): LetterContext {
  return {
    case: {
      name: 'Aziz Karimov',
      country: 'UZ',
      countryName: 'Uzbekistan',
      profession: 'journalist',
      status: 'detained',
      summary: 'Detained for reporting on forced labour.',
      charges: 'extremism',
      detainedOn: '2024-03-01',
      released: false,
      female: false,
      male: true,
    },
    official: { name: 'A. Official', title: 'Prosecutor General', salutation: 'Dear Prosecutor General', organisation: 'Office of the Prosecutor' },
    supporter: { signature: 'Jane Doe', city: 'Toronto', country: 'CA', countryName: 'Canada' },
    note: 'Please release him.',
    appeal: { title: 'Free Aziz Karimov' },
    date: '1 May 2025',
    ...overrides,
  };
}

const ALL_VARIABLES_BODY = [
  '{{official.salutation}},',
  '{{official.name}}, {{official.title}}, {{official.organisation}}',
  '{{case.name}} ({{case.profession}}) of {{case.country}} / {{case.countryName}}: {{case.status}}',
  '{{case.summary}} Charges: {{case.charges}}. Detained on {{case.detainedOn}}.',
  '{{#if note}}Note: {{note}}{{else}}No note.{{/if}}',
  '{{#unless case.charges}}No charges.{{/unless}}',
  '{{appeal.title}}, {{date}}',
  '{{{supporter.signature}}}, {{supporter.city}}, {{supporter.country}} / {{supporter.countryName}}',
].join('\n');

function problemsOf(body: string, kind: (typeof TEMPLATE_KINDS)[number] = 'appeal'): TemplateProblem[] {
  return validateTemplate(kind, 'Appeal for {{case.name}}', body);
}

describe('template engine', () => {
  it('renders a valid appeal template with every variable', () => {
    const template = compileTemplate('appeal', 'Appeal for {{case.name}} ({{case.countryName}})', ALL_VARIABLES_BODY);

    expect(template.render(aLetterContext())).toEqual({
      subject: 'Appeal for Aziz Karimov (Uzbekistan)',
      body: [
        'Dear Prosecutor General,',
        'A. Official, Prosecutor General, Office of the Prosecutor',
        'Aziz Karimov (journalist) of UZ / Uzbekistan: detained',
        'Detained for reporting on forced labour. Charges: extremism. Detained on 2024-03-01.',
        'Note: Please release him.',
        '',
        'Free Aziz Karimov, 1 May 2025',
        'Jane Doe, Toronto, CA / Canada',
      ].join('\n'),
    });
  });

  it('accepts every allowed variable in every kind', () => {
    for (const kind of TEMPLATE_KINDS) {
      expect(validateTemplate(kind, 'Appeal for {{case.name}}', ALL_VARIABLES_BODY)).toEqual([]);
    }
  });

  it('does not escape HTML: letters are plain text', () => {
    const template = compileTemplate('appeal', '{{case.name}}', '{{case.name}} & {{note}}');
    const context = aLetterContext({ note: '<b>"free"</b>' });
    context.case.name = "O'Brien & Sons";

    expect(template.render(context)).toEqual({ subject: "O'Brien & Sons", body: `O'Brien & Sons & <b>"free"</b>` });
  });

  it('names an unknown variable and its line', () => {
    expect(problemsOf('Dear {{official.name}},\n\nWe write about {{case.nickname}}.')).toEqual([
      { field: 'body', line: 3, message: "unknown variable 'case.nickname'" },
    ]);
  });

  it('refuses paths that are not spelled exactly as an allowed variable', () => {
    const body = ['{{case}}', '{{this}}', '{{../note}}', '{{@root.note}}', '{{@index}}', '{{case.[name]}}', '{{this.case.name}}', '{{"note"}}'].join('\n');

    expect(problemsOf(body)).toEqual([
      { field: 'body', line: 1, message: "unknown variable 'case'" },
      { field: 'body', line: 2, message: "unknown variable 'this'" },
      { field: 'body', line: 3, message: "unknown variable '../note'" },
      { field: 'body', line: 4, message: "unknown variable '@root.note'" },
      { field: 'body', line: 5, message: "unknown variable '@index'" },
      { field: 'body', line: 6, message: "unknown variable 'case.[name]'" },
      { field: 'body', line: 7, message: "unknown variable 'this.case.name'" },
      { field: 'body', line: 8, message: `unknown variable '"note"'` },
    ]);
  });

  it('names an unknown helper and its line', () => {
    expect(problemsOf('Dear {{official.name}},\n{{uppercase case.name}}')).toEqual([
      { field: 'body', line: 2, message: "unknown helper 'uppercase'" },
    ]);
  });

  it.each([
    ['{{#each case}}{{name}}{{/each}}', "unknown helper 'each'"],
    ['{{#with case}}{{name}}{{/with}}', "unknown helper 'with'"],
    ["{{lookup case 'name'}}", "unknown helper 'lookup'"],
    ['{{log note}}', "unknown helper 'log'"],
    ['{{log}}', "unknown helper 'log'"],
    ['{{#if (lookup case "name")}}x{{/if}}', "unknown helper 'lookup'"],
    ['{{case.name level="x"}}', "unknown helper 'case.name'"],
    ['{{#case}}{{name}}{{/case}}', "unknown helper 'case'"],
    ['{{constructor.constructor}}', "unknown variable 'constructor.constructor'"],
    ['{{case.name.constructor}}', "unknown variable 'case.name.constructor'"],
    ['{{__proto__}}', "unknown variable '__proto__'"],
    ['{{> partial}}', "partial 'partial' is not allowed"],
    ['{{#> layout}}x{{/layout}}', "partial 'layout' is not allowed"],
    ['{{#*inline "p"}}x{{/inline}}', "decorator 'inline' is not allowed"],
  ])('refuses %s', (body, message) => {
    expect(problemsOf(`Dear {{official.name}},\n${body}`)).toContainEqual({ field: 'body', line: 2, message });
  });

  it('allows if and unless only as blocks on one allowed variable', () => {
    expect(problemsOf('{{#if note}}a{{else if case.charges}}b{{else}}c{{/if}}{{#unless note}}d{{/unless}}')).toEqual([]);
    expect(problemsOf('{{#if}}a{{/if}}\n{{#if note case.name}}b{{/if}}\n{{#if secret}}c{{/if}}\n{{if note}}')).toEqual([
      { field: 'body', line: 1, message: "helper 'if' takes exactly one variable" },
      { field: 'body', line: 2, message: "helper 'if' takes exactly one variable" },
      { field: 'body', line: 3, message: "unknown variable 'secret'" },
      { field: 'body', line: 4, message: "unknown helper 'if'" },
    ]);
  });

  it('names the line of a syntax error', () => {
    expect(problemsOf('Dear {{official.name}},\n\n{{#if note}}\n{{note}}\n')).toEqual([
      { field: 'body', line: 5, message: "syntax error: unexpected end of template, expecting '{{else ...' or '{{else}}' or '{{/'" },
    ]);
    // Handlebars reports a mismatched close on the line of the block it fails to close.
    expect(problemsOf('Dear {{official.name}},\n\n{{#if note}}\n{{note}}\n{{/unless}}')).toEqual([
      { field: 'body', line: 3, message: "syntax error: if doesn't match unless" },
    ]);
  });

  it('reports parse and lexical errors with their line', () => {
    expect(validateTemplate('appeal', 'Appeal for {{case.name}', 'x\n{{!-- never closed')).toEqual([
      { field: 'subject', line: 1, message: 'syntax error: unexpected text' },
      { field: 'body', line: 2, message: 'syntax error: Unrecognized text.' },
    ]);
  });

  it('refuses signUrl in an appeal and allows it in an invitation', () => {
    expect(problemsOf('Sign here:\n{{signUrl}}', 'appeal')).toEqual([{ field: 'body', line: 2, message: "unknown variable 'signUrl'" }]);
    expect(problemsOf('Sign here:\n{{signUrl}}', 'invitation')).toEqual([]);
    expect(problemsOf('Sign here:\n{{signUrl}}', 'thank-you')).toEqual([{ field: 'body', line: 2, message: "unknown variable 'signUrl'" }]);

    const invitation = compileTemplate('invitation', 'This month', 'Sign here: {{signUrl}}');
    expect(invitation.render(aLetterContext({ signUrl: 'https://qalam.example/sign/abc' })).body).toBe('Sign here: https://qalam.example/sign/abc');
  });

  it('allows lettersSent in thank-you templates only', () => {
    expect(problemsOf('{{lettersSent}} letters', 'thank-you')).toEqual([]);
    expect(problemsOf('{{lettersSent}} letters', 'appeal')).toEqual([{ field: 'body', line: 1, message: "unknown variable 'lettersSent'" }]);
    expect(problemsOf('{{lettersSent}} letters', 'invitation')).toEqual([{ field: 'body', line: 1, message: "unknown variable 'lettersSent'" }]);

    const thanks = compileTemplate('thank-you', 'Thank you', 'You sent {{lettersSent}} letters.');
    expect(thanks.render(aLetterContext({ lettersSent: 12 })).body).toBe('You sent 12 letters.');
  });

  it('reports several problems together, in subject and body', () => {
    const problems = validateTemplate('appeal', 'About {{case.secret}}', '{{official.email}}\n{{#each x}}{{/each}}\n{{> footer}}');

    expect(problems).toEqual([
      { field: 'subject', line: 1, message: "unknown variable 'case.secret'" },
      { field: 'body', line: 1, message: "unknown variable 'official.email'" },
      { field: 'body', line: 2, message: "unknown helper 'each'" },
      { field: 'body', line: 2, message: "unknown variable 'x'" },
      { field: 'body', line: 3, message: "partial 'footer' is not allowed" },
    ]);
  });

  it('requires a one-line, non-empty subject and a non-empty body', () => {
    expect(validateTemplate('appeal', '  \n ', ' \n')).toEqual([
      { field: 'subject', line: 1, message: 'subject is empty' },
      { field: 'body', line: 1, message: 'body is empty' },
    ]);
    expect(validateTemplate('appeal', 'Appeal\r\nBcc: someone@example.com', 'x')).toEqual([
      { field: 'subject', line: 2, message: 'subject must be a single line' },
    ]);
    expect(validateTemplate('appeal', '\nAppeal for {{case.name}}\n', 'x')).toEqual([]);
  });

  it('throws TemplateInvalidError carrying the problems', () => {
    let thrown: unknown;
    try {
      compileTemplate('appeal', 'Appeal', 'Dear {{official.email}}');
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(TemplateInvalidError);
    expect((thrown as TemplateInvalidError).problems).toEqual([{ field: 'body', line: 1, message: "unknown variable 'official.email'" }]);
  });

  it('cannot produce a multi-line subject from CR/LF in a note or a name', () => {
    const template = compileTemplate('appeal', 'Appeal for {{case.name}} {{note}}', '{{note}}');
    const context = aLetterContext({ note: 'urgent\r\nBcc: victim@example.com\n\n\tbody' });
    context.case.name = 'Aziz\rKarimov\u0085\u2028x';

    const { subject, body } = template.render(context);

    expect(subject).toBe('Appeal for Aziz Karimov x urgent Bcc: victim@example.com body');
    expect(subject).not.toMatch(/[\r\n\t\u0085\u2028]/);
    expect(body).toBe('urgent\nBcc: victim@example.com\n\n\tbody');
  });

  it('normalises body line endings and trims trailing whitespace', () => {
    const template = compileTemplate('appeal', 'Appeal', 'Dear {{official.name}},\r\n\r\n{{note}}\r\n\r\n');

    expect(template.render(aLetterContext({ note: 'line one\rline two  \n\n' })).body).toBe('Dear A. Official,\n\nline one\nline two');
  });

  it('renders nulls as empty strings', () => {
    const template = compileTemplate(
      'appeal',
      'Appeal [{{note}}]',
      '[{{official.salutation}}][{{official.organisation}}][{{case.profession}}][{{case.charges}}][{{case.detainedOn}}][{{supporter.city}}]',
    );
    const context = aLetterContext({ note: null });
    context.official = { ...context.official, salutation: null, organisation: null };
    context.case = { ...context.case, profession: null, charges: null, detainedOn: null };
    context.supporter = { ...context.supporter, city: null };

    expect(template.render(context)).toEqual({ subject: 'Appeal []', body: '[][][][][][]' });
  });

  it('renders a kind-specific variable left out by the caller as empty', () => {
    const template = compileTemplate('thank-you', 'Thanks', 'Sent: [{{lettersSent}}]');

    expect(template.render(aLetterContext()).body).toBe('Sent: []');
  });

  it('shows a template only the allowed fields, whatever the caller passes', () => {
    const template = compileTemplate('appeal', 'Appeal', '{{#if case.name}}yes{{/if}}');
    const context = aLetterContext();
    Object.assign(context.case, { email: 'secret@example.com' });

    expect(template.render(context).body).toBe('yes');
    expect(() => compileTemplate('appeal', 'Appeal', '{{case.email}}')).toThrow(TemplateInvalidError);
  });

  it('signs in each style', () => {
    expect(signatureOf('full', '  Jane   Doe ', 'a supporter from Canada')).toBe('Jane Doe');
    expect(signatureOf('initials', 'Jane Doe', 'a supporter from Canada')).toBe('J. D.');
    expect(signatureOf('initials', 'jean-luc picard', 'a supporter from France')).toBe('J.-L. P.');
    // The anonymous wording is the letter's language's (letter-context.ts, from locales/).
    expect(supporterSignature('en', 'anonymous', 'Jane Doe', 'CA')).toBe('a supporter from Canada');
    expect(supporterSignature('en', 'initials', '   ', 'CA')).toBe('a supporter from Canada');
    expect(supporterSignature('ru', 'anonymous', 'Jane Doe', 'CA')).toBe('Сторонник (Канада)');
  });

  it('names countries from their ISO code, in a locale', () => {
    expect(countryName('UZ')).toBe('Uzbekistan');
    expect(countryName('UZ', 'ru')).toBe('Узбекистан');
    expect(countryName('uz', 'fr')).toBe('Ouzbékistan');
    expect(countryName('not a code')).toBe('not a code');
  });
});

describe('gender and the variables a template names', () => {
  it('accepts case.female and case.male, and lists the variables it uses', () => {
    const body = '{{#if case.female}}она{{else}}{{#if case.male}}он{{else}}этот человек{{/if}}{{/if}} — {{case.name}}';
    expect(validateTemplate('appeal', 'S', body)).toEqual([]);
    const template = compileTemplate('appeal', 'Обращение: {{case.name}}', body);
    expect([...template.variables].sort()).toEqual(['case.female', 'case.male', 'case.name']);
  });

  it('refuses to render a variable its language has no translation for, naming it', () => {
    const template = compileTemplate('appeal', 'S', '{{case.name}}');
    const base = { case: { name: '', country: 'UZ', countryName: '', profession: null, status: 'detained', summary: '', charges: null, detainedOn: null, released: false, female: true, male: false }, official: { name: '', title: '', salutation: null, organisation: null }, supporter: { signature: '', city: null, country: '', countryName: '' }, note: null, appeal: { title: '' }, date: '' };
    expect(() => template.render({ ...base, untranslated: ['case.name'] })).toThrow(/case\.name/);
    // A field it does not use may stay untranslated.
    expect(template.render({ ...base, untranslated: ['case.summary'] }).body).toBe('');
  });

  it('takes the same initials on its quick path as the grapheme segmenter gives', () => {
    const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    const reference = (part: string) => [...segmenter.segment(part)].map(({ segment }) => segment).find((segment) => /^[\p{L}\p{N}]/u.test(segment))?.toUpperCase() ?? '';
    const firsts: string[] = [];
    for (const [from, to] of [[0x41, 0x7a], [0xc0, 0x24f], [0x370, 0x3ff], [0x400, 0x4ff]]) for (let code = from; code <= to; code += 1) firsts.push(String.fromCodePoint(code));
    let compared = 0;
    for (const first of firsts) {
      for (const rest of ['', 'ane', '\u0301x', '\u200Dy', '\uFE0Fz', '-b']) {
        const name = `${first}${rest} Doe`;
        const expected = [reference(`${first}${rest}`), 'D'].filter((initial) => initial !== '').map((initial) => `${initial}.`);
        if (rest === '-b') expected[0] = [reference(first), 'B'].filter((initial) => initial !== '').map((initial) => `${initial}.`).join('-');
        expect(signatureOf('initials', name, 'anon')).toBe(expected.join(' '));
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(3000);
  });

  describe('signer skeleton', () => {
    const signers: SignerFields[] = [
      { supporter: { signature: 'Jane Doe', city: 'Toronto', country: 'CA', countryName: 'Canada' }, note: 'Please release him.' },
      { supporter: { signature: 'Олег  Петров ', city: ' Saint\r\nPetersburg', country: 'RU', countryName: 'Russia' }, note: '  urgent\r\n\tnote  \n\n' },
      { supporter: { signature: 'J. D.', city: null, country: 'CA', countryName: 'Canada' }, note: null },
      { supporter: { signature: 'a supporter from Canada', city: null, country: 'CA', countryName: 'Canada' }, note: '' },
      { supporter: { signature: '{{case.name}} $& $1', city: '0', country: '', countryName: '' }, note: '{{note}}' },
    ];
    const templates: [string, string][] = [
      ['Appeal for {{case.name}} from {{supporter.signature}} {{note}}', ALL_VARIABLES_BODY],
      ['{{supporter.city}} {{supporter.signature}}', '{{#if supporter.city}}{{supporter.city}}, {{/if}}{{date}}\r\n\r\n{{#unless note}}No note.{{else}}{{note}}{{/unless}}\r\n{{{supporter.signature}}}  \n\n'],
      ['Fixed subject', 'Nothing of the signer here.'],
    ];

    it('gives every signer of the same shape exactly what render gives', () => {
      let compared = 0;
      for (const [subject, body] of templates) {
        const template = compileTemplate('appeal', subject, body);
        for (const first of signers) {
          const skeleton = template.signerSkeleton(aLetterContext(first));
          expect(skeleton).not.toBeNull();
          for (const other of signers.filter((candidate) => signerShape(candidate) === signerShape(first))) {
            expect(skeleton!.fill(other)).toEqual(template.render(aLetterContext(other)));
            compared += 1;
          }
        }
      }
      expect(compared).toBeGreaterThan(signers.length * templates.length);
    });

    it('tells shapes apart by which fields are set, not by their text', () => {
      expect(signerShape(signers[0])).toBe('11111');
      expect(signerShape(signers[2])).toBe('10110');
      expect(signerShape(signers[3])).toBe('10110');
      expect(signerShape(signers[4])).toBe('11001');
    });

    it('declines (null) when the letter already holds its slot marks, and throws what render throws', () => {
      const template = compileTemplate('appeal', 'Appeal', '{{case.summary}} {{supporter.signature}}');
      const context = aLetterContext();
      context.case.summary = 'a \uE0000\uE001 mark';
      expect(template.signerSkeleton(context)).toBeNull();

      const untranslated = compileTemplate('appeal', 'Appeal', '{{case.summary}}');
      expect(() => untranslated.signerSkeleton(aLetterContext({ untranslated: ['case.summary'] }))).toThrow(/no translation of case.summary/);
    });
  });
});
