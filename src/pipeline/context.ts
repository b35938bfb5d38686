// What the transcript job's stages share: the parts of the server they use, and one run's state.
import type { FastifyBaseLogger } from 'fastify';
import type { SpeechEngine } from '../engines/speech/engine.js';
import type { MediaStore } from '../media/media-store.js';
import type { MediaFetchLimits } from '../net/fetch-media.js';
import type { OutboundPolicy } from '../net/outbound-policy.js';
import type { ThreadPool } from '../jobs/threads.js';
import type { Store, StoredOperatorResult, StoredSentence, StoreOperations, TranscriptRecord } from '../store/store.js';
import type { TranscriptFailedEvent } from './alerts.js';
import type { RecordingsApi } from './config.js';

/**
 * The operators stage: the results of the transcript's operators (transcript.operatorSids) on its
 * stored sentences, which the job stores before completing the transcript. Absent: no results stored.
 */
export type OperatorsStage = (transcript: TranscriptRecord, sentences: StoredSentence[], signal: AbortSignal) => Promise<OperatorsOutcome>;

/** What the operators stage answers: the results to store, and why the others gave none. */
export interface OperatorsOutcome {
  results: StoredOperatorResult[];
  failures: Array<{ operatorSid: string; name: string | null; reason: string }>;
}

export interface PipelineParts {
  store: Store;
  media: MediaStore;
  speech: SpeechEngine;
  outboundPolicy: OutboundPolicy;
  mediaFetch: MediaFetchLimits;
  recordings: RecordingsApi | null;
  log: FastifyBaseLogger;
  /** The process's worker threads (audio decoding and redaction run there). */
  threads: ThreadPool;
  operators?: OperatorsStage;
  /** Writes, in the unit of work that fails the transcript, what else a failure leaves (its Alert). */
  onTranscriptFailed: (tx: StoreOperations, event: TranscriptFailedEvent) => Promise<void>;
  /**
   * Writes, in the unit of work that completes the transcript, what else completion leaves: an Alert
   * per operator that could not run, and the service's webhook.
   */
  onTranscriptCompleted?: (
    tx: StoreOperations,
    transcript: TranscriptRecord,
    failures: OperatorsOutcome['failures'],
    nowMs: number,
  ) => Promise<void>;
  now?: () => number;
  /** Waits, before each stage, for a moment without API requests (bounded; http/activity.ts); none: goes on at once. */
  giveWay?: () => Promise<void>;
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
