import { registerDecorator, ValidationOptions } from 'class-validator';
import { Case, CaseTranslation, CaseTranslations, TRANSLATED_FIELDS, TranslatedField } from './case.entity';

/** Bounds of each translated field, as the case's own field; one-line fields reach mail headers (subjects). */
const FIELD_RULES: Record<TranslatedField, { max: number; oneLine: boolean }> = {
  name: { max: 200, oneLine: true },
  profession: { max: 200, oneLine: true },
  summary: { max: 10_000, oneLine: false },
  charges: { max: 2000, oneLine: false },
};

const LANGUAGE = /^[a-z]{2}$/;
const CONTROL = /[\u0000-\u001f\u007f]/;
const MAX_LANGUAGES = 30;

/** A change of translations: null for a language or a field clears it (PATCH only). */
export type TranslationsChange = Record<string, Partial<Record<TranslatedField, string | null>> | null>;

/** Every problem of a `translations` value, each naming its field (`translations.ru.name ...`); empty when valid. */
export function translationProblems(value: unknown, allowNulls: boolean): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return ['translations must be an object keyed by two-letter language code'];
  const entries = Object.entries(value as Record<string, unknown>);
  const problems: string[] = [];
  if (entries.length > MAX_LANGUAGES) problems.push(`translations must have at most ${MAX_LANGUAGES} languages`);
  for (const [language, translation] of entries) {
    const path = `translations.${language}`;
    if (!LANGUAGE.test(language)) {
      problems.push(`${path}: the key must be a two-letter ISO 639-1 code`);
      continue;
    }
    if (language === 'en') {
      problems.push(`${path}: the case's own fields are its English ones`);
      continue;
    }
    if (translation === null && allowNulls) continue;
    if (translation === null || typeof translation !== 'object' || Array.isArray(translation)) {
      problems.push(`${path} must be an object with name, profession, summary or charges`);
      continue;
    }
    for (const [field, text] of Object.entries(translation as Record<string, unknown>)) {
      const rule = FIELD_RULES[field as TranslatedField];
      if (!rule || !Object.hasOwn(FIELD_RULES, field)) {
        problems.push(`${path}.${field} is not a translated field (${TRANSLATED_FIELDS.join(', ')})`);
      } else if (text === null && allowNulls) {
        continue;
      } else if (typeof text !== 'string') {
        problems.push(`${path}.${field} must be a string`);
      } else if (text.trim().length < 1 || text.trim().length > rule.max) {
        problems.push(`${path}.${field} must be between 1 and ${rule.max} characters`);
      } else if (rule.oneLine && CONTROL.test(text)) {
        problems.push(`${path}.${field} must be one line without control characters`);
      }
    }
  }
  return problems;
}

/** The trimmed translations of a new case (already validated). */
export function cleanTranslations(value: TranslationsChange | undefined): CaseTranslations {
  return mergeTranslations({}, value ?? {});
}

/**
 * A PATCH of translations merges into what is stored: a language or field given replaces
 * its value, null clears it, and what is not named stays; `null` for the whole clears all.
 */
export function mergeTranslations(existing: CaseTranslations, change: TranslationsChange | null): CaseTranslations {
  if (change === null) return {};
  const merged: CaseTranslations = Object.fromEntries(Object.entries(existing).map(([language, fields]) => [language, { ...fields }]));
  for (const [language, fields] of Object.entries(change)) {
    if (fields === null) {
      delete merged[language];
      continue;
    }
    const target: CaseTranslation = merged[language] ?? {};
    for (const field of TRANSLATED_FIELDS) {
      if (!Object.hasOwn(fields, field)) continue;
      const text = fields[field];
      if (text === null || text === undefined) delete target[field];
      else target[field] = text.trim();
    }
    if (Object.keys(target).length === 0) delete merged[language];
    else merged[language] = target;
  }
  return merged;
}

/** Validates a `translations` property with translationProblems; `allowNulls` on a PATCH. */
export function IsCaseTranslations(allowNulls: boolean, options?: ValidationOptions): PropertyDecorator {
  return (object: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isCaseTranslations',
      target: object.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => translationProblems(value, allowNulls).length === 0,
        defaultMessage: (args) => translationProblems(args?.value, allowNulls).join('; '),
      },
    });
  };
}

/** The case's fields in a language: its own in English, else its translation; `untranslated` lists what a letter there lacks. */
export function caseFieldsIn(
  record: Pick<Case, TranslatedField> & { translations?: CaseTranslations | null },
  language: string,
): { fields: Record<TranslatedField, string | null>; untranslated: TranslatedField[] } {
  const own: Record<TranslatedField, string | null> = { name: record.name, profession: record.profession, summary: record.summary, charges: record.charges };
  if (language === 'en') return { fields: own, untranslated: [] };
  const translation = record.translations?.[language] ?? {};
  const fields = { ...own };
  const untranslated: TranslatedField[] = [];
  for (const field of TRANSLATED_FIELDS) {
    const text = translation[field];
    if (text !== undefined && text !== '') {
      fields[field] = text;
    } else {
      // A field the case does not have in English needs no translation; one it has is never shown in English in another language.
      if (own[field] !== null && own[field] !== '') untranslated.push(field);
      fields[field] = null;
    }
  }
  return { fields, untranslated };
}
