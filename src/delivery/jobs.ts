/** Every job qalam queues. Payloads carry ids only: job data sits in Redis in clear text. */
export enum JobName {
  SendLetters = 'send-letters',
}

export interface JobPayloads {
  [JobName.SendLetters]: { letterIds: string[] };
}

export type JobOf<T extends JobName> = JobPayloads[T];

export const LETTERS_QUEUE = 'letters';
/** Letters per send job: large enough to amortise queries, small enough to retry cheaply. */
export const LETTER_BATCH_SIZE = 50;
/** Attempts a letter gets for transient failures before it is marked failed. */
export const MAX_LETTER_ATTEMPTS = 5;
