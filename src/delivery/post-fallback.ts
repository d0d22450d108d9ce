import type { LetterRow } from './letter-row';

type AppealChannel = LetterRow['appeal_channel'];

/**
 * Why email cannot take a letter for good. Each is about the official's address, so paper
 * may still reach them; a render error is not among them (it would not print either), nor
 * an `unknown` outcome (the letter may have been delivered).
 */
export type EmailGivenUp = 'no-email' | 'suppressed' | 'refused' | 'retries-exhausted';

/** What becomes of a letter that email gave up on: `failed`, or on `email-then-post` `queued` again for a print run with its channel `post`. */
export interface AfterEmail {
  status: 'failed' | 'queued';
  channel: 'post' | null;
  detail: string;
}

const REASONS: Record<EmailGivenUp, (detail: string) => string> = {
  'no-email': () => 'the official has no email address',
  suppressed: (detail) => `suppressed (${detail})`,
  refused: (detail) => `refused by email (${detail})`,
  'retries-exhausted': (detail) => `email failed until its retries ran out (${detail})`,
};

/**
 * The outcome of a letter email gave up on: on an `email-then-post` appeal it waits for
 * post (its last error says why email could not take it), on any other it fails with the
 * server's answer or the reason as it is.
 */
export function afterEmailGaveUp(channel: AppealChannel, why: EmailGivenUp, detail: string, hasPostalAddress = true): AfterEmail {
  if (channel !== 'email-then-post') return { status: 'failed', channel: null, detail };
  // With no postal address either, paper cannot reach the official: the letter fails, saying both.
  if (!hasPostalAddress) return { status: 'failed', channel: null, detail: `${REASONS[why](detail.slice(0, 500))}; the official has no postal address` };
  // The server's answer is cut, not the words that say the letter waits for post.
  return { status: 'queued', channel: 'post', detail: `${REASONS[why](detail.slice(0, 500))}; waits for post` };
}
