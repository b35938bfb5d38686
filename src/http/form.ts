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

function decodeUtf8(bytes: Uint8Array, where: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw invalidEncoding(where);
  }
}

/** The most fields a form or query string may have: no operation takes more than a handful. */
export const MAX_FORM_FIELDS = 1000;

// A raw '+' is a space. Replaced once over the whole form, byte by byte: String#replace spends
// ~300 ms on a 1 MB run of '+'.
function plusBytesToSpaces(bytes: Buffer): Buffer {
  const first = bytes.indexOf(0x2b);
  if (first === -1) return bytes;
  for (let i = first; i < bytes.length; i++) if (bytes[i] === 0x2b) bytes[i] = 0x20;
  return bytes;
}

/** Lossless: a query string is Latin-1 (from the request line), so it round-trips through UTF-8. */
function plusesToSpaces(text: string): string {
  return text.indexOf('+') === -1 ? text : plusBytesToSpaces(Buffer.from(text, 'utf8')).toString('utf8');
}

function decodeComponent(raw: string, where: string): string {
  let text = raw;
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
  return parseFields(plusesToSpaces(text), where);
}

/** A request body's bytes (the buffer is changed in place). */
export function parseFormBody(bytes: Buffer): FormFields {
  return parseFields(decodeUtf8(plusBytesToSpaces(bytes), 'post body'), 'post body');
}

/** Linear in the text's length; stops at the first field past MAX_FORM_FIELDS. */
function parseFields(text: string, where: string): FormFields {
  const fields = emptyFields();
  if (text.length === 0) return fields;
  let count = 0;
  let start = 0;
  // The next '=' at or after `start`, found once and reused: searching again from every segment
  // that has none would rescan the rest of the text each time (quadratic on `a&a&a…`).
  let eq = -1;
  while (start <= text.length) {
    let end = text.indexOf('&', start);
    if (end === -1) end = text.length;
    if (end > start) {
      if (++count > MAX_FORM_FIELDS) throw invalidParameter(`The ${where} has more than ${MAX_FORM_FIELDS} parameters`);
      if (eq < start) {
        eq = text.indexOf('=', start);
        if (eq === -1) eq = text.length;
      }
      const hasValue = eq < end;
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

/** Holds why a query string failed to parse; the router cannot throw, so a hook rejects it. */
export const invalidQueryMarker = Symbol('invalidQuery');

export function parseQueryString(text: string): FormFields {
  try {
    return parseForm(text, 'query string');
  } catch (error) {
    const fields = emptyFields();
    (fields as Record<symbol, unknown>)[invalidQueryMarker] = error;
    return fields;
  }
}
