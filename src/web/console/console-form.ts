import { BadRequestException, HttpStatus, Type } from '@nestjs/common';
import { CSRF_FIELD } from '../../auth/csrf.service';
import { statusOf } from '../../common/error-status';
import { DomainError } from '../../common/errors';
import type { Catalogue } from '../../common/i18n/messages';
import { validationPipe } from '../../common/validation-pipe';

/**
 * The console's forms, one way for every page: a urlencoded body read into the JSON API's
 * body (the same field names, arrays as repeated fields), checked by the API's own
 * validation pipe and DTO, and every problem, the DTO's or a service's, placed beside the
 * field it names, with a summary above the form (views/partials/console-problems.hbs).
 */

/** The problems of a form, by field name (the JSON API's body field, e.g. `country`, `translations`); `''` holds those naming no field of the form. */
export type FieldProblems = Record<string, string[]>;

/** A validation message names its field's path first (`country must be...`, `translations.ru.name: ...`). */
export function pathOf(message: string): string {
  return /^[A-Za-z0-9_.]*[A-Za-z0-9_]/.exec(message)?.[0] ?? '';
}

/** The longest of `fields` that the path is or lies inside (`translations.ru.name`, else `translations`); '' for none. */
export function fieldOf(path: string, fields: readonly string[]): string {
  for (let parts = path.split('.'); parts.length > 0; parts = parts.slice(0, -1)) if (fields.includes(parts.join('.'))) return parts.join('.');
  return '';
}

/** Groups messages by the field they name; a message naming no field of the form goes under `''` (shown above the form). */
export function problemsByField(messages: readonly string[], fields: readonly string[]): FieldProblems {
  const problems: FieldProblems = {};
  for (const message of messages) {
    const key = fieldOf(pathOf(message), fields);
    (problems[key] ??= []).push(message);
  }
  return problems;
}

/** The problems of one field ([] when none), for a view that draws its fields by hand. */
export function problemsFor(problems: FieldProblems, field: string): string[] {
  return problems[field] ?? [];
}

/**
 * Checks a form's body with the API's own validation pipe (the same DTO, the same messages):
 * the DTO instance, or the problems by field. Never throws for what a client sends.
 */
export async function validateForm<T extends object>(metatype: Type<T>, body: Record<string, unknown>, fields: readonly string[]): Promise<{ value: T; problems: null } | { value: null; problems: FieldProblems }> {
  try {
    const value = (await validationPipe().transform(body, { type: 'body', metatype })) as T;
    return { value, problems: null };
  } catch (error) {
    if (!(error instanceof BadRequestException)) throw error;
    const response = error.getResponse() as { message?: unknown };
    const messages = Array.isArray(response.message) ? response.message.map(String) : [String(response.message ?? error.message)];
    return { value: null, problems: problemsByField(messages, fields) };
  }
}

/**
 * A service's refusal of the values, by field: what the API answers 400 (an appeal naming
 * no such template, an official with neither email nor postal address). Anything else (not
 * found, a conflict, a database away) is not the form's to show: null, and the caller rethrows.
 */
export function refusalOf(error: unknown, fields: readonly string[]): FieldProblems | null {
  if (!(error instanceof DomainError) || statusOf(error.code) !== HttpStatus.BAD_REQUEST) return null;
  return problemsByField(error.messages, fields);
}

/**
 * A flat urlencoded form as the JSON API's body: the same field names; each of `arrays` an
 * array (one value arrives as a string, empty ones dropped, none is []); any other field its
 * text (the last, if repeated), left out when it is one of `optional` and empty; `_csrf`
 * dropped. Unknown fields stay, so the DTO refuses them by name as the API does.
 */
export function apiBodyOf(body: unknown, shape: { arrays?: readonly string[]; optional?: readonly string[] } = {}): Record<string, unknown> {
  const posted = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const values: Record<string, unknown> = {};
  for (const name of Object.keys(posted)) {
    if (name === CSRF_FIELD) continue;
    if (shape.arrays?.includes(name)) values[name] = valuesOf(posted, name);
    else if (!(shape.optional?.includes(name) && textOf(posted, name) === '')) values[name] = textOf(posted, name);
  }
  for (const name of shape.arrays ?? []) values[name] ??= [];
  return values;
}

/** One text value of a urlencoded field: the last if repeated, '' if absent. */
export function textOf(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (Array.isArray(value)) return typeof value[value.length - 1] === 'string' ? (value[value.length - 1] as string) : '';
  return typeof value === 'string' ? value : '';
}

/** A repeated field's values (an array of strings), empty ones dropped. */
export function valuesOf(body: Record<string, unknown>, name: string): string[] {
  const value = body[name];
  const all = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return all.filter((one): one is string => typeof one === 'string').map((one) => one.trim()).filter(Boolean);
}

/** A whole number typed in a form as the API wants it; anything else stays text, so the DTO refuses it by name. */
export function numberOf(text: string): number | string {
  return /^\s*\d{1,9}\s*$/.test(text) ? Number(text) : text;
}

export type FieldKind = 'text' | 'email' | 'url' | 'date' | 'time' | 'number' | 'textarea' | 'select' | 'checkboxes' | 'repeated';

/** One field of a console form, as views/partials/console-field.hbs draws it. */
export interface FormField {
  id: string;
  name: string;
  label: string;
  hint: string;
  type: string;
  value: string;
  required: boolean;
  problems: string[];
  describedBy: string;
  autocomplete: string;
  maxlength: number;
  isTextarea: boolean;
  isSelect: boolean;
  isCheckboxes: boolean;
  isRepeated: boolean;
  options: { value: string; label: string; selected: boolean; id: string }[];
  values: { id: string; value: string; label: string }[];
}

export interface FieldSpec {
  name: string;
  /** The field's id on the page; the name when unset. */
  id?: string;
  label: string;
  hint?: string;
  kind?: FieldKind;
  value?: string;
  values?: string[];
  required?: boolean;
  problems?: string[];
  options?: { value: string; label: string }[];
  autocomplete?: string;
  maxlength?: number;
  /** Inputs drawn for a repeated field, at least. */
  minimum?: number;
}

/** A field descriptor with every property set (the views are compiled strict). */
export function formField(spec: FieldSpec, messages: Catalogue): FormField {
  const id = spec.id ?? spec.name.replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '');
  const kind = spec.kind ?? 'text';
  // Two rules of one field may read alike in the catalogue's words: each is said once.
  const problems = [...new Set(spec.problems ?? [])];
  const hint = spec.hint ?? '';
  const describedBy = [hint ? `${id}-hint` : '', problems.length ? `${id}-problem` : ''].filter(Boolean).join(' ');
  const values = spec.values ?? [];
  const selected = new Set(kind === 'checkboxes' ? values : [spec.value ?? '']);
  const repeated = kind === 'repeated' ? [...values, ...Array.from({ length: Math.max(1, (spec.minimum ?? 1) - values.length) }, () => '')] : [];
  return {
    id,
    name: spec.name,
    label: spec.required ? spec.label : messages.t('consoleCases.form.optional', { label: spec.label }),
    hint,
    type: kind === 'number' ? 'text' : kind,
    value: spec.value ?? '',
    required: spec.required ?? false,
    problems,
    describedBy,
    autocomplete: spec.autocomplete ?? 'off',
    maxlength: spec.maxlength ?? 200,
    isTextarea: kind === 'textarea',
    isSelect: kind === 'select',
    isCheckboxes: kind === 'checkboxes',
    isRepeated: kind === 'repeated',
    options: (spec.options ?? []).map((option, index) => ({ ...option, selected: selected.has(option.value), id: `${id}-${index + 1}` })),
    values: repeated.map((value, index) => ({ id: index === 0 ? id : `${id}-${index + 1}`, value, label: messages.t('consoleCases.form.repeatedItem', { label: spec.label, number: index + 1 }) })),
  };
}

/** One entry of the summary above a refused form: its text, linked to its field (`#<id>`) when it has one. */
export interface SummaryProblem {
  href: string;
  text: string;
}

/** The summary above a refused form (views/partials/console-problems.hbs): the problems naming no field first, unlinked, then each field's, linked to it. */
export function problemSummary(fields: readonly { id: string; problems: readonly string[] }[], general: readonly string[]): SummaryProblem[] {
  return [...general.map((text) => ({ href: '', text })), ...fields.flatMap((field) => field.problems.map((text) => ({ href: `#${field.id}`, text })))];
}
