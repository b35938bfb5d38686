// What the transcript job's stages share: the parts of the server they use, and one run's state.
import type { FastifyBaseLogger } from 'fastify';
import type { SpeechEngine } from '../engines/speech/engine.js';
import type { MediaStore } from '../media/media-store.js';
import type { MediaFetchLimits } from '../net/fetch-media.js';
import type { OutboundPolicy } from '../net/outbound-policy.js';
import type { Store, StoredOperatorResult, StoredSentence, TranscriptRecord } from '../store/store.js';
import type { TranscriptFailedEvent } from './alerts.js';
import type { RecordingsApi } from './config.js';

/**
 * The operators stage: the results of the transcript's operators (transcript.operatorSids) on its
 * stored sentences, which the job stores before completing the transcript. Absent: no results stored.
 */
export type OperatorsStage = (transcript: TranscriptRecord, sentences: StoredSentence[], signal: AbortSignal) => Promise<StoredOperatorResult[]>;

export interface PipelineParts {
  store: Store;
  media: MediaStore;
  speech: SpeechEngine;
  outboundPolicy: OutboundPolicy;
  mediaFetch: MediaFetchLimits;
  recordings: RecordingsApi | null;
  log: FastifyBaseLogger;
  operators?: OperatorsStage;
  /** Called once per failed transcript, after the failure is stored (today: a log line; the lead connects alerts). */
  onTranscriptFailed: (event: TranscriptFailedEvent) => Promise<void>;
  now?: () => number;
}

/** One run of the job on one transcript. */
export interface Run {
  transcript: TranscriptRecord;
  /** This run's scratch directory (removed when the run ends, however it ends). */
  scratch: string;
  signal: AbortSignal;
  /** The URL the media came from, once known (for a failure's alert). */
  requestUrl: string | null;
}
