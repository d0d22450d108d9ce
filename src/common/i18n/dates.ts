const dateFormats = new Map<string, Intl.DateTimeFormat>();
/** By language, then by UTC day (days since 1970): every letter of a page asks for today's. */
const formattedDays = new Map<string, Map<number, string>>();
let daysKept = 0;

/** A long date in the letter's language ("2 December 2026", "2 декабря 2026 г."); the same day is formatted once. */
export function formatDate(date: Date, language: string): string {
  const day = Math.floor(date.getTime() / 86_400_000);
  let ofLanguage = formattedDays.get(language);
  const known = ofLanguage?.get(day);
  if (known !== undefined) return known;
  if (daysKept > 10_000) {
    formattedDays.clear();
    daysKept = 0;
    ofLanguage = undefined;
  }
  if (!ofLanguage) {
    ofLanguage = new Map();
    formattedDays.set(language, ofLanguage);
  }
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
  ofLanguage.set(day, formatted);
  daysKept += 1;
  return formatted;
}
