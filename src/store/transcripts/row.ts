// Transcript, sentence and operator-result rows as both databases return them, and their records.
// Booleans differ (SQLite 0/1, PostgreSQL true/false); PostgreSQL BIGINT arrives as text.
import type { AccountSid, OperatorSid, ServiceSid, TranscriptSid } from '../../sids.js';
import type { SentenceRecord, StoredOperatorResult, StoredSentence, StoredWord, TranscriptRecord, TranscriptStatus } from '../store.js';

export const TRANSCRIPT_COLUMNS =
  'sid, account_sid, service_sid, status, channel, media_url, source_sid, language_code, data_logging, redaction, ' +
  'media_redaction, customer_key, media_start_time, duration, operator_sids, error_code, error_message, media_path, ' +
  'media_content_type, redacted_media_path, date_created, date_updated';

export interface TranscriptRow {
  sid: string;
  account_sid: string;
  service_sid: string;
  status: string;
  channel: string;
  media_url: string | null;
  source_sid: string | null;
  language_code: string;
  data_logging: number | boolean;
  redaction: number | boolean;
  media_redaction: number | boolean;
  customer_key: string | null;
  media_start_time: number | string | null;
  duration: number;
  operator_sids: string;
  error_code: number | null;
  error_message: string | null;
  media_path: string | null;
  media_content_type: string | null;
  redacted_media_path: string | null;
  date_created: number | string;
  date_updated: number | string;
}

const optionalNumber = (value: number | string | null): number | null => (value === null ? null : Number(value));

export const transcriptFromRow = (row: TranscriptRow): TranscriptRecord => ({
  // Rows hold what was checked before it was written.
  sid: row.sid as TranscriptSid,
  accountSid: row.account_sid as AccountSid,
  serviceSid: row.service_sid as ServiceSid,
  status: row.status as TranscriptStatus,
  channelJson: row.channel,
  mediaUrl: row.media_url,
  sourceSid: row.source_sid,
  languageCode: row.language_code,
  dataLogging: Boolean(row.data_logging),
  redaction: Boolean(row.redaction),
  mediaRedaction: Boolean(row.media_redaction),
  customerKey: row.customer_key,
  mediaStartTimeMs: optionalNumber(row.media_start_time),
  durationSeconds: row.duration,
  operatorSids: JSON.parse(row.operator_sids) as OperatorSid[],
  errorCode: row.error_code,
  errorMessage: row.error_message,
  mediaPath: row.media_path,
  mediaContentType: row.media_content_type,
  redactedMediaPath: row.redacted_media_path,
  dateCreatedMs: Number(row.date_created),
  dateUpdatedMs: Number(row.date_updated),
});

/** The values of TRANSCRIPT_COLUMNS, in order, with booleans as `flag` writes them. */
export const transcriptValues = (t: TranscriptRecord, flag: (value: boolean) => number | boolean): unknown[] => [
  t.sid,
  t.accountSid,
  t.serviceSid,
  t.status,
  t.channelJson,
  t.mediaUrl,
  t.sourceSid,
  t.languageCode,
  flag(t.dataLogging),
  flag(t.redaction),
  flag(t.mediaRedaction),
  t.customerKey,
  t.mediaStartTimeMs,
  t.durationSeconds,
  JSON.stringify(t.operatorSids),
  t.errorCode,
  t.errorMessage,
  t.mediaPath,
  t.mediaContentType,
  t.redactedMediaPath,
  t.dateCreatedMs,
  t.dateUpdatedMs,
];

export const SENTENCE_COLUMNS =
  'transcript_sid, sentence_index, sid, media_channel, start_time, end_time, confidence, transcript, words, redacted_transcript, redacted_words';

export interface SentenceRow {
  transcript_sid: string;
  sentence_index: number;
  sid: string;
  media_channel: number;
  start_time: number | null;
  end_time: number | null;
  confidence: number | null;
  transcript: string;
  words: string;
  redacted_transcript: string | null;
  redacted_words: string | null;
}

// Words are stored as the JSON the Sentences API serves, so a page splices them in without parsing
// (bench/README.md). Times are rounded to the millisecond when written: 1.36 reads "1.36", never
// "1.3600000000000001". Rows written before kept compact [word, start, end] triples; they are
// read into the same form. Words that are only the sentence's text split at whitespace, without
// times (a document that gives text alone), are stored as TEXT_WORDS and written out from the text
// when read: the row is a quarter of the size, and writing it a third of the time.
/** Seconds as JSON, rounded to the millisecond; null for no time (or one that is not a finite number). */
const millis = (seconds: number | null): string =>
  seconds === null || !Number.isFinite(seconds) ? 'null' : String(Math.round(seconds * 1000) / 1000);
/** The words as the Sentences API serves them, written out directly (a transcript holds ~13 words a sentence). */
export function encodeWords(words: readonly StoredWord[]): string {
  let json = '[';
  for (const [index, word] of words.entries()) {
    if (index > 0) json += ',';
    json += `{"word":${JSON.stringify(word.word)},"start_time":${millis(word.startTime)},"end_time":${millis(word.endTime)}}`;
  }
  return json + ']';
}

/** The stored words of a sentence whose words are its text's, without times (never valid JSON, so never a list of words). */
export const TEXT_WORDS = '';
const WHITESPACE = /\s+/;
/** The words of a text, split at whitespace (documents' wordsOf). */
export const textWords = (text: string): string[] => text.split(WHITESPACE).filter((word) => word.length > 0);

/** Whether `words` are exactly the words of `text`, none with a time. */
function areTextWords(words: readonly StoredWord[], text: string): boolean {
  let joined = '';
  for (const [index, word] of words.entries()) {
    if (word.startTime !== null || word.endTime !== null || word.word.includes(' ')) return false;
    joined += index === 0 ? word.word : ` ${word.word}`;
  }
  // Plain text's words are the pieces between its single spaces, so words without spaces that join to it are its words.
  if (isPlain(text)) return joined === text;
  const split = textWords(text);
  return split.length === words.length && split.every((word, index) => word === words[index]!.word);
}

// Text whose words JSON.stringify leaves as they are, separated by single spaces: split by one replace.
// eslint-disable-next-line no-control-regex -- control characters are what JSON.stringify escapes
const NOT_PLAIN = /[^\S ]|["\\\u0000-\u001f\ud800-\udfff]| {2}|^ | $|^$/;
const isPlain = (text: string) => !NOT_PLAIN.test(text);
const UNTIMED = '","start_time":null,"end_time":null}';
/** The served words of a TEXT_WORDS sentence, from its text. */
export function textWordsJson(text: string): string {
  if (isPlain(text)) return `[{"word":"${text.replaceAll(' ', `${UNTIMED},{"word":"`)}${UNTIMED}]`;
  return encodeWords(textWords(text).map((word) => ({ word, startTime: null, endTime: null })));
}

type WordTriple = [string, number | null, number | null];
/** Stored words as served: TEXT_WORDS written from the text, triples re-encoded, served JSON as is. */
const servedWords = (stored: string, text: string): string =>
  stored === TEXT_WORDS
    ? textWordsJson(text)
    : stored.startsWith('[[')
      ? encodeWords((JSON.parse(stored) as WordTriple[]).map(([word, startTime, endTime]) => ({ word, startTime, endTime })))
      : stored;

/** Served words JSON back as words (for tests and tools; pages never parse them). */
export const decodeWords = (json: string): StoredWord[] =>
  (JSON.parse(json) as Array<{ word: string; start_time: number | null; end_time: number | null }>).map((w) => ({
    word: w.word,
    startTime: w.start_time,
    endTime: w.end_time,
  }));

/** A row of SENTENCE_COLUMNS as an array, in their order (SQLite's raw rows). */
export type SentenceValues = [
  transcriptSid: string,
  sentenceIndex: number,
  sid: string,
  mediaChannel: number,
  startTime: number | null,
  endTime: number | null,
  confidence: number | null,
  transcript: string,
  words: string,
  redactedTranscript: string | null,
  redactedWords: string | null,
];

/**
 * A sentence read from its row. A class, not an object literal: V8 moves a literal's allocations to
 * the old generation once a scavenge finds most of them alive, which a page's records all are while
 * the page is put together. Old records then keep the strings they hold alive through every
 * scavenge until the next major GC: each scavenge copied ~4.6 MB, 10–20 ms instead of 1, for the
 * rest of the process (bench/README.md). `new` has no allocation site for V8 to move.
 */
class SentenceFromValues implements SentenceRecord {
  readonly sid: string;
  readonly transcriptSid: string;
  readonly sentenceIndex: number;
  readonly mediaChannel: number;
  readonly startTime: number | null;
  readonly endTime: number | null;
  readonly confidence: number | null;
  readonly transcript: string;
  readonly wordsJson: string;
  readonly redactedTranscript: string | null;
  readonly redactedWordsJson: string | null;
  readonly wordTimes: boolean;
  constructor(v: SentenceValues) {
    this.sid = v[2];
    this.transcriptSid = v[0];
    this.sentenceIndex = v[1];
    this.mediaChannel = v[3];
    this.startTime = v[4];
    this.endTime = v[5];
    this.confidence = v[6];
    this.transcript = v[7];
    this.wordsJson = servedWords(v[8], v[7]);
    this.redactedTranscript = v[9];
    this.redactedWordsJson = v[10] === null ? null : servedWords(v[10], v[9] ?? '');
    this.wordTimes = v[8] !== TEXT_WORDS || (v[10] !== null && v[10] !== TEXT_WORDS);
  }
}
export const sentenceFromValues = (v: SentenceValues): SentenceRecord => new SentenceFromValues(v);

/** A named row (PostgreSQL's), read as sentenceFromValues reads SQLite's arrays. */
export const sentenceFromRow = (row: SentenceRow): SentenceRecord =>
  sentenceFromValues([
    row.transcript_sid,
    row.sentence_index,
    row.sid,
    row.media_channel,
    row.start_time,
    row.end_time,
    row.confidence,
    row.transcript,
    row.words,
    row.redacted_transcript,
    row.redacted_words,
  ]);

export const sentenceValues = (transcriptSid: string, s: StoredSentence): unknown[] => [
  transcriptSid,
  s.sentenceIndex,
  s.sid,
  s.mediaChannel,
  s.startTime,
  s.endTime,
  s.confidence,
  s.transcript,
  storedWords(s.words, s.transcript),
  s.redactedTranscript,
  s.redactedWords === null ? null : storedWords(s.redactedWords, s.redactedTranscript ?? ''),
];

/** Words already encoded by prepareSentences, by the array they were encoded from. */
const encoded = new WeakMap<readonly StoredWord[], string>();
const storedWords = (words: readonly StoredWord[] | null, text: string): string =>
  words === null ? TEXT_WORDS : (encoded.get(words) ?? wordsToStore(words, text));
const wordsToStore = (words: readonly StoredWord[], text: string): string => (areTextWords(words, text) ? TEXT_WORDS : encodeWords(words));

/** Sentences encoded a slice at a time, the event loop turning between slices. */
const PREPARED_PER_TURN = 50;

/**
 * Encodes the sentences' words ahead of their write, a slice per turn of the event loop: the write
 * (one unit of work, which must not let the loop turn) then only inserts them. A transcript's
 * ~6,500 words take milliseconds to encode, which requests waiting meanwhile would feel.
 */
export async function prepareSentences(sentences: readonly StoredSentence[]): Promise<void> {
  for (let start = 0; start < sentences.length; start += PREPARED_PER_TURN) {
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    for (const sentence of sentences.slice(start, start + PREPARED_PER_TURN)) {
      if (sentence.words !== null) encoded.set(sentence.words, wordsToStore(sentence.words, sentence.transcript));
      if (sentence.redactedWords !== null)
        encoded.set(sentence.redactedWords, wordsToStore(sentence.redactedWords, sentence.redactedTranscript ?? ''));
    }
  }
}

export const RESULT_COLUMNS = 'transcript_sid, operator_sid, name, position, result, redacted_result, date_created';

export interface ResultRow {
  transcript_sid: string;
  operator_sid: string;
  name: string;
  position: number;
  result: string;
  redacted_result: string | null;
  date_created: number | string;
}

export const resultFromRow = (row: ResultRow): StoredOperatorResult => ({
  transcriptSid: row.transcript_sid,
  operatorSid: row.operator_sid,
  name: row.name,
  position: row.position,
  resultJson: row.result,
  redactedResultJson: row.redacted_result,
  dateCreatedMs: Number(row.date_created),
});

export const resultValues = (transcriptSid: string, r: StoredOperatorResult): unknown[] => [
  transcriptSid,
  r.operatorSid,
  r.name,
  r.position,
  r.resultJson,
  r.redactedResultJson,
  r.dateCreatedMs,
];

/** The filter's conditions as SQL (`?` placeholders, or `$n` from `first` when numbered) and their values. */
export function filterConditions(
  filter: import('../store.js').TranscriptFilter,
  placeholder: (index: number) => string,
  first: number,
): { sql: string; values: unknown[] } {
  const parts: string[] = [];
  const values: unknown[] = [];
  const add = (condition: string, value: unknown) => {
    values.push(value);
    parts.push(condition.replace('?', placeholder(first + values.length - 1)));
  };
  if (filter.serviceSid !== undefined) add('service_sid = ?', filter.serviceSid);
  if (filter.status !== undefined) add('status = ?', filter.status);
  if (filter.languageCode !== undefined) add('language_code = ?', filter.languageCode);
  if (filter.sourceSid !== undefined) add('source_sid = ?', filter.sourceSid);
  if (filter.createdAfterMs !== undefined) add('date_created > ?', filter.createdAfterMs);
  if (filter.createdBeforeMs !== undefined) add('date_created < ?', filter.createdBeforeMs);
  if (filter.startAfterMs !== undefined) add('media_start_time > ?', filter.startAfterMs);
  if (filter.startBeforeMs !== undefined) add('media_start_time < ?', filter.startBeforeMs);
  return { sql: parts.map((part) => ` AND ${part}`).join(''), values };
}
