// Speech recognition behind one small interface (TRANSCRIPTS.md §4): one channel of PCM in,
// sentences of timed words out. Engines: openai (an OpenAI-compatible server), pocketsphinx (offline).
import type { WordRecord } from '../../media/documents/sentence.js';

export interface SpeechInput {
  /** Raw PCM, 16-bit signed little-endian mono (a channel file of a DecodedAudio). */
  pcmFile: string;
  sampleRate: number;
  /** The transcript's language, e.g. "en-US". */
  languageCode: string;
  signal?: AbortSignal;
}

export interface RecognisedSentence {
  startTime: number;
  endTime: number;
  /** 0–1; null when the engine gives none. */
  confidence: number | null;
  transcript: string;
  words: WordRecord[];
}

export interface SpeechEngine {
  readonly name: 'openai' | 'pocketsphinx' | 'none';
  /** Sentences of one channel in time order; fails with a MediaFailure 95106. */
  transcribe(input: SpeechInput): Promise<RecognisedSentence[]>;
}

export const mean = (values: number[]): number | null =>
  values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;

export const clamp01 = (value: number) => Math.min(1, Math.max(0, value));
