import { Transform } from 'class-transformer';
import { Matches, ValidateBy } from 'class-validator';

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
/** At most `max` lines (LF-separated, as LfLineBreaks leaves them). */
export const MaxLines = (max: number) =>
  ValidateBy({
    name: 'maxLines',
    constraints: [max],
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || value.split('\n').length <= max,
      defaultMessage: () => `$property must have at most ${max} lines`,
    },
  });
/** No line longer than `max` characters. */
export const MaxLineLength = (max: number) =>
  ValidateBy({
    name: 'maxLineLength',
    constraints: [max],
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || value.split('\n').every((line) => [...line].length <= max),
      defaultMessage: () => `$property must have no line longer than ${max} characters`,
    },
  });
/** Text on several lines: no control characters but the line break (and tab). */
export const NoControlCharacters = () => Matches(/^[^\u0000-\u0008\u000b-\u001f\u007f]*$/, { message: '$property must not contain control characters' });
/**
 * Lines as printed on an envelope: CRLF as LF, each line's trailing spaces and the blank
 * lines dropped, the whole trimmed (an empty text stays '', so a length rule names it).
 */
export const AddressLines = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value
          .replace(/\r\n?/g, '\n')
          .split('\n')
          .map((line) => line.trim())
          .filter((line) => line !== '')
          .join('\n')
      : value,
  );
