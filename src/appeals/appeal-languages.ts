import type { TranslatedField } from '../cases/case.entity';
import { caseFieldsIn } from '../cases/case-translations';
import { DomainError } from '../common/errors';
import { templateVariables } from '../templates/template-engine';
import type { LaunchTemplateRow } from './appeals.repository';

const englishNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });

/** A template of a launch whose language lacks a translation of case fields it uses. */
export interface UntranslatedTemplate {
  appealId: string;
  templateName: string;
  language: string;
  fields: TranslatedField[];
}

/**
 * What stops these appeals from being launched: each template in a language other than
 * English that uses a case field the case has no translation of in that language (a field
 * the case lacks in English needs none), with the fields it lacks.
 * `rows` are AppealsRepository.launchTemplatesOf(appealIds).
 */
export function untranslatedTemplates(rows: LaunchTemplateRow[]): UntranslatedTemplate[] {
  const found: UntranslatedTemplate[] = [];
  for (const row of rows) {
    const used = templateVariables(row.kind, row.subject, row.body);
    const { untranslated } = caseFieldsIn(row, row.language);
    const fields: TranslatedField[] = untranslated.filter((field) => used.has(`case.${field}`));
    if (fields.length > 0) found.push({ appealId: row.appeal_id, templateName: row.template_name, language: row.language, fields });
  }
  return found;
}

/** The same, one message per template naming the fields (`appealIds`: an appeal is named when there are several). */
export function untranslatedForLaunch(rows: LaunchTemplateRow[], appealIds: string[]): string[] {
  return untranslatedTemplates(rows).map((template) => {
    const language = englishNames.of(template.language) ?? template.language;
    const prefix = appealIds.length > 1 ? `appeal ${template.appealId}: ` : '';
    return `${prefix}${template.fields.map((field) => `translations.${template.language}.${field}`).join(', ')}: the case has no ${language} ${listOf(template.fields)} for the template '${template.templateName}'`;
  });
}

/** A launch refused because letters would carry the case in English words inside another language; the templates and fields, for a page to say in its own words. */
export class CaseUntranslatedError extends DomainError {
  constructor(
    readonly templates: UntranslatedTemplate[],
    problems: string[],
  ) {
    super('case_untranslated', `Cannot launch: ${problems.join('; ')}. Add them with PATCH /api/cases/:id {"translations": ...}`);
  }
}

/** Refuses (409, nothing changed) a launch whose letters would carry the case in English words inside another language. */
export function assertTranslatedForLaunch(rows: LaunchTemplateRow[], appealIds: string[]): void {
  const templates = untranslatedTemplates(rows);
  if (templates.length > 0) throw new CaseUntranslatedError(templates, untranslatedForLaunch(rows, appealIds));
}

function listOf(words: string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}
