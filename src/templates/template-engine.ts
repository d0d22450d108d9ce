import Handlebars from 'handlebars';
import { DomainError } from '../common/errors';

/*
 * Letter templates are written by coordinators and run for thousands of supporters, so they
 * are treated as untrusted code: before anything is compiled, the parsed template is walked
 * and only a tiny language is let through (allowed variables, `{{#if}}` / `{{#unless}}` on
 * one of them, `{{else}}`, comments and text). Compilation then adds Handlebars' own guards
 * (strict lookups, known helpers only, no prototype access) as a second fence.
 *
 * A variable is accepted only when written exactly as its allowed name: `this.case.name`,
 * `./note`, `case/name` or `case.[name]` are refused as unknown variables even where
 * Handlebars would resolve them to the same value, so one spelling is ever in use.
 */

export type TemplateKind = 'appeal' | 'thank-you' | 'invitation';

export const TEMPLATE_KINDS: readonly TemplateKind[] = Object.freeze(['appeal', 'thank-you', 'invitation'] as const);

export interface TemplateProblem {
  field: 'subject' | 'body';
  line: number;
  message: string;
}

export interface LetterContext {
  case: {
    name: string;
    country: string;
    countryName: string;
    profession: string | null;
    status: string;
    summary: string;
    charges: string | null;
    detainedOn: string | null;
    /** Whether the case's status is `released`: a thank-you speaks of a release, or of a death. */
    released: boolean;
    /** From the case's grammatical gender, for `{{#if case.female}}`; both false when it is unset. */
    female: boolean;
    male: boolean;
  };
  official: { name: string; title: string; salutation: string | null; organisation: string | null };
  supporter: { signature: string; city: string | null; country: string; countryName: string };
  note: string | null;
  appeal: { title: string };
  date: string;
  /** Thank-you templates only. */
  lettersSent?: number;
  /** Invitation templates only. */
  signUrl?: string;
  /**
   * Variables the letter's language has no value for (a case field with no translation):
   * rendering a template that uses one fails, naming them, rather than send a blank.
   */
  untranslated?: readonly string[];
}

export interface RenderedLetter {
  subject: string;
  body: string;
}

/** What tells one signer's letter from another's when everything else is the same: how they sign, and their note. */
export type SignerFields = Pick<LetterContext, 'supporter' | 'note'>;

/**
 * A letter cut at its signer's fields: everything else set once, for `fill`. Good for
 * signers of the same `signerShape` only (a `{{#if supporter.city}}` took one branch).
 */
export interface SignerSkeleton {
  fill(signer: SignerFields): RenderedLetter;
}

export interface CompiledTemplate {
  /** The variables the template names (`case.name`, `note`...). */
  readonly variables: ReadonlySet<string>;
  render(context: LetterContext): RenderedLetter;
  /**
   * The template run once with the signer's fields as slots, for the many letters that differ
   * only in them (the month's page shows every member their own). Null when the cut would not
   * give back exactly what `render` gives (checked on `context` itself): then render instead.
   * Throws what `render` throws.
   */
  signerSkeleton(context: LetterContext): SignerSkeleton | null;
}

/** The signer's fields as the skeleton's slots, in slot order. */
function signerSlots(signer: SignerFields): (string | null)[] {
  return [signer.supporter.signature, signer.supporter.city, signer.supporter.country, signer.supporter.countryName, signer.note];
}

/**
 * Which of the signer's fields are set: a template's `{{#if}}` and `{{#unless}}` see only that
 * (variables are all it may test, and only text is given), so signers of one shape take the
 * same branches, and their letters differ only where the fields are written.
 */
export function signerShape(signer: SignerFields): string {
  let shape = '';
  for (const value of signerSlots(signer)) shape += value ? '1' : '0';
  return shape;
}

// A slot's mark in the text: private-use characters, checked absent from everything else the template sees.
const SLOT_MARK = /\uE000(\d)\uE001/;
const slotMark = (index: number) => `\uE000${index}\uE001`;

/**
 * A letter that needs a case field its language has no translation for: `case_untranslated`,
 * as a launch refuses it (a preview asked before the translation exists answers so, not 500).
 */
export class UntranslatedError extends DomainError {
  constructor(readonly variables: readonly string[]) {
    super('case_untranslated', `no translation of ${variables.join(', ')} in the letter's language`);
    this.name = 'UntranslatedError';
  }
}

/** A template refused when saved: `template_invalid`, with each problem at its field and line (the console shows them there). */
export class TemplateRefusedError extends DomainError {
  constructor(readonly problems: readonly TemplateProblem[]) {
    super('template_invalid', problems.map((problem) => `${problem.field} line ${problem.line}: ${problem.message}`));
  }
}

export class TemplateInvalidError extends Error {
  readonly problems: TemplateProblem[];

  constructor(problems: TemplateProblem[]) {
    super(`template is invalid: ${problems.map((p) => `${p.field} line ${p.line}: ${p.message}`).join('; ')}`);
    this.name = 'TemplateInvalidError';
    this.problems = problems;
  }
}

// The shape of the render context; validation and rendering both derive from it, so a
// variable cannot be allowed without also being guaranteed present when strict mode looks.
const SHARED_FIELDS = {
  case: ['name', 'country', 'countryName', 'profession', 'status', 'summary', 'charges', 'detainedOn', 'released', 'female', 'male'],
  official: ['name', 'title', 'salutation', 'organisation'],
  supporter: ['signature', 'city', 'country', 'countryName'],
  appeal: ['title'],
} as const satisfies Record<string, readonly string[]>;

const SHARED_TOP_LEVEL = ['note', 'date'] as const;

const KIND_TOP_LEVEL: Record<TemplateKind, readonly ('lettersSent' | 'signUrl')[]> = {
  appeal: [],
  'thank-you': ['lettersSent'],
  invitation: ['signUrl'],
};

const SHARED_VARIABLES: readonly string[] = [
  ...Object.entries(SHARED_FIELDS).flatMap(([group, fields]) => fields.map((field) => `${group}.${field}`)),
  ...SHARED_TOP_LEVEL,
];

const ALLOWED_VARIABLES: ReadonlyMap<TemplateKind, ReadonlySet<string>> = new Map(
  TEMPLATE_KINDS.map((kind) => [kind, new Set([...SHARED_VARIABLES, ...KIND_TOP_LEVEL[kind]])]),
);

/** The variables a template of this kind may name, in the order the editor lists them. */
export function allowedVariables(kind: TemplateKind): string[] {
  return [...(ALLOWED_VARIABLES.get(kind) ?? [])];
}

const BLOCK_HELPERS: ReadonlySet<string> = new Set(['if', 'unless']);

// Names Handlebars would treat as helpers even without params; refused as helpers so the
// message says what the coordinator actually tried.
const BUILT_IN_HELPERS: ReadonlySet<string> = new Set([
  'if',
  'unless',
  'each',
  'with',
  'lookup',
  'log',
  'helperMissing',
  'blockHelperMissing',
]);

const COMPILE_OPTIONS: CompileOptions = {
  strict: true,
  knownHelpersOnly: true,
  // Handlebars merges this over its defaults, so the other built-ins must be switched off.
  knownHelpers: {
    if: true,
    unless: true,
    each: false,
    with: false,
    lookup: false,
    log: false,
    helperMissing: false,
    blockHelperMissing: false,
  },
  noEscape: true,
  data: false,
};

const RUNTIME_OPTIONS: RuntimeOptions = {
  allowProtoPropertiesByDefault: false,
  allowProtoMethodsByDefault: false,
};

/** Returns every problem found (empty array = valid). */
export function validateTemplate(kind: TemplateKind, subject: string, body: string): TemplateProblem[] {
  const allowed = allowedVariablesOf(kind);
  const problems: TemplateProblem[] = [];

  // Blank lines around the subject are forgiven (trimmed); a second line with text is not.
  const subjectLines = subject
    .split(/\r\n?|\n/)
    .map((text, index) => ({ text, line: index + 1 }))
    .filter(({ text }) => text.trim() !== '');
  if (subjectLines.length === 0) {
    problems.push({ field: 'subject', line: 1, message: 'subject is empty' });
  } else if (subjectLines.length > 1) {
    problems.push({ field: 'subject', line: subjectLines[1].line, message: 'subject must be a single line' });
  }
  if (body.trim() === '') {
    problems.push({ field: 'body', line: 1, message: 'body is empty' });
  }

  problems.push(...checkSource('subject', subject, allowed).problems, ...checkSource('body', body, allowed).problems);
  return problems;
}

/** The allowed variables a template names, in subject or body (unknown ones are left out: validation reports them). */
export function templateVariables(kind: TemplateKind, subject: string, body: string): Set<string> {
  const allowed = allowedVariablesOf(kind);
  return new Set([...checkSource('subject', subject, allowed).variables, ...checkSource('body', body, allowed).variables]);
}

/** Validates then compiles once; throws TemplateInvalidError (carrying the problems) if invalid. */
export function compileTemplate(kind: TemplateKind, subject: string, body: string): CompiledTemplate {
  const problems = validateTemplate(kind, subject, body);
  if (problems.length > 0) throw new TemplateInvalidError(problems);

  // An environment of our own: nothing registered on the global Handlebars (by us or a
  // library) can reach a coordinator's template.
  const env = Handlebars.create();
  for (const name of ['each', 'with', 'lookup', 'log']) env.unregisterHelper(name);

  const subjectTemplate = env.compile<RenderContext>(subject, COMPILE_OPTIONS);
  const bodyTemplate = env.compile<RenderContext>(body, COMPILE_OPTIONS);
  const extras = KIND_TOP_LEVEL[kind];
  const variables = templateVariables(kind, subject, body);

  // Handlebars compiles lazily on first call; render once now so the cost (and any surprise)
  // lands at save time, not in the middle of a send batch.
  const blank = toRenderContext(undefined, extras);
  subjectTemplate(blank, RUNTIME_OPTIONS);
  bodyTemplate(blank, RUNTIME_OPTIONS);

  const render = (context: LetterContext): RenderedLetter => {
    const missing = (context.untranslated ?? []).filter((variable) => variables.has(variable));
    if (missing.length > 0) throw new UntranslatedError(missing);
    const data = toRenderContext(context, extras);
    return {
      subject: toHeaderLine(subjectTemplate(data, RUNTIME_OPTIONS)),
      body: toBodyText(bodyTemplate(data, RUNTIME_OPTIONS)),
    };
  };

  return {
    variables,
    render,
    signerSkeleton(context: LetterContext): SignerSkeleton | null {
      const direct = render(context);
      if (JSON.stringify(context).includes('\uE000')) return null;
      // Each set field becomes its mark (any text takes the same branches as any other); an unset one stays as it is.
      const marks = signerSlots(context).map((value, index) => (value ? slotMark(index) : value));
      const marked: LetterContext = {
        ...context,
        supporter: { signature: marks[0] as string, city: marks[1], country: marks[2] as string, countryName: marks[3] as string },
        note: marks[4],
      };
      const data = toRenderContext(marked, extras);
      // The raw output cut at the marks: text, slot, text, slot, ..., text. The header and body
      // rules run on the filled text, as render runs them.
      const cut = (raw: string) => raw.split(SLOT_MARK).map((piece, index) => (index % 2 === 1 ? Number(piece) : piece));
      const subject = cut(subjectTemplate(data, RUNTIME_OPTIONS));
      const body = cut(bodyTemplate(data, RUNTIME_OPTIONS));
      const join = (pieces: (string | number)[], slots: (string | null)[]) => {
        let text = pieces[0] as string;
        for (let index = 1; index < pieces.length; index += 2) text += (slots[pieces[index] as number] ?? '') + (pieces[index + 1] as string);
        return text;
      };
      // toBodyText's line-ending rule has nothing to do unless a piece or a field holds a CR.
      const bodyHasCr = body.some((piece) => typeof piece === 'string' && piece.includes('\r'));
      const skeleton: SignerSkeleton = {
        fill(signer: SignerFields): RenderedLetter {
          const slots = signerSlots(signer);
          const text = join(body, slots);
          const crFree = !bodyHasCr && slots.every((slot) => typeof slot !== 'string' || !slot.includes('\r'));
          return { subject: toHeaderLine(join(subject, slots)), body: crFree ? text.trimEnd() : toBodyText(text) };
        },
      };
      const again = skeleton.fill(context);
      return again.subject === direct.subject && again.body === direct.body ? skeleton : null;
    },
  };
}

const displayNamesByLocale = new Map<string, Intl.DisplayNames>();

/** ISO 3166 alpha-2 code to the country's name in `locale`; the code itself if unknown. */
export function countryName(code: string, locale = 'en'): string {
  try {
    let names = displayNamesByLocale.get(locale);
    if (!names) {
      names = new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' });
      displayNamesByLocale.set(locale, names);
    }
    return names.of(code.trim().toUpperCase()) ?? code;
  } catch {
    // A malformed code or locale: the code is still more useful in a letter than nothing.
    return code;
  }
}

/**
 * How a supporter signs: `full` "Jane Doe", `initials` "J. D." (hyphenated names keep their
 * hyphen: "J.-L. P."), `anonymous` as the letter's language says it ("a supporter from
 * Canada"). A name with nothing to sign with falls back to the anonymous form rather than
 * an empty signature.
 */
export function signatureOf(style: 'full' | 'initials' | 'anonymous', name: string, anonymous: string): string {
  const words = name.trim().split(/\s+/).filter((word) => word !== '');
  if (style === 'full' && words.length > 0) return words.join(' ');
  if (style === 'initials') {
    const initials = words
      .map((word) =>
        word
          .split('-')
          .map(initialOf)
          .filter((initial) => initial !== '')
          .map((initial) => `${initial}.`)
          .join('-'),
      )
      .filter((initial) => initial !== '');
    if (initials.length > 0) return initials.join(' ');
  }
  return anonymous;
}

type CompileOptions = NonNullable<Parameters<typeof Handlebars.compile>[1]>;
type RuntimeOptions = NonNullable<Parameters<HandlebarsTemplateDelegate>[1]>;
type Value = string | number | boolean | null;
type RenderContext = Record<string, Value | Record<string, Value>>;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

// A letter of these scripts followed by no mark or joiner is a grapheme of its own: the
// segmenter (which costs more than the rest of a signature) is needed only for the others.
const SIMPLE_LETTER = /^(?=\p{L})[A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF](?![\p{M}\u200D\uFE00-\uFE0F])/u;

function initialOf(part: string): string {
  if (SIMPLE_LETTER.test(part)) return part[0].toUpperCase();
  for (const { segment } of graphemes.segment(part)) {
    if (/^[\p{L}\p{N}]/u.test(segment)) return segment.toUpperCase();
  }
  return '';
}

function allowedVariablesOf(kind: TemplateKind): ReadonlySet<string> {
  const allowed = ALLOWED_VARIABLES.get(kind);
  if (!allowed) throw new RangeError(`unknown template kind '${String(kind)}'`);
  return allowed;
}

/**
 * Copies only the allowed fields, so a caller passing a full entity cannot widen what a
 * template sees, and fills every one (strict mode throws on a missing key). Nulls render
 * empty: Handlebars prints nothing for null.
 */
function toRenderContext(context: LetterContext | undefined, extras: readonly ('lettersSent' | 'signUrl')[]): RenderContext {
  const data: RenderContext = {};
  for (const [group, fields] of Object.entries(SHARED_FIELDS)) {
    const source = context?.[group as keyof typeof SHARED_FIELDS] as Record<string, unknown> | undefined;
    const target: Record<string, Value> = {};
    for (const field of fields) target[field] = valueOf(source?.[field]);
    data[group] = target;
  }
  for (const name of [...SHARED_TOP_LEVEL, ...extras]) data[name] = valueOf(context?.[name]);
  return data;
}

function valueOf(value: unknown): Value {
  if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return value;
  return null;
}

// Subjects go into a mail header: any line break or control character would let a note or a
// name start a new header or a body, so every run of them becomes one space.
function toHeaderLine(text: string): string {
  return text.replace(/[\s\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
}

function toBodyText(text: string): string {
  return text.replace(/\r\n?/g, '\n').trimEnd();
}

type Field = TemplateProblem['field'];
type Node = hbs.AST.Node;

function checkSource(field: Field, source: string, allowed: ReadonlySet<string>): { problems: TemplateProblem[]; variables: ReadonlySet<string> } {
  let program: hbs.AST.Program;
  try {
    program = Handlebars.parse(source);
  } catch (error) {
    return { problems: [syntaxProblem(field, error)], variables: new Set() };
  }
  const checker = new TemplateChecker(field, source, allowed);
  checker.program(program);
  return { problems: checker.problems, variables: checker.variables };
}

function syntaxProblem(field: Field, error: unknown): TemplateProblem {
  const raw = error instanceof Error ? error.message : String(error);
  const located = /^(?:Parse|Lexical) error on line (\d+)[:.]\s*/.exec(raw);
  const lineNumber = (error as { lineNumber?: unknown } | null)?.lineNumber;
  const line = located ? Number(located[1]) : typeof lineNumber === 'number' ? lineNumber : 1;
  // Handlebars quotes the template with an arrow under the error; the reader has the template
  // and the line number, so keep only the explanation.
  const lines = raw.split('\n');
  let detail: string;
  if (located && raw.startsWith('Lexical')) detail = raw.slice(located[0].length).split('\n')[0];
  else if (located) detail = describeParseError(lines[lines.length - 1]);
  else detail = lines[0].replace(/ - \d+:\d+$/, '');
  return { field, line, message: `syntax error: ${detail.trim() || 'invalid template'}` };
}

// Handlebars names lexer tokens ("got 'CLOSE'"); coordinators know the characters.
const TOKEN_TEXT: Readonly<Record<string, string>> = {
  EOF: 'end of template',
  CLOSE: "'}}'",
  CLOSE_UNESCAPED: "'}}}'",
  CLOSE_RAW_BLOCK: "'}}}}'",
  CLOSE_SEXPR: "')'",
  OPEN_SEXPR: "'('",
  OPEN: "'{{'",
  OPEN_UNESCAPED: "'{{{'",
  OPEN_BLOCK: "'{{#'",
  OPEN_ENDBLOCK: "'{{/'",
  OPEN_INVERSE: "'{{^'",
  OPEN_INVERSE_CHAIN: "'{{else ...'",
  INVERSE: "'{{else}}'",
  OPEN_PARTIAL: "'{{>'",
  EQUALS: "'='",
  SEP: "'.' or '/'",
  INVALID: 'text',
  ID: 'a name',
  STRING: 'a quoted string',
  NUMBER: 'a number',
  BOOLEAN: 'true or false',
  DATA: "'@'",
};

function describeParseError(explanation: string): string {
  const got = /got '([A-Z_]+)'\s*$/.exec(explanation);
  if (!got) return explanation;
  const expected = [...explanation.slice(0, got.index).matchAll(/'([A-Z_]+)'/g)].map(([, token]) => TOKEN_TEXT[token] ?? token);
  const unexpected = `unexpected ${TOKEN_TEXT[got[1]] ?? got[1]}`;
  return expected.length > 0 && expected.length <= 3 ? `${unexpected}, expecting ${expected.join(' or ')}` : unexpected;
}

/** Walks a parsed template and records every construct outside the letter language. */
class TemplateChecker {
  readonly problems: TemplateProblem[] = [];
  /** The allowed variables met on the way. */
  readonly variables = new Set<string>();
  private readonly lineStarts: number[];

  constructor(
    private readonly field: Field,
    private readonly source: string,
    private readonly allowed: ReadonlySet<string>,
  ) {
    // Line breaks as the Handlebars lexer counts them, to map node positions back to text.
    this.lineStarts = [0];
    for (const match of source.matchAll(/\r\n?|\n/g)) this.lineStarts.push(match.index + match[0].length);
  }

  program(program: hbs.AST.Program | undefined): void {
    if (!program) return;
    if (program.blockParams?.length) this.report(program, 'block parameters are not allowed');
    for (const statement of program.body) this.statement(statement);
  }

  private statement(node: hbs.AST.Statement): void {
    switch (node.type) {
      case 'ContentStatement':
      case 'CommentStatement':
        return;
      case 'MustacheStatement':
        return this.mustache(node as hbs.AST.MustacheStatement);
      case 'BlockStatement':
        return this.block(node as hbs.AST.BlockStatement);
      case 'PartialStatement':
      case 'PartialBlockStatement': {
        const partial = node as hbs.AST.PartialStatement | hbs.AST.PartialBlockStatement;
        this.report(node, `partial '${this.textOf(partial.name)}' is not allowed`);
        return;
      }
      case 'Decorator':
      case 'DecoratorBlock': {
        const decorator = node as hbs.AST.Decorator | hbs.AST.DecoratorBlock;
        this.report(node, `decorator '${this.textOf(decorator.path)}' is not allowed`);
        return;
      }
      default:
        this.report(node, `unsupported construct '${node.type}'`);
    }
  }

  private mustache(node: hbs.AST.MustacheStatement): void {
    const name = this.textOf(node.path);
    if (node.params.length > 0 || hasHash(node.hash) || BUILT_IN_HELPERS.has(name)) {
      this.report(node, `unknown helper '${name}'`);
      this.expressions(node.params, node.hash);
      return;
    }
    this.variable(node.path);
  }

  private block(node: hbs.AST.BlockStatement): void {
    const name = this.textOf(node.path);
    if (!BLOCK_HELPERS.has(name)) {
      this.report(node, `unknown helper '${name}'`);
      this.expressions(node.params, node.hash);
    } else if (node.params.length !== 1 || hasHash(node.hash)) {
      this.report(node, `helper '${name}' takes exactly one variable`);
      this.expressions(node.params, node.hash);
    } else {
      this.expressions(node.params, undefined);
    }
    this.program(node.program);
    this.program(node.inverse);
  }

  private expressions(params: hbs.AST.Expression[], hash: hbs.AST.Hash | undefined): void {
    for (const param of params) this.expression(param);
    for (const pair of hash?.pairs ?? []) this.expression(pair.value);
  }

  private expression(node: hbs.AST.Expression): void {
    if (node.type === 'SubExpression') {
      const call = node as hbs.AST.SubExpression;
      this.report(node, `unknown helper '${this.textOf(call.path)}'`);
      this.expressions(call.params, call.hash);
      return;
    }
    this.variable(node);
  }

  /** Literals and every path not spelled exactly as an allowed variable are refused. */
  private variable(node: Node): void {
    const text = this.textOf(node);
    if (node.type !== 'PathExpression' || !this.allowed.has(text)) {
      this.report(node, `unknown variable '${text}'`);
    } else {
      this.variables.add(text);
    }
  }

  private textOf(node: Node): string {
    const { start, end } = node.loc;
    const from = this.offsetOf(start);
    const to = this.offsetOf(end);
    if (from !== undefined && to !== undefined && to > from) return this.source.slice(from, to);
    return (node as { original?: unknown }).original !== undefined ? String((node as { original?: unknown }).original) : node.type;
  }

  private offsetOf(position: hbs.AST.Position): number | undefined {
    const lineStart = this.lineStarts[position.line - 1];
    return lineStart === undefined ? undefined : lineStart + position.column;
  }

  private report(node: Node, message: string): void {
    this.problems.push({ field: this.field, line: node.loc?.start.line ?? 1, message });
  }
}

function hasHash(hash: hbs.AST.Hash | undefined): boolean {
  return (hash?.pairs.length ?? 0) > 0;
}
