import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { CSRF_FIELD } from '../../auth/csrf.service';
import { DomainError } from '../../common/errors';
import { messagesOf } from '../../common/validation-pipe';

/** A problem of a posted form, beside its field (`caseId`, `templateIds`...; `form` when it names none). */
export interface FieldProblem {
  field: string;
  message: string;
}

/** The field a message of the API's validation or of a service names: its leading identifier (`templateIds: no such template ...`). */
export function fieldOf(message: string, fields: readonly string[]): string {
  const name = /^([A-Za-z_][A-Za-z0-9_]*)/.exec(message)?.[1];
  return name && fields.includes(name) ? name : 'form';
}

/**
 * A urlencoded form as the JSON API's body: the same field names, arrays as repeated fields
 * (one value arrives as a string), an empty optional field left out, `_csrf` dropped; then
 * the API's DTO checks it with the API's rules and messages. Never throws for what a client sends.
 */
export async function formAs<T extends object>(dto: new () => T, body: unknown, shape: { arrays?: readonly string[]; optional?: readonly string[] }): Promise<{ input: T | null; problems: FieldProblem[]; values: Record<string, unknown> }> {
  const posted = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const values: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(posted)) {
    if (name === CSRF_FIELD) continue;
    if (shape.arrays?.includes(name)) {
      values[name] = ([] as unknown[]).concat(value).filter((one) => typeof one === 'string' && one !== '');
    } else if (Array.isArray(value)) {
      values[name] = value[value.length - 1];
    } else if (!(shape.optional?.includes(name) && value === '')) {
      values[name] = value;
    }
  }
  for (const name of shape.arrays ?? []) values[name] ??= [];
  const input = plainToInstance(dto, values, { enableImplicitConversion: false });
  const errors = await validate(input, { whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: false });
  const fields = Object.keys(values);
  if (errors.length > 0) return { input: null, problems: messagesOf(errors).map((message) => ({ field: fieldOf(message, [...fields, ...errors.map((error) => error.property)]), message })), values };
  return { input, problems: [], values };
}

/** A service's refusal as problems beside the fields it names; anything else is not the form's to show. */
export function problemsOf(error: unknown, fields: readonly string[]): FieldProblem[] | null {
  if (!(error instanceof DomainError)) return null;
  if (error.code === 'not_found') return null;
  return error.messages.map((message) => ({ field: fieldOf(message, fields), message }));
}

/** The problems of one field, for the view. */
export function problemsFor(problems: readonly FieldProblem[], field: string): string[] {
  return problems.filter((problem) => problem.field === field).map((problem) => problem.message);
}
