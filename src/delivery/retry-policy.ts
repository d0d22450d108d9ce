import type { QalamConfig } from '../config/config';
import { MAX_LETTER_ATTEMPTS } from './jobs';

type RetrySettings = Pick<QalamConfig, 'retryDelayMs' | 'retryMaxDelayMs' | 'retryWindowMs'>;

/**
 * The wait before the next try after `round` transient failures (from 1): RETRY_DELAY_MS,
 * doubling, capped at RETRY_MAX_DELAY_MS, with up to 10 % jitter so that the batches of
 * one outage do not all come back at the same instant.
 */
export function retryDelayMs(settings: RetrySettings, round: number, random: () => number = Math.random): number {
  const exponential = settings.retryDelayMs * 2 ** Math.min(Math.max(round, 1) - 1, 30);
  const capped = Math.min(exponential, Math.max(settings.retryMaxDelayMs, settings.retryDelayMs));
  return Math.round(capped * (1 + 0.1 * random()));
}

/**
 * A transient failure is final only when both bounds are reached: MAX_LETTER_ATTEMPTS
 * attempts, and RETRY_WINDOW_MINUTES since the first failure. Counting attempts alone
 * turned a relay's half-hour outage into failed letters.
 */
export function transientFailureIsFinal(settings: RetrySettings, attempts: number, firstFailureAt: Date | null, now: Date = new Date()): boolean {
  if (attempts < MAX_LETTER_ATTEMPTS) return false;
  const since = firstFailureAt ?? now;
  return now.getTime() - since.getTime() >= settings.retryWindowMs;
}
