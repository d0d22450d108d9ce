import { DomainError } from '../common/errors';

const MESSAGES = {
  sign: 'This signing link is not valid: it may be incomplete, altered or expired. Use the link in your latest invitation, or ask your group for a new one.',
  unsubscribe: 'This unsubscribe link is not valid: it may be incomplete or altered. Use the link at the bottom of one of our emails, or reply to it and ask to be removed.',
  confirm: 'This confirmation link is not valid: it may be incomplete, altered or more than 7 days old. Sign up again to receive a new one.',
} as const;

/**
 * A link from a member's email that does not work: tampered, expired, for another purpose,
 * or for a member it no longer applies to. Code `link_invalid` (404, as for any id that
 * names nothing), with a message that says what to do and nothing about who the link was for.
 */
export class LinkInvalidError extends DomainError {
  constructor(readonly purpose: keyof typeof MESSAGES) {
    super('link_invalid', MESSAGES[purpose]);
  }
}
