import { readFileSync } from 'node:fs';
import * as countries from 'i18n-iso-countries';

/*
 * The country line of an international address, in capitals, from i18n-iso-countries
 * (maintained ISO 3166 data, English and French names). The rule: English, the language
 * every post reads, unless the destination's post works in French and not in English
 * (France and the places it serves, the French-speaking posts of Europe, Africa and the
 * Caribbean listed below); then French, the Universal Postal Union's own language.
 */

for (const language of ['en', 'fr']) {
  countries.registerLocale(JSON.parse(readFileSync(require.resolve(`i18n-iso-countries/langs/${language}.json`), 'utf8')));
}

/** Destinations addressed in French: French is their post's language and English is not. */
export const FRENCH_ADDRESSED_COUNTRIES: ReadonlySet<string> = new Set([
  // France, its overseas departments and collectivities, Monaco
  'FR', 'GF', 'GP', 'MQ', 'RE', 'YT', 'PM', 'BL', 'MF', 'NC', 'PF', 'WF', 'MC',
  // Belgium and Luxembourg
  'BE', 'LU',
  // Africa, the Indian Ocean and Haiti
  'BJ', 'BF', 'BI', 'CD', 'CF', 'CG', 'CI', 'DJ', 'GA', 'GN', 'KM', 'MG', 'ML', 'NE', 'SN', 'TD', 'TG', 'DZ', 'MA', 'TN', 'HT',
]);

/** An address as it is printed: its lines, then its country line. */
export interface PostalAddress {
  lines: readonly string[];
  /** ISO 3166 alpha-2. */
  country: string;
}

/** What a print run knows of an official (the letter's addressee). */
export interface OfficialAddressee {
  name: string;
  title: string;
  organisation?: string | null;
  /** The address lines exactly as printed, newline-separated, without the country. */
  postalAddress: string;
  /** ISO 3166 alpha-2. */
  country: string;
}

/** Whether `code` is an ISO 3166 alpha-2 code the country data names. */
export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && countries.getName(code, 'en') !== undefined;
}

/** Why an address cannot be printed, or null when it can. Names no part of the address. */
export function addressProblem(address: PostalAddress): string | null {
  if (address.lines.length === 0) return 'the address has no lines';
  if (!isCountryCode(address.country)) return `the country '${address.country}' is not an ISO 3166 alpha-2 code`;
  return null;
}

/** The lines of a newline-separated address as recorded, blank lines and trailing spaces dropped. */
export function addressLines(text: string | null | undefined): string[] {
  return (text ?? '')
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '');
}

/**
 * The address block of a letter to an official: name, title, organisation (when recorded),
 * then the postal lines. With no postal address there is no line after the organisation, and
 * `postalLines` is empty: the caller refuses it.
 */
export function officialAddress(official: OfficialAddressee): PostalAddress & { postalLines: string[] } {
  const postalLines = addressLines(official.postalAddress);
  const lines = [official.name, official.title, official.organisation ?? '', ...postalLines].map((line) => line.trim()).filter((line) => line !== '');
  return { lines, postalLines, country: official.country.trim().toUpperCase() };
}

/** The language of a destination's country line: 'fr' or 'en' (the rule above). */
export function countryLineLanguage(country: string): 'en' | 'fr' {
  return FRENCH_ADDRESSED_COUNTRIES.has(country.toUpperCase()) ? 'fr' : 'en';
}

/** The country line: "TAJIKISTAN", "RUSSIAN FEDERATION", "SÉNÉGAL". Throws on an unknown code. */
export function countryLine(country: string): string {
  const code = country.trim().toUpperCase();
  const language = countryLineLanguage(code);
  const name = countries.getName(code, language);
  if (!name) throw new Error(`the country '${country}' is not an ISO 3166 alpha-2 code`);
  return name.toLocaleUpperCase(language);
}

/** The air-mail mark of every international item, in the UPU's French and in English. */
export const AIR_MAIL_MARK = 'PAR AVION / BY AIR MAIL';
