import { describeCharacters, unsupportedCharacters } from '../printing/fonts';

/** A message is a few kind words on a card: short enough to fit one. */
export const MESSAGE_MAX_LENGTH = 600;
export const MESSAGE_MAX_LINES = 12;

/** A message's text as it is kept: line breaks as LF, control characters dropped, each line's end and the whole trimmed. */
export function normalMessageText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trim();
}

/** Why a message cannot be printed on a card, as the codes of the catalogue (`messageText.<key>`); none when it can. */
export type MessageTextProblem =
  | { key: 'empty' }
  | { key: 'tooLong'; length: number; max: number }
  | { key: 'tooManyLines'; lines: number; max: number }
  | { key: 'unprintable'; characters: string };

/** The problems of a normalised text (normalMessageText), in English words and as catalogue keys. */
export function messageTextProblems(text: string): MessageTextProblem[] {
  if (text === '') return [{ key: 'empty' }];
  const problems: MessageTextProblem[] = [];
  const length = [...text].length;
  if (length > MESSAGE_MAX_LENGTH) problems.push({ key: 'tooLong', length, max: MESSAGE_MAX_LENGTH });
  const lines = text.split('\n').length;
  if (lines > MESSAGE_MAX_LINES) problems.push({ key: 'tooManyLines', lines, max: MESSAGE_MAX_LINES });
  // Checked on what is printed: the cards are set in the embedded fonts, and a glyph they lack would print as a box.
  const missing = unsupportedCharacters(text);
  if (missing.length > 0) problems.push({ key: 'unprintable', characters: describeCharacters(missing) });
  return problems;
}

/** A problem in English, naming the field `text` as the API's validation messages do. */
export function messageProblemText(problem: MessageTextProblem): string {
  switch (problem.key) {
    case 'empty':
      return 'text must not be empty';
    case 'tooLong':
      return `text must be at most ${problem.max} characters (it has ${problem.length})`;
    case 'tooManyLines':
      return `text must have at most ${problem.max} lines (it has ${problem.lines})`;
    case 'unprintable':
      return `text has characters the cards' fonts cannot print: ${problem.characters}`;
  }
}
