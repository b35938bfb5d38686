// Builders for the result shapes of TRANSCRIPTS.md §6: each sets its own fields, every other is null.
import type { OperatorResultBody, OperatorResultType, RunOutcome, UtteranceResult } from './types.js';

function empty(operatorType: OperatorResultType): OperatorResultBody {
  return {
    operator_type: operatorType,
    extract_match: null,
    match_probability: null,
    normalized_result: null,
    utterance_results: null,
    utterance_match: null,
    predicted_label: null,
    predicted_probability: null,
    label_probabilities: null,
    extract_results: null,
    text_generation_results: null,
    json_results: null,
  };
}

/** The result's fields in the order the spec lists them (name and operator_sid, which the API adds, aside). */
export const RESULT_FIELDS = [
  'operator_type',
  'extract_match',
  'match_probability',
  'normalized_result',
  'utterance_results',
  'utterance_match',
  'predicted_label',
  'predicted_probability',
  'label_probabilities',
  'extract_results',
  'text_generation_results',
  'json_results',
] as const satisfies ReadonlyArray<keyof OperatorResultBody>;

/** A result as stored: its fields, and only those, in RESULT_FIELDS order (the API splices them in as they are). */
export const resultJson = (result: OperatorResultBody): string =>
  JSON.stringify(Object.fromEntries(RESULT_FIELDS.map((field) => [field, result[field] ?? null])));

const ok = (result: OperatorResultBody): RunOutcome => ({ ok: true, result });

/** Probabilities are rounded to 4 decimals so that results compare exactly across runs and stores. */
export const round = (p: number): number => Math.round(p * 10_000) / 10_000;

export function conversationClassify(predictedLabel: string | null, labelProbabilities: Record<string, number>): RunOutcome {
  const rounded = Object.fromEntries(Object.entries(labelProbabilities).map(([label, p]) => [label, round(p)]));
  return ok({
    ...empty('conversation-classify'),
    predicted_label: predictedLabel,
    predicted_probability: predictedLabel === null ? null : (rounded[predictedLabel] ?? null),
    label_probabilities: rounded,
  });
}

/**
 * A rule classifier's answer: the rule's label with its documented confidence, the remainder spread
 * evenly over the other labels.
 */
export function ruleClassify(labels: readonly string[], predicted: string, confidence: number): RunOutcome {
  const rest = labels.length > 1 ? (1 - confidence) / (labels.length - 1) : 0;
  return conversationClassify(predicted, Object.fromEntries(labels.map((label) => [label, label === predicted ? confidence : rest])));
}

export function utteranceClassify(results: UtteranceResult[]): RunOutcome {
  return ok({
    ...empty('utterance-classify'),
    utterance_match: results.length > 0,
    utterance_results: results.map((r) => ({ ...r, probability: round(r.probability) })),
  });
}

export function extract(
  operatorType: 'extract' | 'extract-normalize',
  extractResults: Record<string, string[]>,
  matchProbability: number | null,
): RunOutcome {
  const matched = Object.values(extractResults).some((values) => values.length > 0);
  return ok({
    ...empty(operatorType),
    extract_match: matched,
    match_probability: matchProbability === null ? null : round(matchProbability),
    extract_results: extractResults,
  });
}

export function textGeneration(text: string): RunOutcome {
  return ok({ ...empty('text-generation'), text_generation_results: { result: text, format: 'text' } });
}

export function json(value: Record<string, unknown>): RunOutcome {
  return ok({ ...empty('json'), json_results: value });
}
