// Expected operator results written out in full (every field of TRANSCRIPTS.md §6), independently of
// the builders in src/operators/results.ts, so a test compares every field.
import type { OperatorResultBody, UtteranceResult } from '../../src/operators/types.js';

const nulls = {
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

export const classified = (label: string | null, probabilities: Record<string, number>): OperatorResultBody => ({
  ...nulls,
  operator_type: 'conversation-classify',
  predicted_label: label,
  predicted_probability: label === null ? null : (probabilities[label] ?? null),
  label_probabilities: probabilities,
});

export const extracted = (
  results: Record<string, string[]>,
  probability: number | null,
  type: 'extract' | 'extract-normalize' = 'extract',
): OperatorResultBody => ({
  ...nulls,
  operator_type: type,
  extract_match: Object.keys(results).length > 0,
  match_probability: probability,
  extract_results: results,
});

export const utterances = (results: UtteranceResult[]): OperatorResultBody => ({
  ...nulls,
  operator_type: 'utterance-classify',
  utterance_match: results.length > 0,
  utterance_results: results,
});

export const generated = (text: string): OperatorResultBody => ({
  ...nulls,
  operator_type: 'text-generation',
  text_generation_results: { result: text, format: 'text' },
});

export const jsonResult = (value: Record<string, unknown>): OperatorResultBody => ({
  ...nulls,
  operator_type: 'json',
  json_results: value,
});
