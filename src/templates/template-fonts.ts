import type { AppealErrorCode, CycleErrorCode, TemplateErrorCode } from '../common/error-codes';
import { DomainError } from '../common/errors';
import { describeCharacters, unsupportedCharacters } from '../printing/fonts';

/** A line of a template's subject or body with characters the print fonts cannot set. */
export interface UnprintableLine {
  field: 'subject' | 'body';
  /** From 1, as the editor numbers them. */
  line: number;
  characters: string[];
}

/** A template that could not be printed, with every line that says why. */
export interface UnprintableTemplate {
  /** The appeal that would print it, when a launch or a cycle's opening is refused. */
  appealId?: string;
  templateId: string;
  templateName: string;
  lines: UnprintableLine[];
}

/**
 * The lines of a template's subject and body that hold characters the embedded fonts cannot
 * set (the template's own text: the case's and the signer's words are checked when they are
 * entered, or printed). Empty when it can be printed.
 */
export function unprintableLines(subject: string, body: string): UnprintableLine[] {
  const found: UnprintableLine[] = [];
  for (const [field, text] of [['subject', subject], ['body', body]] as const) {
    text.split('\n').forEach((line, index) => {
      const characters = unsupportedCharacters(line);
      if (characters.length > 0) found.push({ field, line: index + 1, characters });
    });
  }
  return found;
}

/** Of these templates of appeals, those that could not be printed, each with its lines. */
export function unprintableTemplates(rows: { appealId: string; templateId: string; templateName: string; subject: string; body: string }[]): UnprintableTemplate[] {
  return rows
    .map((row) => ({ appealId: row.appealId, templateId: row.templateId, templateName: row.templateName, lines: unprintableLines(row.subject, row.body) }))
    .filter((template) => template.lines.length > 0);
}

/** "U+0634 ش, U+1F600 😀": the characters of a template's lines, each once, named so a coordinator can find them. */
export function describedCharactersOf(template: Pick<UnprintableTemplate, 'lines'>): string {
  return describeCharacters(charactersOf(template));
}

/** The characters of a template's lines, each once, in order. */
export function charactersOf(template: Pick<UnprintableTemplate, 'lines'>): string[] {
  return [...new Set(template.lines.flatMap((line) => line.characters))];
}

/**
 * A template whose letters would be printed holds characters the fonts cannot set: refused
 * when it is saved while a post appeal uses it (`template_invalid`), or when a post appeal
 * using it is launched (`appeal_invalid`) or opened with its cycle (`cycle_appeal_unprintable`). The
 * templates, lines and characters are kept for a page to say in its own words.
 */
export class TemplateUnprintableError extends DomainError {
  constructor(
    code: Extract<TemplateErrorCode | AppealErrorCode | CycleErrorCode, 'template_invalid' | 'appeal_invalid' | 'cycle_appeal_unprintable'>,
    readonly templates: UnprintableTemplate[],
    /** The post appeals that would print it, when the refusal is of a save. */
    readonly appealTitles: string[] = [],
  ) {
    super(code, code === 'template_invalid' ? savedProblems(templates[0], appealTitles) : launchProblems(code, templates));
  }
}

function savedProblems(template: UnprintableTemplate, appealTitles: string[]): string[] {
  const printedBy = `it is used by the post appeal${appealTitles.length > 1 ? 's' : ''} ${appealTitles.map((title) => `'${title}'`).join(', ')}`;
  return template.lines.map((line) => `${line.field} line ${line.line}: characters the fonts of printed letters cannot set: ${describeCharacters(line.characters)} (${printedBy})`);
}

function launchProblems(code: 'appeal_invalid' | 'cycle_appeal_unprintable', templates: UnprintableTemplate[]): string[] {
  const field = code === 'appeal_invalid' ? 'templateIds' : 'appealIds';
  const appeal = (template: UnprintableTemplate) => (code === 'cycle_appeal_unprintable' && template.appealId ? `appeal ${template.appealId}: ` : '');
  return templates.map((template) => `${field}: ${appeal(template)}the template '${template.templateName}' has characters the fonts of printed letters cannot set: ${describeCharacters(charactersOf(template))}`);
}
