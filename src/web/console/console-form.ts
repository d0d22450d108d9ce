import { BadRequestException, Type } from '@nestjs/common';
import type { Catalogue } from '../../common/i18n/messages';
import { validationPipe } from '../../common/validation-pipe';

/** The problems of a form, by field name (the JSON API's body field, e.g. `country`, `translations`). */
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

/**
 * Checks a form's body with the API's own validation pipe (the same DTO, the same messages):
 * the DTO instance, or the problems by field.
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

/** The summary above a refused form: each problem, linked to its field. */
export function problemSummary(fields: FormField[], general: string[]): { href: string; text: string }[] {
  return [...general.map((text) => ({ href: '', text })), ...fields.flatMap((field) => field.problems.map((text) => ({ href: `#${field.id}`, text })))];
}
