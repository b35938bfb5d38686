// Strict application/x-www-form-urlencoded parsing: broken escapes, invalid UTF-8 and NUL are
// rejected instead of being silently repaired (node:querystring repairs them).
import { invalidParameter, type TwilioError } from '../errors.js';

export type FormFields = Record<string, string | string[]>;

// No Object.prototype in the chain ("__proto__" is a name like any other), and not
// Object.create(null), which V8 fills slowly.
function Fields(): void {}
Fields.prototype = Object.create(null) as object;

/** An empty set of fields. */
export const emptyFields = (): FormFields => new (Fields as unknown as new () => FormFields)();

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export const invalidEncoding = (where: string): TwilioError =>
  invalidParameter(`The ${where} is not valid form encoding (broken percent-escape, invalid UTF-8 or NUL)`);

export function decodeUtf8(bytes: Uint8Array, where: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw invalidEncoding(where);
  }
}

function decodeComponent(raw: string, where: string): string {
  let text = raw.indexOf('+') === -1 ? raw : raw.replace(/\+/g, ' ');
  if (text.indexOf('%') !== -1) {
    try {
      text = decodeURIComponent(text);
    } catch {
      throw invalidEncoding(where);
    }
  }
  if (text.indexOf('\0') !== -1) throw invalidEncoding(where);
  return text;
}

/** Parses `a=1&b=2`; a name given twice becomes an array, which parameter validation refuses. */
export function parseForm(text: string, where: string): FormFields {
  const fields = emptyFields();
  if (text.length === 0) return fields;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('&', start);
    if (end === -1) end = text.length;
    if (end > start) {
      const eq = text.indexOf('=', start);
      const hasValue = eq !== -1 && eq < end;
      const name = decodeComponent(text.slice(start, hasValue ? eq : end), where);
      const value = hasValue ? decodeComponent(text.slice(eq + 1, end), where) : '';
      const previous = fields[name];
      if (previous === undefined) fields[name] = value;
      else if (Array.isArray(previous)) previous.push(value);
      else fields[name] = [previous, value];
    }
    start = end + 1;
  }
  return fields;
}

/** Marks a query string that failed to parse; the router cannot throw, so a hook rejects it. */
export const invalidQueryMarker = Symbol('invalidQuery');

export function parseQueryString(text: string): FormFields {
  try {
    return parseForm(text, 'query string');
  } catch {
    const fields = emptyFields();
    (fields as Record<symbol, boolean>)[invalidQueryMarker] = true;
    return fields;
  }
}
