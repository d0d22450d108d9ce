import { HttpStatus } from '@nestjs/common';
import type { ErrorCode } from './error-codes';

/**
 * The one place an error code becomes an HTTP status, read by the API filter
 * (AllExceptionsFilter) and the member pages' filter (WebExceptionFilter). A Record over
 * every code: the compiler refuses a code without a status, and a status for no code.
 */
export const ERROR_STATUS: Readonly<Record<ErrorCode, HttpStatus>> = {
  not_found: HttpStatus.NOT_FOUND,

  // appeals
  appeal_invalid: HttpStatus.BAD_REQUEST,
  case_unknown: HttpStatus.BAD_REQUEST,
  appeal_status: HttpStatus.CONFLICT,
  appeal_not_open: HttpStatus.CONFLICT,
  case_untranslated: HttpStatus.CONFLICT,

  // cycles
  cycle_invalid: HttpStatus.BAD_REQUEST,
  cycle_status: HttpStatus.CONFLICT,
  cycle_appeal_status: HttpStatus.CONFLICT,
  cycle_not_open: HttpStatus.CONFLICT,
  cycle_reminded: HttpStatus.CONFLICT,
  cycle_reminder_early: HttpStatus.CONFLICT,
  cycle_appeal_unreachable: HttpStatus.BAD_REQUEST,
  cycle_appeal_unprintable: HttpStatus.BAD_REQUEST,

  // supporters
  supporter_exists: HttpStatus.CONFLICT,
  role_forbidden: HttpStatus.BAD_REQUEST,
  csv_columns: HttpStatus.BAD_REQUEST,
  csv_invalid: HttpStatus.BAD_REQUEST,
  csv_empty: HttpStatus.BAD_REQUEST,
  // A member's link that names nothing is refused like any id that names nothing.
  link_invalid: HttpStatus.NOT_FOUND,
  supporter_admin_only: HttpStatus.FORBIDDEN,

  // members
  signup_invalid: HttpStatus.BAD_REQUEST,

  // officials
  official_unreachable: HttpStatus.BAD_REQUEST,

  // templates
  template_invalid: HttpStatus.BAD_REQUEST,

  // print runs
  print_invalid: HttpStatus.BAD_REQUEST,
  print_nothing: HttpStatus.CONFLICT,
  print_status: HttpStatus.CONFLICT,
  print_unconfigured: HttpStatus.CONFLICT,

  // messages of solidarity: a text refused, a case that takes none; one waiting already, or decided already
  message_invalid: HttpStatus.BAD_REQUEST,
  messages_not_accepted: HttpStatus.BAD_REQUEST,
  message_pending: HttpStatus.CONFLICT,
  message_decided: HttpStatus.CONFLICT,
  reply_event_exists: HttpStatus.CONFLICT,
  suppression_invalid: HttpStatus.BAD_REQUEST,
  note_decided: HttpStatus.CONFLICT,

  // member pages
  link_expired: HttpStatus.GONE,
  link_unknown: HttpStatus.NOT_FOUND,
  cross_site: HttpStatus.FORBIDDEN,

  // system: a server away or busy is a state the client can wait out (503 with Retry-After)
  database_unavailable: HttpStatus.SERVICE_UNAVAILABLE,
  queue_unavailable: HttpStatus.SERVICE_UNAVAILABLE,
  database_busy: HttpStatus.SERVICE_UNAVAILABLE,
  record_exists: HttpStatus.CONFLICT,
  record_missing: HttpStatus.NOT_FOUND,
  value_invalid: HttpStatus.BAD_REQUEST,
  internal: HttpStatus.INTERNAL_SERVER_ERROR,
};

export function statusOf(code: ErrorCode): HttpStatus {
  return ERROR_STATUS[code];
}

/** Nest's `error` word for a status, as its own exceptions write it. */
export const REASONS: Readonly<Partial<Record<number, string>>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function reasonOf(status: number): string {
  return REASONS[status] ?? 'Error';
}
