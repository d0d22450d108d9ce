/** Every job qalam queues. Payloads carry ids only: job data sits in Redis in clear text. */
export enum JobName {
  SendLetters = 'send-letters',
}

export interface JobPayloads {
  /** One batch: its letters share `letters.batch_id`, and the job id is letters-<batchId>. */
  [JobName.SendLetters]: { batchId: string; letterIds: string[] };
}

export type JobOf<T extends JobName> = JobPayloads[T];

export const LETTERS_QUEUE = 'letters';
/** Letters per send job: large enough to amortise queries and queue overhead, small enough to retry cheaply. */
export const LETTER_BATCH_SIZE = 100;
/** Batch ids of one fan-out are drawn from a block of this many. */
export const BATCH_BLOCK = 2 ** 24;
/** Attempts a letter gets for transient failures before it is marked failed. */
export const MAX_LETTER_ATTEMPTS = 5;

/** BullMQ refuses ':' in custom ids; a batch's job id is derived from its id alone, so enqueueing is safe to repeat. */
export function jobIdOf(batchId: string): string {
  return `letters-${batchId}`;
}
