/**
 * Every error code qalam answers with, one list per module. They live here, in the base
 * layer, rather than in each module's folder because the one code-to-status map
 * (error-status.ts) must see them all to be checked exhaustive at compile time, and
 * common/ may import no feature (lint:layers). A module names its codes by its own type
 * (`AppealErrorCode`...); a new code goes in its module's list, and the compiler then asks
 * for its status in error-status.ts.
 *
 * Domain codes reach the client as the body's `code`; system codes (a server away, a
 * constraint tripped) only choose a status: their bodies carry no code.
 */

/** Shared by every module: an id that names nothing (or nothing the caller may see). */
export const COMMON_ERROR_CODES = ['not_found'] as const;
export const APPEAL_ERROR_CODES = ['appeal_invalid', 'case_unknown', 'appeal_status', 'appeal_not_open', 'case_untranslated'] as const;
export const CYCLE_ERROR_CODES = ['cycle_invalid', 'cycle_status', 'cycle_appeal_status', 'cycle_not_open', 'cycle_reminded', 'cycle_reminder_early', 'cycle_appeal_unreachable', 'cycle_appeal_unprintable'] as const;
export const SUPPORTER_ERROR_CODES = ['supporter_exists', 'role_forbidden', 'csv_columns', 'csv_invalid', 'csv_empty', 'link_invalid', 'supporter_admin_only'] as const;
export const MEMBER_ERROR_CODES = ['signup_invalid'] as const;
export const OFFICIAL_ERROR_CODES = ['official_unreachable'] as const;
export const TEMPLATE_ERROR_CODES = ['template_invalid'] as const;
/** Print runs: nothing waits for post, the run is not in the state the change needs, the return address is not set. */
export const PRINT_ERROR_CODES = ['print_invalid', 'print_nothing', 'print_status', 'print_unconfigured'] as const;
/** Members' messages of solidarity and their moderation. */
export const MESSAGE_ERROR_CODES = ['message_invalid', 'messages_not_accepted', 'message_pending', 'message_decided'] as const;
/** Inbound mail: a reply already on its case's timeline, an address that is not suppressed. */
export const INBOUND_ERROR_CODES = ['reply_event_exists', 'suppression_invalid'] as const;
/** Moderation of signers' notes: a note decided already. */
export const NOTE_ERROR_CODES = ['note_decided'] as const;
/** The member pages' own: a link that is expired or unreadable, a form posted from another site. */
export const PAGE_ERROR_CODES = ['link_expired', 'link_unknown', 'cross_site'] as const;

export const DOMAIN_ERROR_CODES = [
  ...COMMON_ERROR_CODES,
  ...APPEAL_ERROR_CODES,
  ...CYCLE_ERROR_CODES,
  ...SUPPORTER_ERROR_CODES,
  ...MEMBER_ERROR_CODES,
  ...OFFICIAL_ERROR_CODES,
  ...TEMPLATE_ERROR_CODES,
  ...PRINT_ERROR_CODES,
  ...MESSAGE_ERROR_CODES,
  ...INBOUND_ERROR_CODES,
  ...NOTE_ERROR_CODES,
  ...PAGE_ERROR_CODES,
] as const;

/** Not thrown by the domain: what the filters make of errors from Postgres and Redis. */
export const SYSTEM_ERROR_CODES = [
  'database_unavailable',
  'queue_unavailable',
  'database_busy',
  'record_exists',
  'record_missing',
  'value_invalid',
  'internal',
] as const;

export type CommonErrorCode = (typeof COMMON_ERROR_CODES)[number];
export type AppealErrorCode = (typeof APPEAL_ERROR_CODES)[number];
export type CycleErrorCode = (typeof CYCLE_ERROR_CODES)[number];
export type SupporterErrorCode = (typeof SUPPORTER_ERROR_CODES)[number];
export type MemberErrorCode = (typeof MEMBER_ERROR_CODES)[number];
export type OfficialErrorCode = (typeof OFFICIAL_ERROR_CODES)[number];
export type TemplateErrorCode = (typeof TEMPLATE_ERROR_CODES)[number];
export type MessageErrorCode = (typeof MESSAGE_ERROR_CODES)[number];
export type InboundErrorCode = (typeof INBOUND_ERROR_CODES)[number];
export type NoteErrorCode = (typeof NOTE_ERROR_CODES)[number];
export type PageErrorCode = (typeof PAGE_ERROR_CODES)[number];
export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];
export type SystemErrorCode = (typeof SYSTEM_ERROR_CODES)[number];
export type ErrorCode = DomainErrorCode | SystemErrorCode;

export const ERROR_CODES: readonly ErrorCode[] = [...DOMAIN_ERROR_CODES, ...SYSTEM_ERROR_CODES];
