// PII in a sentence replaced by entity markers ([Name], [PhoneNumber], [Email], [CreditCard], [SSN],
// [Address], [Date], [ZipCode], [Number]), with the character spans replaced so that the words (and
// their times) can be silenced in the media. Rules, in order (an earlier span wins an overlap):
//   Email        an address, written or spoken ("anna at example dot com")
//   Address      a house number and up to three words ending in a street suffix ("42 Elm Street")
//   digit runs   written or spoken (digit-runs.ts), by context words before them and their length:
//                "social security"/SSN → SSN; card/visa/credit/debit → CreditCard; zip/postal → ZipCode;
//                else ddd-dd-dddd → SSN, 13–19 digits passing Luhn → CreditCard, 7, 10 or 11 digits →
//                PhoneNumber, 5 digits after "zip" or a state → ZipCode, 6 digits or more → Number
//   Name         compromise's people(), and the words after "my name is"
//   Date         compromise's #Date spans that name a month, a year, a numeric date or a day of the
//                month ("tomorrow", "Monday" or "3pm" identify nobody and stay)
import { findEntities } from '../engines/language/compromise.js';
import { digitRuns, type DigitRun } from './digit-runs.js';

export type PiiEntity = 'Name' | 'PhoneNumber' | 'Email' | 'CreditCard' | 'SSN' | 'Address' | 'Date' | 'ZipCode' | 'Number';

export interface PiiSpan {
  entity: PiiEntity;
  /** Character offsets in the original sentence. */
  start: number;
  end: number;
}

export interface RedactedText {
  text: string;
  spans: PiiSpan[];
}

const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
const SPOKEN_EMAIL = /\b[\w.]+(?: dot [\w]+)* at [\w-]+(?: dot [\w-]+)*? dot (?:com|net|org|edu|gov|io|co|us|uk)\b/gi;
const STREET_SUFFIX =
  'street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|circle|highway|hwy|parkway|square';
const NUMBER_WORD =
  'zero|oh|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred';
const ADDRESS = new RegExp(
  `\\b(?:\\d+[a-z]?|(?:(?:${NUMBER_WORD})[\\s-]+)*(?:${NUMBER_WORD}))\\s+(?:[A-Za-z][\\w'-]*\\s+){1,3}(?:${STREET_SUFFIX})\\b\\.?`,
  'gi',
);
const CONTEXT_WINDOW = 40;
const SSN_CONTEXT = /\b(social security|social|ssn|s s n)\b/i;
const CARD_CONTEXT = /\b(card|visa|mastercard|amex|american express|discover|credit|debit)\b/i;
const ZIP_CONTEXT = /\b(zip|postal|post code|zip code|zipcode)\b/i;
const STATES =
  /\b(AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming),?\s*$/;
const MY_NAME = /\b(?:my (?:first |last |full )?name is|my name's|name is)\s+([A-Za-z][\w'-]*(?:\s+[A-Z][\w'-]*)?)/gi;
/** A date that can identify someone names a month, a numeric date, a year or a day of the month. */
const DATE_WORDS =
  /\b(jan(uary)?|feb(ruary)?|march|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|oct(ober)?|nov(ember)?|dec(ember)?)\b|\b\d{1,2}[/-]\d{1,2}([/-]\d{2,4})?\b|\b(19|20)\d{2}\b|\b\d{1,2}(st|nd|rd|th)\b|\b(nineteen|twenty) \w+/i;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

function digitRunEntity(text: string, run: DigitRun): PiiEntity | null {
  const before = text.slice(Math.max(0, run.start - CONTEXT_WINDOW), run.start);
  const n = run.digits.length;
  if (SSN_CONTEXT.test(before) && n >= 4) return 'SSN';
  if (CARD_CONTEXT.test(before) && n >= 4) return 'CreditCard';
  if (ZIP_CONTEXT.test(before) && (n === 5 || n === 9)) return 'ZipCode';
  if (/^\d{3}-\d{2}-\d{4}$/.test(text.slice(run.start, run.end))) return 'SSN';
  if (n >= 13 && n <= 19 && luhn(run.digits)) return 'CreditCard';
  if (n === 7 || n === 10 || n === 11) return 'PhoneNumber';
  if (n === 5 && STATES.test(before)) return 'ZipCode';
  return n >= 6 ? 'Number' : null;
}

function compromiseSpans(text: string): PiiSpan[] {
  return findEntities(text).flatMap((entity): PiiSpan[] => {
    if (entity.category === 'Person') return [{ entity: 'Name', start: entity.start, end: entity.end }];
    if (entity.category === 'Date' && DATE_WORDS.test(entity.text)) return [{ entity: 'Date', start: entity.start, end: entity.end }];
    return [];
  });
}

/** Every PII span of a sentence, sorted, without overlaps. */
export function findPii(text: string): PiiSpan[] {
  const candidates: PiiSpan[] = [];
  for (const pattern of [EMAIL, SPOKEN_EMAIL]) {
    for (const match of text.matchAll(pattern))
      candidates.push({ entity: 'Email', start: match.index, end: match.index + match[0].length });
  }
  for (const match of text.matchAll(ADDRESS)) {
    candidates.push({ entity: 'Address', start: match.index, end: match.index + match[0].replace(/\.$/, '').length });
  }
  for (const run of digitRuns(text)) {
    const entity = digitRunEntity(text, run);
    if (entity !== null) candidates.push({ entity, start: run.start, end: run.end });
  }
  for (const match of text.matchAll(MY_NAME)) {
    const name = match[1]!;
    const start = match.index + match[0].length - name.length;
    candidates.push({ entity: 'Name', start, end: start + name.length });
  }
  candidates.push(...compromiseSpans(text));
  const kept: PiiSpan[] = [];
  for (const span of candidates) {
    if (kept.some((other) => span.start < other.end && other.start < span.end)) continue;
    kept.push(span);
  }
  return kept.sort((a, b) => a.start - b.start);
}

export function redactText(text: string): RedactedText {
  const spans = findPii(text);
  let redacted = '';
  let cursor = 0;
  for (const span of spans) {
    redacted += `${text.slice(cursor, span.start)}[${span.entity}]`;
    cursor = span.end;
  }
  return { text: redacted + text.slice(cursor), spans };
}
