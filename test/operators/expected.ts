// Expected operator results written out in full (every field of TRANSCRIPTS.md §6), independently of
// the builders in src/operators/results.ts, so a test compares every field; and the pre-built
// operators expected in the catalog.
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

/** The pre-built operators Twilio documents, in the order of its documentation. */
export const DOCUMENTED_PREBUILT = [
  'Sentiment Analysis',
  'Summarization',
  'Entity Recognition',
  'Agent Introduction',
  'Escalation Request',
  'Recording Disclosure',
  'Do Not Contact Me',
  'Outbound Call Disposition',
  'Voicemail Detection',
  'Unavailable Party Detector',
  'Non English Call',
  'Password Reset',
  'Call Transfer',
];

// The labels of the pre-built operators that classify by rules, in the order of their results.
export const TRANSFER = ['Transfer', 'NoTransfer'];
export const VOICEMAIL = ['voicemail', 'not_voicemail'];
export const UNAVAILABLE = ['UnavailableParty', 'NoClass'];
export const DISPOSITIONS = ['GhostCall', 'IVR', 'NoContent', 'Ordinary', 'StopContactingMe', 'Voicemail', 'WrongNumber'];

/** A rule's label with its confidence, the remainder spread evenly over the other labels. */
export function rule(labels: string[], label: string, confidence: number): OperatorResultBody {
  const rest = Math.round(((1 - confidence) / (labels.length - 1)) * 10_000) / 10_000;
  return classified(label, Object.fromEntries(labels.map((l) => [l, l === label ? confidence : rest])));
}
