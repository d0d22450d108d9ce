import type { CaseStatus } from '../cases/case.entity';
import type { LetterStatus } from '../delivery/letter.entity';
import type { SignatureStyle } from '../supporters/supporter.entity';
import { countryName } from '../templates/template-engine';

/*
 * Words and formats of the pages. The pages speak English for now; letters are shown in
 * their own languages, marked with `lang` so that screen readers switch voice.
 */

const dayFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const monthFormat = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const languageNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });

/** "2024-11-01" -> "1 November 2024". */
export function dayLabel(isoDate: string): string {
  const date = new Date(`${isoDate.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? isoDate : dayFormat.format(date);
}

/** A moment as the day it fell on (UTC), e.g. "27 November 2025". */
export function dayOf(moment: Date | string): string {
  const date = new Date(moment);
  return Number.isNaN(date.getTime()) ? '' : dayFormat.format(date);
}

/** "2025-11" -> "November 2025". */
export function monthLabel(month: string): string {
  const date = new Date(`${month}-01T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? month : monthFormat.format(date);
}

/** "ru" -> "Russian". */
export function languageName(code: string): string {
  try {
    return languageNames.of(code) ?? code;
  } catch {
    return code;
  }
}

/** "ru" -> "русский": how a language calls itself, for choosing one. */
export function nativeLanguageName(code: string): string {
  try {
    const name = new Intl.DisplayNames([code], { type: 'language', fallback: 'code' }).of(code) ?? code;
    return name.charAt(0).toLocaleUpperCase(code) + name.slice(1);
  } catch {
    return code;
  }
}

export function countryLabel(code: string): string {
  return countryName(code, 'en');
}

export const CASE_STATUS_LABELS: Record<CaseStatus, string> = {
  detained: 'Detained',
  'on-trial': 'On trial',
  sentenced: 'Sentenced',
  'at-risk': 'At risk',
  released: 'Released',
  deceased: 'Deceased',
};

/** What a letter's status means to the member who signed it. */
export const LETTER_STATUS_LABELS: Record<LetterStatus, string> = {
  queued: 'Waiting to be sent',
  sending: 'Being sent',
  sent: 'Delivered',
  failed: 'Could not be delivered',
  unknown: 'Sent, delivery not confirmed',
  cancelled: 'Not sent: the appeal ended',
  bounced: 'Returned by the recipient’s mail server',
};

export const SIGNATURE_STYLE_LABELS: Record<SignatureStyle, string> = {
  full: 'Full name',
  initials: 'Initials only',
  anonymous: 'Anonymously',
};

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
