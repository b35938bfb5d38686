// Why a transcript job stopped, and whether another attempt could do better. The input's own faults
// (bad media, a refused or missing URL, too large) fail the transcript at once; what may pass (a
// server error or timeout while downloading, the database, the disk) is retried through the job
// queue, and fails the transcript on the last attempt.
import { MediaFailure } from '../media/failure.js';

export const RECORDING_NOT_FOUND = 95102;
/** What an error that is not the media's fault fails the transcript with on its last attempt. */
export const PROCESSING_FAILED = 95106;

export class TranscriptFailure extends Error {
  override name = 'TranscriptFailure';
  constructor(
    readonly code: number,
    message: string,
    /** True when another attempt may succeed (the queue retries it); false: the transcript fails now. */
    readonly retryable: boolean,
    /** The URL that failed, for the alert. */
    readonly requestUrl: string | null = null,
  ) {
    super(message);
  }
}

/** The transcript was deleted (or finished by another run) while this one worked: stop, quietly. */
export class TranscriptGone extends Error {
  override name = 'TranscriptGone';
}

/** Any error as a TranscriptFailure: a MediaFailure is final; anything unknown (database, disk) is retryable. */
export function asTranscriptFailure(error: unknown): TranscriptFailure {
  if (error instanceof TranscriptFailure) return error;
  if (error instanceof MediaFailure) return new TranscriptFailure(error.code, error.message, false);
  const text = error instanceof Error ? error.message : String(error);
  return new TranscriptFailure(PROCESSING_FAILED, `Processing failed: ${text}`, true);
}
