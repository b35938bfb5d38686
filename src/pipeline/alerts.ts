// The one hook for "a transcript failed": the job calls it after storing the failure. Today it writes
// the structured log line; the Monitor API's recordAlert plugs in here (code, message, request URL).
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
    log.warn(
      {
        transcript_sid: event.transcriptSid,
        account_sid: event.accountSid,
        service_sid: event.serviceSid,
        code: event.code,
        request_url: event.requestUrl,
      },
      `transcript failed: ${event.message}`,
    );
  };
