import type { Request } from 'express';
import { bestLanguage, catalogueLanguages } from '../common/i18n/messages';
import { nativeLanguageName } from './view-format';

/**
 * The language of a page for a visitor we do not know: `?lang=` when it names a catalogue,
 * else the best match of the browser's Accept-Language, else English.
 */
export function visitorLanguage(request: Pick<Request, 'headers' | 'query'>): string {
  const languages = catalogueLanguages();
  const asked = request.query?.lang;
  if (typeof asked === 'string' && languages.includes(asked)) return asked;
  const header = request.headers['accept-language'];
  return bestLanguage(typeof header === 'string' ? header : undefined, languages);
}

/** Links to `path` in every other catalogue language, each named in its own language. */
export function languageLinks(path: string, current: string): { href: string; label: string; language: string }[] {
  return catalogueLanguages()
    .filter((language) => language !== current)
    .map((language) => ({ href: `${path}?lang=${language}`, label: nativeLanguageName(language), language }));
}
