/** Every job qalam queues. Payloads carry ids only: job data sits in Redis in clear text. */
export enum JobName {
  SendLetters = 'send-letters',
  SendMemberMail = 'send-member-mail',
  SendThankYous = 'send-thank-yous',
  RenderPrintRun = 'render-print-run',
}

/**
 * Mail to members: a cycle's invitation or reminder, or the confirmation of a public signup;
 * to staff accounts: a password reset link, or an admin's invitation to set a first password
 * (the worker makes the link when it sends: no token sits in Redis).
 */
export const MEMBER_MAIL_KINDS = ['invitation', 'reminder', 'confirmation', 'password-reset', 'staff-invitation'] as const;
export type MemberMailKind = (typeof MEMBER_MAIL_KINDS)[number];

export interface JobPayloads {
  /** One batch: its letters share `letters.batch_id`, and the job id is letters-<batchId>. */
  [JobName.SendLetters]: { batchId: string; letterIds: string[] };
  /**
   * A batch of members to mail; names and addresses are read from Postgres when it runs.
   * Invitations and reminders name their cycle; a confirmation has none.
   */
  [JobName.SendMemberMail]: { kind: MemberMailKind; cycleId: string | null; supporterIds: string[] };
  /** Thank-yous of a case's outcome (released or deceased) to a batch of the supporters who wrote for it. */
  [JobName.SendThankYous]: { caseId: string; supporterIds: string[] };
  /** A print run to render to PRINT_DIR (its letters are read from Postgres when it runs). */
  [JobName.RenderPrintRun]: { printRunId: string };
}

export type JobOf<T extends JobName> = JobPayloads[T];

export const LETTERS_QUEUE = 'letters';
/** Letters per send job: large enough to amortise queries and queue overhead, small enough to retry cheaply. */
export const LETTER_BATCH_SIZE = 100;
/** Batch ids of one fan-out are drawn from a block of this many. */
export const BATCH_BLOCK = 2 ** 24;
/** Members per member-mail job. */
export const MEMBER_MAIL_BATCH_SIZE = 100;
/** Attempts a letter gets for transient failures before it is marked failed. */
export const MAX_LETTER_ATTEMPTS = 5;

/** BullMQ refuses ':' in custom ids; a batch's job id is derived from its id alone, so enqueueing is safe to repeat. */
export function jobIdOf(batchId: string): string {
  return `letters-${batchId}`;
}
