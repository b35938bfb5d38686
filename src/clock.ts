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
