import type { CaseStatus } from '../cases/case.entity';
import type { LetterStatus } from '../letters/letter.entity';
import type { SignatureStyle } from '../supporters/supporter.entity';
import { catalogueOf } from '../common/i18n/messages';
import { countryName } from '../templates/template-engine';

/*
 * Formats and labels of the pages, in the page's language (the member's, or the visitor's
 * best match); words come from the message catalogues in locales/. Letters are shown in
 * their own languages, marked with `lang` so that screen readers switch voice.
 */

const formats = new Map<string, Intl.DateTimeFormat>();
const languageNames = new Map<string, Intl.DisplayNames>();

function formatOf(language: string, kind: 'day' | 'month'): Intl.DateTimeFormat {
  const key = `${language}|${kind}`;
  let format = formats.get(key);
  if (!format) {
    // British English writes "1 November 2024", as the pages always have.
    const locale = language === 'en' ? 'en-GB' : language;
    const options: Intl.DateTimeFormatOptions = kind === 'day' ? { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' } : { month: 'long', year: 'numeric', timeZone: 'UTC' };
    try {
      format = new Intl.DateTimeFormat(locale, options);
    } catch {
      format = new Intl.DateTimeFormat('en-GB', options);
    }
    formats.set(key, format);
  }
  return format;
}

/** "2024-11-01" -> "1 November 2024" ("1 ноября 2024 г."). */
export function dayLabel(isoDate: string, language = 'en'): string {
  const date = new Date(`${isoDate.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? isoDate : formatOf(language, 'day').format(date);
}

/** A moment as the day it fell on (UTC), e.g. "27 November 2025". */
export function dayOf(moment: Date | string, language = 'en'): string {
  const date = new Date(moment);
  return Number.isNaN(date.getTime()) ? '' : formatOf(language, 'day').format(date);
}

/** "2025-11" -> "November 2025" ("ноябрь 2025 г."). */
export function monthLabel(month: string, language = 'en'): string {
  return remembered(monthLabels, `${month}|${language}`, () => formatMonth(month, language));
}

const monthLabels = new Map<string, string>();

/**
 * A label looked up once per key: Intl formatters and display names cost more than the rest
 * of a page's words. Keys come from our own records (months, language codes), a bounded set,
 * and the map is bounded too.
 */
function remembered(labels: Map<string, string>, key: string, look: () => string): string {
  let label = labels.get(key);
  if (label === undefined) {
    label = look();
    if (labels.size > 10_000) labels.clear();
    labels.set(key, label);
  }
  return label;
}

function formatMonth(month: string, language: string): string {
  const date = new Date(`${month}-01T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return month;
  // Russian wants the month's own (nominative) name here: "ноябрь 2025 г.", not "ноября".
  const label = formatOf(language, 'month').format(date);
  return label.charAt(0).toLocaleUpperCase(language) + label.slice(1);
}

/** Each language's name in each page language, looked up once: a page names the letters' languages again and again. */
const languageNamesIn = new Map<string, string>();

/** "ru" -> "Russian" (in `language`: "русский"). */
export function languageName(code: string, language = 'en'): string {
  return remembered(languageNamesIn, `${code}|${language}`, () => lookUpLanguageName(code, language));
}

function lookUpLanguageName(code: string, language: string): string {
  try {
    let names = languageNames.get(language);
    if (!names) {
      names = new Intl.DisplayNames([language], { type: 'language', fallback: 'code' });
      languageNames.set(language, names);
    }
    return names.of(code) ?? code;
  } catch {
    return code;
  }
}

/** Built once per language: an Intl.DisplayNames costs more than the rest of a page's view. */
const nativeNames = new Map<string, string>();

/** "ru" -> "Русский": how a language calls itself, for choosing one. */
export function nativeLanguageName(code: string): string {
  let name = nativeNames.get(code);
  if (name === undefined) {
    try {
      const native = new Intl.DisplayNames([code], { type: 'language', fallback: 'code' }).of(code) ?? code;
      name = native.charAt(0).toLocaleUpperCase(code) + native.slice(1);
    } catch {
      name = code;
    }
    nativeNames.set(code, name);
  }
  return name;
}

export function countryLabel(code: string, language = 'en'): string {
  return countryName(code, language);
}

/** A case's status as a member reads it. */
export function caseStatusLabel(status: CaseStatus, language: string): string {
  return catalogueOf(language).t(`caseStatus.${status}`);
}

/** What a letter's status means to the member who signed it. */
export function letterStatusLabel(status: LetterStatus, language: string): string {
  return catalogueOf(language).t(`letterStatus.${status}`);
}

export function signatureStyleLabel(style: SignatureStyle, language: string): string {
  return catalogueOf(language).t(`signatureStyle.${style}`);
}

/** Text with blank lines between paragraphs, as paragraphs. */
export function paragraphs(text: string | null): string[] {
  if (!text) return [];
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== '');
}

/** Only http(s) addresses become links: a `javascript:` source must never be clickable. */
export function webLink(url: string | null): { href: string; host: string } | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
    return { href: parsed.href, host: parsed.hostname.replace(/^www\./, '') };
  } catch {
    return null;
  }
}
