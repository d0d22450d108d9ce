import { HttpStatus } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { Request, Response } from 'express';
import type { StaffCaller } from '../../auth/staff-sessions.service';
import { catalogueOf } from '../../common/i18n/messages';
import { pageHeaders } from '../page-response';
import type { ViewsService } from '../views.service';
import { consoleLayout } from './console-layout';

/** Answers 303 to `location`, uncached. */
export function seeOther(response: Response, location: string): string {
  response.status(HttpStatus.SEE_OTHER).setHeader('Location', location);
  response.setHeader('Cache-Control', 'no-store');
  return '';
}

/** A console page: its words from consoleMembers.<titleKey>, the navigation marking `section`. */
export function renderConsole(
  views: ViewsService,
  response: Response,
  staff: StaffCaller,
  csrf: string,
  page: { view: string; titleKey: string; section: string; status?: number; startedAt?: number; model: object },
): string {
  pageHeaders(response, page.status ?? HttpStatus.OK, page.startedAt);
  const title = catalogueOf(staff.language).t(page.titleKey);
  return views.render(page.view, { ...page.model, csrf }, consoleLayout(title, page.section, staff, csrf));
}

/** A form's value as one line of text (a repeated field or none: ''). */
export function fieldOf(body: Record<string, unknown>, name: string, max = 500): string {
  const value = body[name];
  return typeof value === 'string' ? value.slice(0, max) : '';
}

/** A form's repeated field as its values. */
export function fieldsOf(body: Record<string, unknown>, name: string, max = 100): string[] {
  const value = body[name];
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.filter((one): one is string => typeof one === 'string' && one !== '').slice(0, max);
}

/** Validates a form as the API's DTO; the problems by field, in the page's language. */
export async function formProblems<T extends object>(dto: new () => T, input: object, language: string): Promise<{ value: T; problems: Record<string, string> }> {
  const value = plainToInstance(dto, input);
  const errors = await validate(value, { whitelist: true, forbidNonWhitelisted: false });
  const messages = catalogueOf(language);
  const problems: Record<string, string> = {};
  for (const error of errors) {
    const key = `consoleMembers.fieldProblem.${error.property}`;
    problems[error.property] = messages.has(key) ? messages.t(key) : messages.t('consoleMembers.fieldProblem.other');
  }
  return { value, problems };
}

export type ConsoleRequest = Request & { caller: StaffCaller };

/** A page number from a query string: a whole number from 1 to 1,000,000, else `fallback`. */
export function whole(value: unknown, fallback: number): number {
  const number = typeof value === 'string' && /^\d{1,7}$/.test(value) ? Number(value) : NaN;
  return number >= 1 && number <= 1_000_000 ? number : fallback;
}

/** The first of a query value, as text ('' when absent or not text). */
export function queryText(value: unknown, max = 200): string {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first.trim().slice(0, max) : '';
}
