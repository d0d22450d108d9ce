import { Transform } from 'class-transformer';
import { Matches } from 'class-validator';

export const Trim = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));
export const UpperCase = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value));
export const LowerCase = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value));
/**
 * Line breaks as LF: a browser posts a textarea's as CRLF (HTML's rule), API clients mostly LF;
 * stored one way, a text saved again unchanged is the same text (a template makes no new version).
 */
export const LfLineBreaks = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.replace(/\r\n?/g, '\n') : value));
/** One line of text: no CR, LF or other control characters (these values reach mail headers). */
export const OneLine = () => Matches(/^[^\u0000-\u001f\u007f]*$/, { message: '$property must be one line without control characters' });
export const LanguageCode = () => Matches(/^[a-z]{2}$/, { message: '$property must be a two-letter ISO 639-1 code' });
