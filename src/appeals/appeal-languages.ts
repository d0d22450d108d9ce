import type { TranslatedField } from '../cases/case.entity';
import { caseFieldsIn } from '../cases/case-translations';
import { DomainError } from '../common/errors';
import { templateVariables } from '../templates/template-engine';
import type { LaunchTemplateRow } from './appeals.repository';

const englishNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });

/**
 * What stops these appeals from being launched: each template in a language other than
 * English that uses a case field the case has no translation of in that language (a field
 * the case lacks in English needs none). One message per template, naming the fields.
 * `rows` are AppealsRepository.launchTemplatesOf(appealIds).
 */
export function untranslatedForLaunch(rows: LaunchTemplateRow[], appealIds: string[]): string[] {
  const problems: string[] = [];
  for (const row of rows) {
    const used = templateVariables(row.kind, row.subject, row.body);
    const { untranslated } = caseFieldsIn(row, row.language);
    const missing: TranslatedField[] = untranslated.filter((field) => used.has(`case.${field}`));
    if (missing.length === 0) continue;
    const language = englishNames.of(row.language) ?? row.language;
    const prefix = appealIds.length > 1 ? `appeal ${row.appeal_id}: ` : '';
    problems.push(
      `${prefix}${missing.map((field) => `translations.${row.language}.${field}`).join(', ')}: the case has no ${language} ${listOf(missing)} for the template '${row.template_name}'`,
    );
  }
  return problems;
}

/** Refuses (409, nothing changed) a launch whose letters would carry the case in English words inside another language. */
export function assertTranslatedForLaunch(rows: LaunchTemplateRow[], appealIds: string[]): void {
  const problems = untranslatedForLaunch(rows, appealIds);
  if (problems.length > 0) throw new DomainError('case_untranslated', `Cannot launch: ${problems.join('; ')}. Add them with PATCH /api/cases/:id {"translations": ...}`);
}

function listOf(words: string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}
