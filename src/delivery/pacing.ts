/** What pacing knows of an official. */
export interface OfficialPace {
  id: string;
  maxLettersPerHour: number | null;
  timezone: string | null;
  /** 'HH:MM' or 'HH:MM:SS', in the official's timezone; null when the office takes letters at any hour. */
  officeHoursStart: string | null;
  officeHoursEnd: string | null;
  /** ISO weekdays, 1 = Monday; null means every day. */
  officeDays: number[] | null;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formats = new Map<string, Intl.DateTimeFormat>();

function localTime(at: Date, timezone: string): { weekday: number; minutes: number } {
  let format = formats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(timezone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((part) => [part.type, part.value]));
  return { weekday: WEEKDAYS[parts.weekday], minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return hours * 60 + minutes;
}

/** Whether the office takes letters at this instant. Hours may run past midnight (22:00-06:00). */
export function isOpen(official: OfficialPace, at: Date): boolean {
  if (!official.officeHoursStart || !official.officeHoursEnd) return true;
  const { weekday, minutes } = localTime(at, official.timezone ?? 'UTC');
  if (official.officeDays && official.officeDays.length > 0 && !official.officeDays.includes(weekday)) return false;
  const start = minutesOf(official.officeHoursStart);
  const end = minutesOf(official.officeHoursEnd);
  return start <= end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
}

/** The next instant, on a five-minute step, when the office is open; `at` itself when it is. */
export function nextOpening(official: OfficialPace, at: Date): Date {
  if (isOpen(official, at)) return at;
  const step = 5 * 60_000;
  let probe = new Date(Math.ceil(at.getTime() / step) * step);
  for (let i = 0; i < (8 * 24 * 60) / 5; i += 1, probe = new Date(probe.getTime() + step)) {
    if (isOpen(official, probe)) return probe;
  }
  // Open on no day at all (office_days empty of real days): try again in a day.
  return new Date(at.getTime() + 24 * 3600_000);
}

export interface PaceDecision {
  /** How many of this official's letters may be claimed now. */
  allowance: number;
  /** When to look again for the letters that must wait; null when none wait. */
  retryAt: Date | null;
}

/**
 * How many letters an official may receive now: none outside office hours, and no more than
 * `maxLettersPerHour` claims in any sliding hour across every appeal.
 */
export function decidePace(official: OfficialPace, now: Date, claimedLastHour: number, oldestClaimInHour: Date | null): PaceDecision {
  if (!isOpen(official, now)) return { allowance: 0, retryAt: nextOpening(official, now) };
  if (official.maxLettersPerHour === null) return { allowance: Number.MAX_SAFE_INTEGER, retryAt: null };
  const allowance = Math.max(0, official.maxLettersPerHour - claimedLastHour);
  // The first slot frees when the oldest claim of the hour leaves it.
  const retryAt = oldestClaimInHour ? new Date(oldestClaimInHour.getTime() + 3600_000 + 1000) : new Date(now.getTime() + 60_000);
  return { allowance, retryAt };
}
