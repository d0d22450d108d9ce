import type { Case, CaseGender, CaseRisk, CaseTranslations } from '../cases/case.entity';
import { caseFieldsIn } from '../cases/case-translations';
import { formatDate } from '../common/i18n/dates';
import { catalogueOf } from '../common/i18n/messages';
import type { Official } from '../officials/official.entity';
import type { SignatureStyle } from '../supporters/supporter.entity';
import { countryName, LetterContext, SignerFields, signatureOf } from './template-engine';

export interface ContextParts {
  case: Pick<Case, 'name' | 'country' | 'profession' | 'status' | 'summary' | 'charges' | 'detainedOn'> & {
    gender?: CaseGender | null;
    translations?: CaseTranslations | null;
    /** `high`: the signer's full name and city are never given (see safeSigning). */
    risk?: CaseRisk | null;
  };
  official: Pick<Official, 'name' | 'title' | 'salutation' | 'organisation' | 'language'>;
  /**
   * The letter's language: its template's. It decides the case's fields (their
   * translation), dates, country names and every fixed phrase. Defaults to the official's.
   */
  language?: string;
  /**
   * Member mail only: a case field with no translation in the language is given in English
   * rather than refused. A letter to an official never does this (its launch is refused).
   */
  englishFallback?: boolean;
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

/**
 * How a supporter signs in a language; the anonymous form names their country from the
 * catalogue ("a supporter from Canada", "Сторонник (Канада)").
 */
export function supporterSignature(language: string, style: SignatureStyle, name: string, country: string): string {
  const countryLabel = country === '' || country === 'ZZ' ? '' : countryNameIn(country, language);
  const messages = catalogueOf(language);
  const anonymous = countryLabel === '' ? messages.t('letter.anonymous') : messages.t('letter.anonymousFrom', { country: countryLabel });
  return signatureOf(style, name, anonymous);
}

/**
 * How a signer may sign for a case: for a high-risk case a full name becomes initials, and
 * no city is given (a name and a city in a letter to their own government can put a signer's
 * relatives at risk). The one rule the signing page, the signing API and the letter's
 * context all follow; the context applies it again at rendering, so a case made high-risk
 * later changes every letter rendered from then on, queued ones too.
 */
export function safeSigning(risk: CaseRisk | null | undefined, style: SignatureStyle, city: string | null): { style: SignatureStyle; city: string | null } {
  if (risk === 'high') return { style: style === 'full' ? 'initials' : style, city: null };
  return { style, city: style === 'anonymous' ? null : city };
}

/** The signature styles a signer may choose for a case: never `full` for a high-risk one. */
export function signatureStylesFor(risk: CaseRisk | null | undefined): SignatureStyle[] {
  return risk === 'high' ? ['initials', 'anonymous'] : ['full', 'initials', 'anonymous'];
}

/** The display name of a letter's `From`: "Jane Doe via qalam", in the letter's language. */
export function senderName(language: string, signature: string, orgName: string): string {
  return catalogueOf(language).t('letter.fromName', { signature, org: orgName });
}

/** How the letter's signer appears in it (the same rule for every letter), and their note. */
export function signerFields(parts: Pick<ContextParts, 'case' | 'supporter' | 'note'>, language: string): SignerFields {
  const signing = parts.supporter ? safeSigning(parts.case.risk, parts.supporter.signatureStyle, parts.supporter.city) : null;
  return {
    supporter: parts.supporter && signing
      ? {
          signature: supporterSignature(language, signing.style, parts.supporter.name, parts.supporter.country),
          city: signing.city,
          country: parts.supporter.country,
          countryName: parts.supporter.country !== 'ZZ' ? countryNameIn(parts.supporter.country, language) : '',
        }
      : { signature: catalogueOf(language).t('letter.yourName'), city: null, country: '', countryName: '' },
    note: parts.note,
  };
}

/** What a template sees: never the supporter's email, only how they sign. */
export function letterContext(parts: ContextParts): LetterContext {
  const language = parts.language ?? parts.official.language;
  const signer = signerFields(parts, language);
  const translated = caseFieldsIn(parts.case, language);
  const own = caseFieldsIn(parts.case, 'en').fields;
  const fields = parts.englishFallback ? { name: translated.fields.name ?? own.name, profession: translated.fields.profession ?? own.profession, summary: translated.fields.summary ?? own.summary, charges: translated.fields.charges ?? own.charges } : translated.fields;
  const untranslated = parts.englishFallback ? [] : translated.untranslated;
  return {
    case: {
      name: fields.name ?? '',
      country: parts.case.country,
      countryName: countryNameIn(parts.case.country, language),
      profession: fields.profession,
      status: parts.case.status,
      summary: fields.summary ?? '',
      charges: fields.charges,
      detainedOn: parts.case.detainedOn ? formatDate(new Date(`${parts.case.detainedOn}T00:00:00Z`), language) : null,
      released: parts.case.status === 'released',
      female: parts.case.gender === 'female',
      male: parts.case.gender === 'male',
    },
    official: { name: parts.official.name, title: parts.official.title, salutation: parts.official.salutation, organisation: parts.official.organisation },
    supporter: signer.supporter,
    note: signer.note,
    appeal: { title: parts.appealTitle },
    date: formatDate(parts.date, language),
    ...(parts.lettersSent !== undefined ? { lettersSent: parts.lettersSent } : {}),
    ...(parts.signUrl !== undefined ? { signUrl: parts.signUrl } : {}),
    ...(untranslated.length > 0 ? { untranslated: untranslated.map((field) => `case.${field}`) } : {}),
  };
}

/** Dates are formatted in the base layer (the print layout sets them too); kept here for the template road's callers. */
export { formatDate };
