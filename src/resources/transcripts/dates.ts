// ISO 8601 instants as transcripts take them: MediaStartTime and the list's date filters.
import { parseIsoInstant } from '../../clock.js';

const withOffset = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-](\d{2}):(\d{2}))$/i;
const dateOnly = /^\d{4}-\d{2}-\d{2}$/;

/**
 * `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` as milliseconds (a fraction past milliseconds is cut),
 * or null when it is not a real instant. With `allowDate`, `YYYY-MM-DD` is that day's midnight UTC.
 */
export function parseIsoDateTime(text: string, allowDate = false): number | null {
  if (allowDate && dateOnly.test(text)) return parseIsoInstant(`${text}T00:00:00Z`);
  const match = withOffset.exec(text);
  if (match === null) return null;
  const [, local = '', fraction, zone = 'Z', hours, minutes] = match;
  const fractionPart = fraction === undefined ? '' : `.${fraction.slice(0, 3)}`;
  const asUtc = parseIsoInstant(`${local}${fractionPart}Z`);
  if (asUtc === null) return null;
  if (zone.toUpperCase() === 'Z') return asUtc;
  const offsetHours = Number(hours);
  const offsetMinutes = Number(minutes);
  if (offsetHours > 23 || offsetMinutes > 59) return null;
  const offsetMs = (offsetHours * 60 + offsetMinutes) * 60_000 * (zone.startsWith('-') ? -1 : 1);
  return asUtc - offsetMs;
}
