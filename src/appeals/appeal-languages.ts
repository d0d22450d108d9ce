import type { EntityManager } from 'typeorm';
import type { CaseTranslations, TranslatedField } from '../cases/case.entity';
import { caseFieldsIn } from '../cases/case-translations';
import { ConflictError } from '../common/errors';
import { templateVariables, TemplateKind } from '../templates/template-engine';

interface LaunchTemplateRow {
  appeal_id: string;
  template_name: string;
  language: string;
  kind: TemplateKind;
  subject: string;
  body: string;
  name: string;
  profession: string | null;
  summary: string;
  charges: string | null;
  translations: CaseTranslations;
}

const englishNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });

/**
 * What stops these appeals from being launched: each template in a language other than
 * English that uses a case field the case has no translation of in that language (a field
 * the case lacks in English needs none). One message per template, naming the fields.
 */
export async function untranslatedForLaunch(manager: EntityManager, appealIds: string[]): Promise<string[]> {
  if (appealIds.length === 0) return [];
  const rows = await manager.query<LaunchTemplateRow[]>(
    `SELECT at.appeal_id, tp.name AS template_name, tp.language, tp.kind, tp.subject, tp.body,
            k.name, k.profession, k.summary, k.charges, k.translations
       FROM appeal_templates at JOIN templates tp ON tp.id = at.template_id
       JOIN appeals a ON a.id = at.appeal_id JOIN cases k ON k.id = a.case_id
      WHERE at.appeal_id = ANY($1::uuid[]) AND tp.language <> 'en'
      ORDER BY at.appeal_id, at.position`,
    [appealIds],
  );
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
export async function assertTranslatedForLaunch(manager: EntityManager, appealIds: string[]): Promise<void> {
  const problems = await untranslatedForLaunch(manager, appealIds);
  if (problems.length > 0) throw new ConflictError('case_untranslated', `Cannot launch: ${problems.join('; ')}. Add them with PATCH /api/cases/:id {"translations": ...}`);
}

function listOf(words: string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}
