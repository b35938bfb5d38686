// Which words of a sentence a PII span covers, and so which time ranges of the media to silence.
// Words are found in the sentence text in order, ignoring case and punctuation; a word that cannot
// be found there (a recogniser's word list may differ from its text) is never silenced by guess.
import type { PiiEntity, PiiSpan } from './redact.js';

export interface TimedWord {
  word: string;
  start_time: number | null;
  end_time: number | null;
}

export interface PiiTimeRange {
  entity: PiiEntity;
  start: number;
  end: number;
}

const bare = (word: string) => word.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');

/** Character offsets of each word in the text, null when it is not there. */
export function wordOffsets(text: string, words: readonly string[]): Array<{ start: number; end: number } | null> {
  const lower = text.toLowerCase();
  let cursor = 0;
  return words.map((word) => {
    const needle = bare(word);
    if (needle === '') return null;
    const at = lower.indexOf(needle, cursor);
    if (at < 0) return null;
    cursor = at + needle.length;
    return { start: at, end: cursor };
  });
}

/** For each span, the indexes of the words it overlaps. */
export function piiWordIndexes(text: string, words: readonly string[], spans: readonly PiiSpan[]): number[][] {
  const offsets = wordOffsets(text, words);
  return spans.map((span) =>
    offsets.flatMap((offset, index) => (offset !== null && offset.start < span.end && span.start < offset.end ? [index] : [])),
  );
}

/** The time ranges (seconds) of the PII words that have times: what media redaction silences. */
export function piiTimeRanges(text: string, words: readonly TimedWord[], spans: readonly PiiSpan[]): PiiTimeRange[] {
  const indexes = piiWordIndexes(
    text,
    words.map((w) => w.word),
    spans,
  );
  const ranges: PiiTimeRange[] = [];
  spans.forEach((span, i) => {
    const timed = (indexes[i] ?? []).flatMap((index) => {
      const word = words[index];
      return word !== undefined && word.start_time !== null && word.end_time !== null
        ? [{ start: word.start_time, end: word.end_time }]
        : [];
    });
    const first = timed[0];
    const last = timed.at(-1);
    if (first === undefined || last === undefined) return;
    ranges.push({ entity: span.entity, start: first.start, end: last.end });
  });
  return ranges;
}
