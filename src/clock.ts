// Time as the API shows it: ISO 8601 UTC with whole seconds.

const MS_PER_DAY = 86_400_000;
// Lists format many dates of the same day: the day's prefix is built once and reused.
let cachedDay = Number.NaN;
let cachedDayPrefix = '';

const twoDigits = (value: number) => (value < 10 ? '0' + value : String(value));

export function isoSeconds(ms: number): string {
  const day = Math.floor(ms / MS_PER_DAY);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDayPrefix = new Date(day * MS_PER_DAY).toISOString().slice(0, 11);
  }
  const secondOfDay = Math.floor((ms - day * MS_PER_DAY) / 1000);
  const hours = Math.floor(secondOfDay / 3600);
  const minutes = Math.floor((secondOfDay % 3600) / 60);
  return `${cachedDayPrefix}${twoDigits(hours)}:${twoDigits(minutes)}:${twoDigits(secondOfDay % 60)}Z`;
}

/** The span of instants a stored date may have: the API issues nothing before 1970, and ISO 8601 has four-digit years. */
export const EARLIEST_STORED_MS = 0;
export const LATEST_STORED_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const isoInstant = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z$/;

/**
 * `YYYY-MM-DDTHH:MM:SS[.mmm]Z` as milliseconds, or null when it is not a real instant in the span
 * above. Date.parse alone rolls 2026-02-31 over to March 3 and accepts year 0000.
 */
export function parseIsoInstant(text: string): number | null {
  const match = isoInstant.exec(text);
  if (match === null) return null;
  // Groups 1–6 are required by the pattern, so all six are present.
  const [year, month, day, hours, minutes, seconds] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(year, month - 1, day, hours, minutes, seconds, Number((match[7] ?? '').padEnd(3, '0')));
  const date = new Date(ms);
  const exact =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hours &&
    date.getUTCMinutes() === minutes &&
    date.getUTCSeconds() === seconds;
  return exact && ms >= EARLIEST_STORED_MS && ms <= LATEST_STORED_MS ? ms : null;
}
