import type { DomainErrorCode } from './error-codes';

/**
 * A rule of the domain refused: a stable code and a message for the caller. It names no
 * HTTP status: error-status.ts maps the code, for the API and the member pages alike.
 * `messages` holds one entry per problem (a validation refusal may name several fields).
 */
export class DomainError extends Error {
  readonly messages: readonly string[];

  constructor(
    readonly code: DomainErrorCode,
    message: string | readonly string[],
  ) {
    super(typeof message === 'string' ? message : message.join('; '));
    this.name = new.target.name;
    this.messages = typeof message === 'string' ? [message] : [...message];
  }
}

/** An id that names nothing, or nothing the caller may see. */
export class NotFoundError extends DomainError {
  constructor(what: string) {
    super('not_found', `${what} not found`);
  }
}

/** Whether `error` is a domain error with one of `codes`. */
export function isDomainError(error: unknown, ...codes: DomainErrorCode[]): error is DomainError {
  return error instanceof DomainError && (codes.length === 0 || codes.includes(error.code));
}
