// What the parse and transcribe stages hand on: sentences in Twilio's order and the media's length.
import type { DecodedAudio } from '../../media/audio/pcm.js';
import type { SentenceRecord } from '../../media/documents/sentence.js';

export interface Recognised {
  sentences: SentenceRecord[];
  /** Whole seconds of the media (the transcript's `duration`). */
  durationSeconds: number;
  /** The decoded channels, for media redaction; null for documents. */
  audio: DecodedAudio | null;
}

export const wholeSeconds = (seconds: number) => Math.max(0, Math.round(seconds));
