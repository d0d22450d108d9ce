import { catalogueOf, Params } from '../common/i18n/messages';
import { messageTextProblems, normalMessageText } from '../messages/message-text';
import { SIGNATURE_STYLES, SignatureStyle } from '../supporters/supporter.entity';

/** The longest personal note, as the API allows. */
export const NOTE_MAX_LENGTH = 2000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PER_APPEAL = /^(note|signatureStyle)\[([0-9a-fA-F-]{36})\]$/;
/** A message of solidarity to the person in a case: `message[<caseId>]`. */
const PER_CASE = /^message\[([0-9a-fA-F-]{36})\]$/;

/**
 * What a member asked for in one post of the signing form. The page names its fields per
 * appeal (`note[<appealId>]`, `signatureStyle[<appealId>]`) because one form holds every
 * appeal of the month; plain `note` and `signatureStyle` apply to every appeal of the post
 * that has no field of its own (a simpler client, or a test, may send only those).
 */
export interface SignRequest {
  /** The appeals to sign, or every appeal of the cycle not signed yet. */
  appealIds: string[] | 'all';
  notes: Map<string, string>;
  styles: Map<string, SignatureStyle>;
  note: string | null;
  signatureStyle: SignatureStyle | null;
  /**
   * Messages of solidarity, by case (their text as kept, never empty): sent with the post,
   * whether it signs or not (a post with messages and no letter chosen only sends them).
   */
  messages: Map<string, string>;
}

export interface SignFormProblem {
  /** The appeal the problem belongs to; null for the form as a whole. */
  appealId: string | null;
  /** The case whose message box the problem belongs to (a message's problem). */
  caseId?: string;
  /** The catalogue message the page shows, in the member's language. */
  key: string;
  params?: Params;
  /** The message in English. */
  message: string;
}

function problem(appealId: string | null, key: string, params?: Params): SignFormProblem {
  return { appealId, key, ...(params ? { params } : {}), message: catalogueOf('en').t(key, params) };
}

/** Reads a posted signing form (application/x-www-form-urlencoded, not extended). Never throws. */
export function parseSignForm(body: unknown): { request: SignRequest; problems: SignFormProblem[] } {
  const fields = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const problems: SignFormProblem[] = [];
  const request: SignRequest = { appealIds: [], notes: new Map(), styles: new Map(), note: null, signatureStyle: null, messages: new Map() };

  for (const [key, value] of Object.entries(fields)) {
    const match = PER_CASE.exec(key);
    if (!match || !UUID.test(match[1])) continue;
    const caseId = match[1].toLowerCase();
    if (typeof value !== 'string') {
      problems.push({ ...problem(null, 'messageText.oneMessage'), caseId });
      continue;
    }
    const text = normalMessageText(value);
    if (text === '') continue;
    const refused = messageTextProblems(text);
    for (const one of refused) {
      const { key: reason, ...params } = one;
      problems.push({ ...problem(null, `messageText.${reason}`, params), caseId });
    }
    // Kept even when refused: a refused post signs and sends nothing, and the page shows the text again.
    request.messages.set(caseId, text);
  }

  const ids = listOf(fields.appealIds);
  if (ids.includes('all')) {
    request.appealIds = 'all';
  } else if (ids.length === 0 && (request.messages.size > 0 || problems.some((one) => one.caseId))) {
    // "Send the message" alone: nothing to sign.
    request.appealIds = [];
  } else if (ids.length === 0) {
    problems.push(problem(null, 'signForm.chooseLetter'));
  } else if (ids.some((id) => !UUID.test(id))) {
    problems.push(problem(null, 'signForm.notInMonth'));
  } else {
    request.appealIds = [...new Set(ids.map((id) => id.toLowerCase()))];
  }

  const note = noteOf(fields.note, null, problems);
  if (note !== undefined) request.note = note;
  const style = styleOf(fields.signatureStyle, null, problems);
  if (style !== undefined) request.signatureStyle = style;

  for (const [key, value] of Object.entries(fields)) {
    const match = PER_APPEAL.exec(key);
    if (!match || !UUID.test(match[2])) continue;
    const appealId = match[2].toLowerCase();
    if (match[1] === 'note') {
      const own = noteOf(value, appealId, problems);
      if (own !== undefined && own !== null) request.notes.set(appealId, own);
    } else {
      const own = styleOf(value, appealId, problems);
      if (own) request.styles.set(appealId, own);
    }
  }
  return { request, problems };
}

/** The note and style that go with one appeal of a request. */
export function choiceFor(request: SignRequest, appealId: string): { note: string | null; signatureStyle: SignatureStyle | null } {
  return { note: request.notes.get(appealId) ?? request.note, signatureStyle: request.styles.get(appealId) ?? request.signatureStyle };
}

function listOf(value: unknown): string[] {
  if (typeof value === 'string') return [value.trim()];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string').map((item) => item.trim());
  return [];
}

/** undefined: the field was absent or refused; null: present and empty. */
function noteOf(value: unknown, appealId: string | null, problems: SignFormProblem[]): string | null | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    problems.push(problem(appealId, 'signForm.oneNote'));
    return undefined;
  }
  // Control characters other than line breaks and tabs have no place in a letter (and NUL
  // cannot be stored at all).
  const text = value.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').trim();
  if (text.length > NOTE_MAX_LENGTH) {
    problems.push(problem(appealId, 'signForm.noteTooLong', { length: text.length, max: NOTE_MAX_LENGTH }));
    return undefined;
  }
  return text === '' ? null : text;
}

function styleOf(value: unknown, appealId: string | null, problems: SignFormProblem[]): SignatureStyle | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string' && (SIGNATURE_STYLES as readonly string[]).includes(value)) return value as SignatureStyle;
  problems.push(problem(appealId, 'signForm.chooseStyle'));
  return undefined;
}
