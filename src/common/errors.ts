import { HttpStatus } from '@nestjs/common';

/** A domain error with a stable code; one filter maps it to HTTP. */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: HttpStatus,
  ) {
    super(message);
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string) {
    super('not_found', `${what} not found`, HttpStatus.NOT_FOUND);
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, message: string) {
    super(code, message, HttpStatus.CONFLICT);
  }
}

export class InvalidError extends DomainError {
  constructor(code: string, message: string | string[]) {
    super(code, Array.isArray(message) ? message.join('; ') : message, HttpStatus.BAD_REQUEST);
    this.messages = Array.isArray(message) ? message : [message];
  }
  readonly messages: string[];
}
