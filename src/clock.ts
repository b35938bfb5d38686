// Time as the API shows it: ISO 8601 UTC with whole seconds.
export function isoSeconds(ms: number): string {
  return new Date(ms - (ms % 1000)).toISOString().slice(0, 19) + 'Z';
}
