// The form of an operator result served with Redacted=true (TRANSCRIPTS.md §6). Results are computed on
// the original text; this hides what they quote: classification labels and probabilities stay, every
// quoted string (extract_results, normalized_result, utterance texts, json_results' string values) gets
// PII markers, and text generation is replaced by `[Redacted: <friendly name>]` because a model's
// prose may restate PII in forms the rules cannot see.
import { redactText } from '../redaction/redact.js';
import type { OperatorResultBody } from '../operators/types.js';

/** Redacts one quoted string: a sentence's stored redacted form when the string is that sentence, else the PII rules. */
export type StringRedactor = (text: string) => string;

/** A redactor that reuses the sentences' redacted forms, so results read as the Sentences API does. */
export function sentenceRedactor(sentences: ReadonlyArray<{ transcript: string; redactedTranscript: string | null }>): StringRedactor {
  const known = new Map<string, string>();
  for (const sentence of sentences) if (sentence.redactedTranscript !== null) known.set(sentence.transcript, sentence.redactedTranscript);
  return (text) => known.get(text) ?? redactText(text).text;
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
      extractResults === null ? null : Object.fromEntries(Object.entries(extractResults).map(([name, values]) => [name, values.map(redact)])),
    utterance_results: result.utterance_results?.map((utterance) => ({ ...utterance, text: redact(utterance.text) })) ?? null,
    text_generation_results: result.text_generation_results === null ? null : { result: `[Redacted: ${operatorName}]`, format: 'text' },
    json_results: result.json_results === null ? null : (redactJson(result.json_results, redact) as Record<string, unknown>),
  };
}
