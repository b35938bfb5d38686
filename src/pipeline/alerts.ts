// The one hook for "a transcript failed": the job calls it after storing (and logging) the failure.
// Today it only notes at debug level that no alert is kept; the Monitor API's recordAlert plugs in here.
import type { FastifyBaseLogger } from 'fastify';

export interface TranscriptFailedEvent {
  accountSid: string;
  serviceSid: string;
  transcriptSid: string;
  /** Twilio's 95xxx code. */
  code: number;
  message: string;
  /** The media (or recording) URL the job fetched, when the failure concerns it. */
  requestUrl: string | null;
}

export const logTranscriptFailed =
  (log: FastifyBaseLogger) =>
  async (event: TranscriptFailedEvent): Promise<void> => {
    log.debug({ transcript_sid: event.transcriptSid, code: event.code }, 'transcript failed: no alert recorded (alerts are not connected)');
  };
