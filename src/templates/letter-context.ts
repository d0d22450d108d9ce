import type { Case } from '../cases/case.entity';
import type { Official } from '../officials/official.entity';
import type { SignatureStyle } from '../supporters/supporter.entity';
import { countryName, LetterContext, signatureOf } from './template-engine';

export interface ContextParts {
  case: Pick<Case, 'name' | 'country' | 'profession' | 'status' | 'summary' | 'charges' | 'detainedOn'>;
  official: Pick<Official, 'name' | 'title' | 'salutation' | 'organisation' | 'language'>;
  /** null in a preview without a supporter. */
  supporter: { name: string; city: string | null; country: string; signatureStyle: SignatureStyle } | null;
  note: string | null;
  appealTitle: string;
  date: Date;
  lettersSent?: number;
  signUrl?: string;
}

const countryNames = new Map<string, string>();

/** Intl lookups cost more than the rest of a letter: each name is looked up once per language. */
function countryNameIn(code: string, language: string): string {
  const key = `${code}|${language}`;
  let name = countryNames.get(key);
  if (name === undefined) {
    name = countryName(code, language);
    countryNames.set(key, name);
  }
  return name;
}

/** What a template sees: never the supporter's email, only how they sign. */
export function letterContext(parts: ContextParts): LetterContext {
  const language = parts.official.language;
  const supporterCountry = parts.supporter ? countryNameIn(parts.supporter.country, language) : '';
  return {
    case: {
      name: parts.case.name,
      country: parts.case.country,
      countryName: countryNameIn(parts.case.country, language),
      profession: parts.case.profession,
      status: parts.case.status,
      summary: parts.case.summary,
      charges: parts.case.charges,
      detainedOn: parts.case.detainedOn ? formatDate(new Date(`${parts.case.detainedOn}T00:00:00Z`), language) : null,
      released: parts.case.status === 'released',
    },
    official: { name: parts.official.name, title: parts.official.title, salutation: parts.official.salutation, organisation: parts.official.organisation },
    supporter: parts.supporter
      ? { signature: signatureOf(parts.supporter.signatureStyle, parts.supporter.name, supporterCountry), city: parts.supporter.signatureStyle === 'anonymous' ? null : parts.supporter.city, country: parts.supporter.country, countryName: supporterCountry }
      : { signature: '[your name]', city: null, country: '', countryName: '' },
    note: parts.note,
    appeal: { title: parts.appealTitle },
    date: formatDate(parts.date, language),
    ...(parts.lettersSent !== undefined ? { lettersSent: parts.lettersSent } : {}),
    ...(parts.signUrl !== undefined ? { signUrl: parts.signUrl } : {}),
  };
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();
const formattedDays = new Map<string, string>();

/** A long date in the reader's language; the same day is formatted once. */
function formatDate(date: Date, language: string): string {
  const key = `${language}|${date.toISOString().slice(0, 10)}`;
  const known = formattedDays.get(key);
  if (known !== undefined) return known;
  if (formattedDays.size > 10_000) formattedDays.clear();
  let format = dateFormats.get(language);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat(language, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
    } catch {
      format = new Intl.DateTimeFormat('en', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
    }
    dateFormats.set(language, format);
  }
  const formatted = format.format(date);
  formattedDays.set(key, formatted);
  return formatted;
}
