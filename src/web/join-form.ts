import { isEmail, isISO31661Alpha2 } from 'class-validator';
import { escapeExpression } from 'handlebars';
import type { SignupInput } from '../members/dto/signup.dto';
import { Catalogue, catalogueOf } from '../common/i18n/messages';
import { countryLabel, nativeLanguageName } from './view-format';

/**
 * The consent a member gives when joining, word for word as the form shows it (`join.consentText`
 * in each catalogue, the same promise in every language). Its version is stored with the
 * member (and the time): change the text, change the version.
 */
export const CONSENT_VERSION = '2025-11-27';

export interface JoinFormProblem {
  field: 'name' | 'email' | 'country' | 'city' | 'language' | 'consent' | 'consentVersion';
  message: string;
}

/** The values to show again in a refused form. */
export type JoinFormValues = Record<'name' | 'email' | 'country' | 'city' | 'language', string> & { consent: boolean };

export const EMPTY_JOIN_FORM: JoinFormValues = { name: '', email: '', country: '', city: '', language: 'en', consent: false };

/** An empty form whose language of emails is the page's. */
export function emptyJoinForm(language: string): JoinFormValues {
  return { ...EMPTY_JOIN_FORM, language };
}

const CITY_MAX_LENGTH = 120;

const countries = new Map<string, { code: string; name: string }[]>();

/** Every ISO 3166-1 alpha-2 country, by its name in `language`. */
export function countryChoices(language = 'en'): { code: string; name: string }[] {
  let choices = countries.get(language);
  if (!choices) {
    const codes: string[] = [];
    for (let first = 65; first <= 90; first += 1) {
      for (let second = 65; second <= 90; second += 1) {
        const code = String.fromCharCode(first, second);
        if (isISO31661Alpha2(code)) codes.push(code);
      }
    }
    choices = codes.map((code) => ({ code, name: countryLabel(code, language) })).sort((a, b) => a.name.localeCompare(b.name, language));
    countries.set(language, choices);
  }
  return choices;
}

const countryOptions = new Map<string, { codes: string[]; html: string[]; unselected: string }>();

/**
 * The join form's country `<option>`s in a language, as HTML escaped once at first use: the
 * page lists every ISO country, and building and rendering those 249 options each request
 * was most of the page's cost. The chosen country (a form sent back with problems) is marked
 * `selected`.
 */
export function countryOptionsHtml(language: string, selected: string | undefined): string {
  let options = countryOptions.get(language);
  if (!options) {
    const choices = countryChoices(language);
    const html = choices.map(({ code, name }) => `<option value="${code}">${escapeExpression(name)}</option>`);
    options = { codes: choices.map(({ code }) => code), html, unselected: html.join('\n') };
    countryOptions.set(language, options);
  }
  const index = selected ? options.codes.indexOf(selected) : -1;
  if (index < 0) return options.unselected;
  const html = [...options.html];
  html[index] = html[index].replace('">', '" selected>');
  return html.join('\n');
}

/** Reads and checks a posted join form; every problem names its field. Never throws. */
export function parseJoinForm(body: unknown, languages: readonly string[], messages: Catalogue = catalogueOf('en')): { values: JoinFormValues; request: SignupInput | null; problems: JoinFormProblem[] } {
  const fields = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const text = (name: string): string => (typeof fields[name] === 'string' ? (fields[name] as string).trim() : '');
  const values: JoinFormValues = {
    name: text('name'),
    email: text('email').toLowerCase(),
    country: text('country').toUpperCase(),
    city: text('city'),
    language: text('language') || messages.language,
    consent: text('consent') === 'yes',
  };
  const problems: JoinFormProblem[] = [];
  const oneLine = (value: string) => !/[\u0000-\u001f\u007f]/.test(value);
  if (values.name === '' || values.name.length > 200 || !oneLine(values.name)) problems.push({ field: 'name', message: messages.t('joinForm.name') });
  if (!isEmail(values.email) || values.email.length > 254) problems.push({ field: 'email', message: messages.t('joinForm.email') });
  if (!isISO31661Alpha2(values.country)) problems.push({ field: 'country', message: messages.t('joinForm.country') });
  if (values.city.length > CITY_MAX_LENGTH || !oneLine(values.city)) problems.push({ field: 'city', message: messages.t('joinForm.city', { max: CITY_MAX_LENGTH }) });
  if (!languages.includes(values.language)) problems.push({ field: 'language', message: messages.t('joinForm.language') });
  if (!values.consent) problems.push({ field: 'consent', message: messages.t('joinForm.consent') });
  // The version the member read travels with the form: if the text changed since, they must read the new one.
  if (text('consentVersion') !== CONSENT_VERSION) problems.push({ field: 'consentVersion', message: messages.t('joinForm.consentVersion') });

  const request: SignupInput | null =
    problems.length === 0
      ? {
          name: values.name,
          email: values.email,
          country: values.country,
          ...(values.city === '' ? {} : { city: values.city }),
          language: values.language,
          consent: true,
          consentVersion: CONSENT_VERSION,
        }
      : null;
  return { values, request, problems };
}

/** The view model of the join form. */
export function joinFormView(values: JoinFormValues, problems: JoinFormProblem[], languages: readonly string[], messages: Catalogue = catalogueOf('en')) {
  const problemOf = (field: JoinFormProblem['field']) => problems.find((problem) => problem.field === field)?.message ?? null;
  const field = (name: 'name' | 'email' | 'city', label: string, type: string, autocomplete: string, required: boolean, maxLength: number) => ({
    name,
    maxLength,
    id: `join-${name}`,
    label,
    type,
    autocomplete,
    required,
    value: values[name],
    problem: problemOf(name),
    problemId: `join-${name}-problem`,
  });
  return {
    problems: problems.map((problem) => ({ message: problem.message, href: problem.field === 'consentVersion' ? '#join-consent' : `#join-${problem.field}` })),
    action: messages.language === 'en' ? '/join' : `/join?lang=${messages.language}`,
    fields: [
      field('name', messages.t('join.name'), 'text', 'name', true, 200),
      field('email', messages.t('join.email'), 'email', 'email', true, 254),
      field('city', messages.t('join.city'), 'text', 'address-level2', false, CITY_MAX_LENGTH),
    ],
    country: {
      value: values.country,
      problem: problemOf('country'),
      options: countryOptionsHtml(messages.language, values.country),
    },
    language: { problem: problemOf('language'), choices: languages.map((code) => ({ code, name: nativeLanguageName(code), selected: code === values.language })) },
    consent: { checked: values.consent, problem: problemOf('consent') ?? problemOf('consentVersion'), text: messages.t('join.consentText'), version: CONSENT_VERSION },
  };
}
