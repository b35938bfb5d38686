// What an operator runner reads (a transcript's sentences and participants) and what it answers:
// a result in the OperatorResults shape of TRANSCRIPTS.md §6, or no result and the reason why.

export interface TranscriptSentence {
  sentenceIndex: number;
  mediaChannel: number;
  /** Seconds; null when unknown. */
  startTime: number | null;
  endTime: number | null;
  text: string;
}

export interface TranscriptParticipant {
  channelParticipant: number;
  role: string | null;
  fullName: string | null;
}

export interface Transcript {
  sentences: TranscriptSentence[];
  participants: TranscriptParticipant[];
  /** Whole seconds of media, when known. */
  durationSeconds: number | null;
}

export type OperatorResultType =
  'conversation-classify' | 'utterance-classify' | 'extract' | 'extract-normalize' | 'pii-extract' | 'text-generation' | 'json';

export interface UtteranceResult {
  sentence_index: number;
  media_channel: number;
  label: string;
  probability: number;
  text: string;
}

export interface TextGenerationResult {
  result: string;
  format: 'text';
}

/** The fields of an operator result that an operator computes; the resource adds name, SIDs and url. */
export interface OperatorResultBody {
  operator_type: OperatorResultType;
  extract_match: boolean | null;
  match_probability: number | null;
  normalized_result: string | null;
  utterance_results: UtteranceResult[] | null;
  utterance_match: boolean | null;
  predicted_label: string | null;
  predicted_probability: number | null;
  label_probabilities: Record<string, number> | null;
  extract_results: Record<string, string[]> | null;
  text_generation_results: TextGenerationResult | null;
  json_results: Record<string, unknown> | null;
}

export type RunOutcome = { ok: true; result: OperatorResultBody } | { ok: false; reason: string };

export const noResult = (reason: string): RunOutcome => ({ ok: false, reason });
