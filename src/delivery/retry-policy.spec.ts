import { MAX_LETTER_ATTEMPTS } from './jobs';
import { retryDelayMs, transientFailureIsFinal } from './retry-policy';

describe('retry policy', () => {
  const settings = { retryDelayMs: 1000, retryMaxDelayMs: 60_000, retryWindowMs: 60 * 60_000 };
  const noJitter = () => 0;

  it('doubles the delay per round up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((round) => retryDelayMs(settings, round, noJitter))).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000]);
    expect(retryDelayMs(settings, 500, noJitter)).toBe(60_000);
  });

  it('adds at most 10 % jitter', () => {
    expect(retryDelayMs(settings, 1, () => 0.999)).toBe(1100);
    const delays = Array.from({ length: 50 }, () => retryDelayMs(settings, 3));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(4000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(4400);
  });

  it('fails a letter only after both its attempts and the window', () => {
    const now = new Date('2026-12-02T12:00:00Z');
    const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
    // Five attempts in fifteen seconds of an outage: not yet.
    expect(transientFailureIsFinal(settings, MAX_LETTER_ATTEMPTS, minutesAgo(0.25), now)).toBe(false);
    // An hour of failures but fewer attempts than the bound: not yet.
    expect(transientFailureIsFinal(settings, MAX_LETTER_ATTEMPTS - 1, minutesAgo(61), now)).toBe(false);
    expect(transientFailureIsFinal(settings, MAX_LETTER_ATTEMPTS, minutesAgo(60), now)).toBe(true);
    // The first failure is this one: the window starts now.
    expect(transientFailureIsFinal(settings, MAX_LETTER_ATTEMPTS, null, now)).toBe(false);
    expect(transientFailureIsFinal({ ...settings, retryWindowMs: 0 }, MAX_LETTER_ATTEMPTS, null, now)).toBe(true);
  });
});
