import { decidePace, isOpen, nextOpening, OfficialPace } from './pacing';

const office = (overrides: Partial<OfficialPace> = {}): OfficialPace => ({
  id: 'o1',
  maxLettersPerHour: null,
  timezone: 'Asia/Tashkent', // UTC+5, no daylight saving
  officeHoursStart: '09:00',
  officeHoursEnd: '18:00',
  officeDays: [1, 2, 3, 4, 5],
  ...overrides,
});

describe('pacing', () => {
  it('is open inside office hours in the official timezone and closed outside', () => {
    // Wednesday 2026-11-25 04:30 UTC is 09:30 in Tashkent
    expect(isOpen(office(), new Date('2026-11-25T04:30:00Z'))).toBe(true);
    // 03:30 UTC is 08:30 in Tashkent
    expect(isOpen(office(), new Date('2026-11-25T03:30:00Z'))).toBe(false);
    // Saturday
    expect(isOpen(office(), new Date('2026-11-28T06:00:00Z'))).toBe(false);
  });

  it('handles hours that run past midnight', () => {
    const night = office({ officeHoursStart: '22:00', officeHoursEnd: '06:00', officeDays: null, timezone: 'UTC' });
    expect(isOpen(night, new Date('2026-11-25T23:00:00Z'))).toBe(true);
    expect(isOpen(night, new Date('2026-11-25T05:59:00Z'))).toBe(true);
    expect(isOpen(night, new Date('2026-11-25T12:00:00Z'))).toBe(false);
  });

  it('finds the next opening: Monday 09:00 local after a Friday evening', () => {
    const friday = new Date('2026-11-27T15:00:00Z'); // 20:00 Friday in Tashkent
    expect(nextOpening(office(), friday).toISOString()).toBe('2026-11-30T04:00:00.000Z');
  });

  it('allows no letters while closed and says when to look again', () => {
    const decision = decidePace(office(), new Date('2026-11-27T15:00:00Z'), 0, null);
    expect(decision.allowance).toBe(0);
    expect(decision.retryAt?.toISOString()).toBe('2026-11-30T04:00:00.000Z');
  });

  it('caps claims per sliding hour and waits for the oldest to leave the hour', () => {
    const paced = office({ officeHoursStart: null, officeHoursEnd: null, maxLettersPerHour: 5 });
    const now = new Date('2026-11-25T10:00:00Z');
    expect(decidePace(paced, now, 3, new Date('2026-11-25T09:30:00Z')).allowance).toBe(2);
    const full = decidePace(paced, now, 5, new Date('2026-11-25T09:30:00Z'));
    expect(full.allowance).toBe(0);
    expect(full.retryAt?.toISOString()).toBe('2026-11-25T10:30:01.000Z');
  });

  it('leaves unpaced officials unlimited', () => {
    const free = office({ officeHoursStart: null, officeHoursEnd: null });
    expect(decidePace(free, new Date(), 1_000_000, null)).toEqual({ allowance: Number.MAX_SAFE_INTEGER, retryAt: null });
  });
});
