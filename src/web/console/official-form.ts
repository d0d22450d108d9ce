import type { Catalogue } from '../../common/i18n/messages';
import type { OfficialView } from '../../officials/dto/official.dto';
import { problemText } from './case-form';
import { FieldProblems, FormField, formField, numberOf, textOf, valuesOf } from './console-form';

export const OFFICIAL_TEXT_FIELDS = ['name', 'title', 'salutation', 'organisation', 'country', 'email', 'postalAddress', 'language', 'timezone', 'maxLettersPerHour', 'officeHoursStart', 'officeHoursEnd'] as const;
type TextField = (typeof OFFICIAL_TEXT_FIELDS)[number];
const REQUIRED: readonly TextField[] = ['name', 'title', 'country', 'language'];
export const OFFICIAL_FIELD_NAMES: readonly string[] = [...OFFICIAL_TEXT_FIELDS, 'officeDays'];

/** An official's form as typed, kept to show again. */
export interface OfficialForm {
  fields: Record<TextField, string>;
  officeDays: string[];
}

export function officialFormOf(official?: OfficialView): OfficialForm {
  const fields = Object.fromEntries(OFFICIAL_TEXT_FIELDS.map((name) => [name, ''])) as Record<TextField, string>;
  if (!official) return { fields: { ...fields, language: 'en' }, officeDays: [] };
  for (const name of OFFICIAL_TEXT_FIELDS) {
    const value = official[name];
    fields[name] = value === null ? '' : String(value);
  }
  // Postgres answers a time as 09:00:00; the form shows and takes 09:00.
  fields.officeHoursStart = fields.officeHoursStart.slice(0, 5);
  fields.officeHoursEnd = fields.officeHoursEnd.slice(0, 5);
  return { fields, officeDays: (official.officeDays ?? []).map(String) };
}

export function officialFormFromBody(body: Record<string, unknown>): OfficialForm {
  return { fields: Object.fromEntries(OFFICIAL_TEXT_FIELDS.map((name) => [name, textOf(body, name)])) as Record<TextField, string>, officeDays: valuesOf(body, 'officeDays') };
}

function typedValue(name: TextField, text: string): unknown {
  return name === 'maxLettersPerHour' ? numberOf(text) : text;
}

const days = (form: OfficialForm) => form.officeDays.map((day) => (/^\d$/.test(day) ? Number(day) : day));

/** POST /api/officials's body: empty optional fields left out. */
export function officialCreateBody(form: OfficialForm): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const name of OFFICIAL_TEXT_FIELDS) if (form.fields[name].trim() !== '' || REQUIRED.includes(name)) body[name] = typedValue(name, form.fields[name]);
  if (form.officeDays.length > 0) body.officeDays = days(form);
  return body;
}

/** PATCH /api/officials/:id's body: every field; an empty optional one is null (cleared). */
export function officialUpdateBody(form: OfficialForm): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const name of OFFICIAL_TEXT_FIELDS) body[name] = form.fields[name].trim() === '' && !REQUIRED.includes(name) ? null : typedValue(name, form.fields[name]);
  body.officeDays = form.officeDays.length > 0 ? days(form) : null;
  return body;
}

/** The form's fields, in the order a coordinator fills them. */
export function officialFields(form: OfficialForm, problems: FieldProblems, messages: Catalogue): FormField[] {
  const field = (name: TextField, extra: Partial<Parameters<typeof formField>[0]> = {}) =>
    formField(
      {
        name,
        label: messages.t(`consoleCases.officialFields.${name}.label`),
        hint: messages.has(`consoleCases.officialFields.${name}.hint`) ? messages.t(`consoleCases.officialFields.${name}.hint`) : '',
        value: form.fields[name],
        required: REQUIRED.includes(name),
        problems: (problems[name] ?? []).map((raw) => problemText(messages, name, raw)),
        ...extra,
      },
      messages,
    );
  const weekdays = Array.from({ length: 7 }, (_, index) => ({ value: String(index + 1), label: new Intl.DateTimeFormat(messages.language, { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, 1 + index))) }));
  return [
    field('name'),
    field('title'),
    field('salutation'),
    field('organisation'),
    field('country', { maxlength: 2 }),
    field('email', { kind: 'email', maxlength: 254 }),
    field('postalAddress', { kind: 'textarea', maxlength: 1000 }),
    field('language', { maxlength: 2 }),
    field('timezone', { maxlength: 100 }),
    field('maxLettersPerHour', { kind: 'number', maxlength: 7 }),
    field('officeHoursStart', { kind: 'time', maxlength: 5 }),
    field('officeHoursEnd', { kind: 'time', maxlength: 5 }),
    formField(
      {
        name: 'officeDays',
        label: messages.t('consoleCases.officialFields.officeDays.label'),
        hint: messages.t('consoleCases.officialFields.officeDays.hint'),
        kind: 'checkboxes',
        values: form.officeDays,
        options: weekdays,
        problems: (problems.officeDays ?? []).map((raw) => problemText(messages, 'officeDays', raw)),
      },
      messages,
    ),
  ];
}
