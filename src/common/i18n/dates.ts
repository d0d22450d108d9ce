const dateFormats = new Map<string, Intl.DateTimeFormat>();
const formattedDays = new Map<string, string>();

/** A long date in the letter's language ("2 December 2026", "2 декабря 2026 г."); the same day is formatted once. */
export function formatDate(date: Date, language: string): string {
  const key = `${language}|${date.toISOString().slice(0, 10)}`;
  const known = formattedDays.get(key);
  if (known !== undefined) return known;
  if (formattedDays.size > 10_000) formattedDays.clear();
  let format = dateFormats.get(language);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat(language, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
    } catch {
      format = new Intl.DateTimeFormat('en', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
    }
    dateFormats.set(language, format);
  }
  const formatted = format.format(date);
  formattedDays.set(key, formatted);
  return formatted;
}
