import { CASE_GENDERS, CASE_RISKS, CASE_STATUSES, CaseStatus, TRANSLATED_FIELDS } from '../../cases/case.entity';
import { CaseWithEventsView, MESSAGE_ADDRESS_MAX_LENGTH } from '../../cases/dto/case.dto';
import type { Catalogue } from '../../common/i18n/messages';
import { FieldProblems, FormField, formField, textOf, valuesOf } from './console-form';

/** The outcome statuses: set only through the outcome confirmation, never by the edit form. */
export const OUTCOME_STATUSES: readonly CaseStatus[] = ['released', 'deceased'];

const TEXT_FIELDS = ['name', 'country', 'profession', 'status', 'summary', 'detainedOn', 'charges', 'gender', 'risk', 'messageAddress', 'messageCountry'] as const;
/** Optional fields an empty box clears (null in PATCH). */
const CLEARABLE: readonly TextField[] = ['profession', 'detainedOn', 'charges', 'gender', 'messageAddress', 'messageCountry'];
type TextField = (typeof TEXT_FIELDS)[number];
type Translated = (typeof TRANSLATED_FIELDS)[number];

/** A case form as typed: every value a string (tags and translations per language), kept to show again. */
export interface CaseForm {
  fields: Record<TextField, string>;
  tags: string[];
  /** The one checkbox: members may write messages of solidarity. */
  acceptsMessages: boolean;
  /** Per language, the translated fields; `other` is the block whose language is typed in `otherLanguage`. */
  translations: Record<string, Record<Translated, string>>;
  otherLanguage: string;
}

const emptyTranslation = (): Record<Translated, string> => ({ name: '', profession: '', summary: '', charges: '' });

/** The form of a new case, or of a case's edit (its stored values). */
export function caseFormOf(record?: CaseWithEventsView): CaseForm {
  const fields = Object.fromEntries(TEXT_FIELDS.map((name) => [name, ''])) as Record<TextField, string>;
  const translations: CaseForm['translations'] = { ru: emptyTranslation() };
  if (record) {
    Object.assign(fields, { name: record.name, country: record.country, profession: record.profession ?? '', status: record.status, summary: record.summary, detainedOn: record.detainedOn ?? '', charges: record.charges ?? '', gender: record.gender ?? '', risk: record.risk });
    // Staff's view of the case: the stored country only when it differs from the case's (empty: the case's country).
    Object.assign(fields, { messageAddress: record.messageAddress ?? '', messageCountry: record.messageCountry && record.messageCountry !== record.country ? record.messageCountry : '' });
    for (const [language, translation] of Object.entries(record.translations)) translations[language] = { ...emptyTranslation(), ...translation };
  }
  return { fields, tags: record?.tags ?? [], acceptsMessages: record?.acceptsMessages ?? false, translations, otherLanguage: '' };
}

/** The form as posted: `translations[ru][name]`, and `translations[other][...]` with its language in `translationLanguage`. */
export function caseFormFromBody(body: Record<string, unknown>, languages: readonly string[]): CaseForm {
  const fields = Object.fromEntries(TEXT_FIELDS.map((name) => [name, textOf(body, name)])) as Record<TextField, string>;
  const translations: CaseForm['translations'] = {};
  for (const language of [...new Set(['ru', ...languages, 'other'])]) {
    translations[language] = Object.fromEntries(TRANSLATED_FIELDS.map((field) => [field, textOf(body, `translations[${language}][${field}]`)])) as Record<Translated, string>;
  }
  return { fields, tags: valuesOf(body, 'tags'), acceptsMessages: valuesOf(body, 'acceptsMessages').includes('true'), translations, otherLanguage: textOf(body, 'translationLanguage').trim().toLowerCase() };
}

/** The language of the "another language" block (what was typed, or `other` while none is). */
function otherKey(form: CaseForm): string {
  return form.otherLanguage || 'other';
}

/** The body of POST /api/cases: empty optional fields left out. */
export function createBodyOf(form: CaseForm): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const name of TEXT_FIELDS) if (form.fields[name] !== '' || ['name', 'country', 'status', 'summary'].includes(name)) body[name] = form.fields[name];
  if (form.tags.length > 0) body.tags = form.tags;
  if (form.acceptsMessages) body.acceptsMessages = true;
  const translations: Record<string, Record<string, string>> = {};
  for (const [language, translation] of Object.entries(form.translations)) {
    const given = Object.fromEntries(Object.entries(translation).filter(([, text]) => text.trim() !== ''));
    if (Object.keys(given).length > 0) translations[language === 'other' ? otherKey(form) : language] = given;
  }
  if (Object.keys(translations).length > 0) body.translations = translations;
  return body;
}

/** The body of PATCH /api/cases/:id: every field of the form; an empty optional one is null (cleared). */
export function updateBodyOf(form: CaseForm): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const name of TEXT_FIELDS) body[name] = form.fields[name] === '' && CLEARABLE.includes(name) ? null : form.fields[name];
  // A form without the risk select (an older page) leaves the risk as it is.
  if (form.fields.risk === '') delete body.risk;
  body.tags = form.tags;
  body.acceptsMessages = form.acceptsMessages;
  const translations: Record<string, Record<string, string | null> | null> = {};
  for (const [language, translation] of Object.entries(form.translations)) {
    const given = Object.entries(translation).filter(([, text]) => text.trim() !== '');
    if (language === 'other') {
      if (given.length > 0) translations[otherKey(form)] = Object.fromEntries(given);
    } else translations[language] = given.length === 0 ? null : Object.fromEntries(Object.entries(translation).map(([field, text]) => [field, text.trim() === '' ? null : text]));
  }
  body.translations = translations;
  return body;
}

/** The field names problems are placed by (the DTO's, and each translated field of each language block). */
export function caseFieldNames(form: CaseForm): string[] {
  const names: string[] = [...TEXT_FIELDS, 'tags', 'acceptsMessages', 'translations'];
  for (const language of Object.keys(form.translations)) for (const field of TRANSLATED_FIELDS) names.push(`translations.${language === 'other' ? otherKey(form) : language}.${field}`);
  if (form.otherLanguage) names.push(`translations.${form.otherLanguage}`);
  return names;
}

/** A DTO's problem (it names its field first) in the catalogue's words for the field; a page's own message, or a field without words, as it is. */
export function problemText(messages: Catalogue, field: string, raw: string): string {
  const key = `consoleCases.problems.${field.split('.').pop()}`;
  return raw.startsWith(field) && messages.has(key) ? messages.t(key) : raw;
}

function problemsOf(problems: FieldProblems, messages: Catalogue, field: string): string[] {
  return (problems[field] ?? []).map((raw) => problemText(messages, field, raw));
}

/** The case form's fields and fieldsets, for views/partials/case-fields.hbs. */
export function caseFields(form: CaseForm, problems: FieldProblems, messages: Catalogue, editing: boolean) {
  const label = (name: string) => messages.t(`consoleCases.fields.${name}.label`);
  const hint = (name: string) => (messages.has(`consoleCases.fields.${name}.hint`) ? messages.t(`consoleCases.fields.${name}.hint`) : '');
  const text = (name: TextField, extra: Partial<Parameters<typeof formField>[0]> = {}): FormField =>
    formField({ name, label: label(name), hint: hint(name), value: form.fields[name], problems: problemsOf(problems, messages, name), ...extra }, messages);
  const current = form.fields.status as CaseStatus;
  // An outcome closes appeals and thanks writers: it has its own confirmation, not this select.
  const statuses = CASE_STATUSES.filter((status) => !OUTCOME_STATUSES.includes(status) || (editing && status === current));
  const main: FormField[] = [
    text('name', { required: true }),
    text('country', { required: true, maxlength: 2, autocomplete: 'off' }),
    text('status', {
      required: true,
      kind: 'select',
      options: [...(editing ? [] : [{ value: '', label: messages.t('consoleCases.fields.status.choose') }]), ...statuses.map((status) => ({ value: status, label: messages.t(`caseStatus.${status}`) }))],
    }),
    text('profession'),
    text('summary', { required: true, kind: 'textarea', maxlength: 10_000 }),
    text('detainedOn', { kind: 'date', maxlength: 10 }),
    text('charges', { kind: 'textarea', maxlength: 2000 }),
    formField({ name: 'tags', label: label('tags'), hint: hint('tags'), kind: 'repeated', values: form.tags, minimum: 3, maxlength: 50, problems: problemsOf(problems, messages, 'tags') }, messages),
    text('gender', { kind: 'select', options: [{ value: '', label: messages.t('consoleCases.fields.gender.none') }, ...CASE_GENDERS.map((gender) => ({ value: gender, label: messages.t(`consoleCases.fields.gender.${gender}`) }))] }),
    text('risk', { required: true, kind: 'select', options: CASE_RISKS.map((risk) => ({ value: risk, label: messages.t(`consoleCases.fields.risk.${risk}`) })) }),
  ];
  // Messages of solidarity: whether members may write, and where the cards go (staff only ever see it).
  const messaging: FormField[] = [
    formField(
      { name: 'acceptsMessages', label: label('acceptsMessages'), hint: hint('acceptsMessages'), kind: 'checkboxes', values: form.acceptsMessages ? ['true'] : [], options: [{ value: 'true', label: messages.t('consoleCases.fields.acceptsMessages.option') }], problems: problemsOf(problems, messages, 'acceptsMessages'), required: true },
      // (required: a checkbox is a choice either way, so its legend is not marked optional)
      messages,
    ),
    text('messageAddress', { kind: 'textarea', maxlength: MESSAGE_ADDRESS_MAX_LENGTH }),
    text('messageCountry', { maxlength: 2, autocomplete: 'off' }),
  ];
  const translationBlock = (language: string) => {
    const key = language === 'other' ? otherKey(form) : language;
    const fields = TRANSLATED_FIELDS.map((field) =>
      formField(
        {
          name: `translations[${language}][${field}]`,
          id: `translations-${language}-${field}`,
          label: label(field),
          kind: field === 'summary' || field === 'charges' ? 'textarea' : 'text',
          maxlength: field === 'summary' ? 10_000 : field === 'charges' ? 2000 : 200,
          value: form.translations[language]?.[field] ?? '',
          problems: problemsOf(problems, messages, `translations.${key}.${field}`),
        },
        messages,
      ),
    );
    const languageField =
      language === 'other'
        ? formField({ name: 'translationLanguage', id: 'translations-other-language', label: label('translationLanguage'), hint: hint('translationLanguage'), value: form.otherLanguage, maxlength: 2, problems: problemsOf(problems, messages, `translations.${key}`) }, messages)
        : null;
    const legend = language === 'other' ? messages.t('consoleCases.fields.translationOther') : messages.t('consoleCases.fields.translationIn', { language: languageName(language, messages.language) });
    return { id: `translations-${language}`, legend, languageField: languageField ? [languageField] : [], fields };
  };
  const languages = Object.keys(form.translations).filter((language) => language !== 'other');
  const translations = [...languages.map(translationBlock), translationBlock('other')];
  const general = problemsOf(problems, messages, 'translations');
  return { editing, main, messaging, translations, translationProblems: general, all: [...main, ...messaging, ...translations.flatMap((block) => [...block.languageField, ...block.fields])] };
}

/** A language's name in the page's language (Intl), the code when Intl knows none. */
export function languageName(code: string, pageLanguage: string): string {
  try {
    return new Intl.DisplayNames([pageLanguage], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** A country's name in the page's language, the code when Intl knows none. */
export function countryName(code: string, pageLanguage: string): string {
  try {
    return new Intl.DisplayNames([pageLanguage], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}
