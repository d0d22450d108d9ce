import { isEmail, isISO31661Alpha2 } from 'class-validator';
import type { SignupInput } from '../members/dto/signup.dto';
import { countryLabel, nativeLanguageName } from './view-format';

/**
 * The consent a member gives when joining, word for word as the form shows it. Its version
 * is stored with the member (and the time): change the text, change the version.
 */
export const CONSENT_VERSION = '2025-11-27';
export const CONSENT_TEXT =
  'I agree that this letter-writing group keeps my name, email address, country and city to send me each month’s appeals, ' +
  'and sends letters in my name, signed the way I choose, to the officials named in the appeals I sign. ' +
  'My email address is never shown to an official. I can leave at any time with the link at the end of every email.';

export interface JoinFormProblem {
  field: 'name' | 'email' | 'country' | 'city' | 'language' | 'consent' | 'consentVersion';
  message: string;
}

/** The values to show again in a refused form. */
export type JoinFormValues = Record<'name' | 'email' | 'country' | 'city' | 'language', string> & { consent: boolean };

export const EMPTY_JOIN_FORM: JoinFormValues = { name: '', email: '', country: '', city: '', language: 'en', consent: false };

const CITY_MAX_LENGTH = 120;

let countries: { code: string; name: string }[] | undefined;

/** Every ISO 3166-1 alpha-2 country, by English name. */
export function countryChoices(): { code: string; name: string }[] {
  if (!countries) {
    const codes: string[] = [];
    for (let first = 65; first <= 90; first += 1) {
      for (let second = 65; second <= 90; second += 1) {
        const code = String.fromCharCode(first, second);
        if (isISO31661Alpha2(code)) codes.push(code);
      }
    }
    countries = codes.map((code) => ({ code, name: countryLabel(code) })).sort((a, b) => a.name.localeCompare(b.name, 'en'));
  }
  return countries;
}

/** Reads and checks a posted join form; every problem names its field. Never throws. */
export function parseJoinForm(body: unknown, languages: readonly string[]): { values: JoinFormValues; request: SignupInput | null; problems: JoinFormProblem[] } {
  const fields = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const text = (name: string): string => (typeof fields[name] === 'string' ? (fields[name] as string).trim() : '');
  const values: JoinFormValues = {
    name: text('name'),
    email: text('email').toLowerCase(),
    country: text('country').toUpperCase(),
    city: text('city'),
    language: text('language') || 'en',
    consent: text('consent') === 'yes',
  };
  const problems: JoinFormProblem[] = [];
  const oneLine = (value: string) => !/[\u0000-\u001f\u007f]/.test(value);
  if (values.name === '' || values.name.length > 200 || !oneLine(values.name)) problems.push({ field: 'name', message: 'Enter your name (up to 200 characters).' });
  if (!isEmail(values.email) || values.email.length > 254) problems.push({ field: 'email', message: 'Enter your email address, like name@example.org.' });
  if (!isISO31661Alpha2(values.country)) problems.push({ field: 'country', message: 'Choose the country you live in.' });
  if (values.city.length > CITY_MAX_LENGTH || !oneLine(values.city)) problems.push({ field: 'city', message: `Enter your city in up to ${CITY_MAX_LENGTH} characters, or leave it empty.` });
  if (!languages.includes(values.language)) problems.push({ field: 'language', message: 'Choose the language of your emails.' });
  if (!values.consent) problems.push({ field: 'consent', message: 'Tick the box to agree, or we cannot send letters in your name.' });
  // The version the member read travels with the form: if the text changed since, they must read the new one.
  if (text('consentVersion') !== CONSENT_VERSION) problems.push({ field: 'consentVersion', message: 'The consent text has changed since you opened this page: please read it again.' });

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
export function joinFormView(values: JoinFormValues, problems: JoinFormProblem[], languages: readonly string[]) {
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
    fields: [
      field('name', 'Your name', 'text', 'name', true, 200),
      field('email', 'Email address', 'email', 'email', true, 254),
      field('city', 'City (optional)', 'text', 'address-level2', false, CITY_MAX_LENGTH),
    ],
    country: {
      value: values.country,
      problem: problemOf('country'),
      choices: countryChoices().map((country) => ({ ...country, selected: country.code === values.country })),
    },
    language: { problem: problemOf('language'), choices: languages.map((code) => ({ code, name: nativeLanguageName(code), selected: code === values.language })) },
    consent: { checked: values.consent, problem: problemOf('consent') ?? problemOf('consentVersion'), text: CONSENT_TEXT, version: CONSENT_VERSION },
  };
}
