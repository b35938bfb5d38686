// The form of an operator result served with Redacted=true (TRANSCRIPTS.md §6). Results are computed on
// the original text; this hides what they quote: classification labels and probabilities stay, every
// quoted string (extract_results, normalized_result, utterance texts, json_results' string values) gets
// PII markers, and text generation is replaced by `[Redacted: <friendly name>]` because a model's
// prose may restate PII in forms the rules cannot see.
import { findPii, redactText, type PiiSpan } from '../redaction/redact.js';
import type { OperatorResultBody } from '../operators/types.js';

/** Redacts one string a result quotes. */
export type StringRedactor = (text: string) => string;

interface SentenceText {
  transcript: string;
  redactedTranscript: string | null;
}

const isWordCharacter = (character: string | undefined) => character !== undefined && /[\p{L}\p{N}]/u.test(character);

/** Where `part` occurs in `text` as whole words, else anywhere; -1 when it does not. */
function occurrence(text: string, part: string): number {
  let first = -1;
  for (let at = text.indexOf(part); at !== -1; at = text.indexOf(part, at + 1)) {
    if (first === -1) first = at;
    if (!isWordCharacter(text[at - 1]) && !isWordCharacter(text[at + part.length])) return at;
  }
  return first;
}

/** text[start, end) with the PII spans that overlap it replaced by their markers. */
function redactedSlice(text: string, spans: readonly PiiSpan[], start: number, end: number): string {
  let out = '';
  let cursor = start;
  for (const span of spans) {
    if (span.end <= start || span.start >= end) continue;
    out += text.slice(cursor, Math.max(cursor, span.start)) + `[${span.entity}]`;
    cursor = Math.min(end, Math.max(cursor, span.end));
  }
  return out + text.slice(cursor, end);
}

/**
 * A whole sentence reads as the Sentences API serves it; a part of a sentence (an entity, a phrase)
 * is redacted with the PII found in its sentence, so "415" of a phone number said in full is hidden
 * too; any other string (a model's answer) goes through the PII rules on its own.
 */
export function sentenceRedactor(sentences: readonly SentenceText[]): StringRedactor {
  const whole = new Map<string, string>();
  for (const sentence of sentences) if (sentence.redactedTranscript !== null) whole.set(sentence.transcript, sentence.redactedTranscript);
  const spansOf = new Map<number, PiiSpan[]>();
  return (text) => {
    const known = whole.get(text);
    if (known !== undefined) return known;
    if (text.trim() !== '') {
      for (const [index, sentence] of sentences.entries()) {
        const at = occurrence(sentence.transcript, text);
        if (at === -1) continue;
        let spans = spansOf.get(index);
        if (spans === undefined) spansOf.set(index, (spans = findPii(sentence.transcript)));
        return redactedSlice(sentence.transcript, spans, at, at + text.length);
      }
    }
    return redactText(text).text;
  };
}

function redactJson(value: unknown, redact: StringRedactor): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((item) => redactJson(item, redact));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactJson(item, redact)]));
  }
  return value;
}

export function redactedResult(result: OperatorResultBody, operatorName: string, redact: StringRedactor): OperatorResultBody {
  const extractResults = result.extract_results;
  return {
    ...result,
    normalized_result: result.normalized_result === null ? null : redact(result.normalized_result),
    extract_results:
      extractResults === null
        ? null
        : Object.fromEntries(Object.entries(extractResults).map(([name, values]) => [name, values.map(redact)])),
    utterance_results: result.utterance_results?.map((utterance) => ({ ...utterance, text: redact(utterance.text) })) ?? null,
    text_generation_results: result.text_generation_results === null ? null : { result: `[Redacted: ${operatorName}]`, format: 'text' },
    json_results: result.json_results === null ? null : (redactJson(result.json_results, redact) as Record<string, unknown>),
  };
}
