// What a transcript's outcome leaves besides its status, written in the same unit of work: an Alert
// (the Monitor API) for a failed transcript and for each operator that could not run.
import { recordAlert } from '../resources/alerts/rules.js';
import type { StoreOperations, TranscriptRecord } from '../store/store.js';
import type { OperatorsOutcome } from './context.js';

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

/** An operator attached to the transcript's service gave no result [ours: Twilio names no code for it]. */
export const OPERATOR_FAILED_CODE = 95150;

export async function alertTranscriptFailed(tx: StoreOperations, event: TranscriptFailedEvent): Promise<void> {
  await recordAlert(tx, {
    accountSid: event.accountSid,
    serviceSid: event.serviceSid,
    resourceSid: event.transcriptSid,
    errorCode: event.code,
    logLevel: 'error',
    alertText: `Transcript ${event.transcriptSid} failed: ${event.message}`,
    requestUrl: event.requestUrl,
    requestMethod: event.requestUrl === null ? null : 'GET',
  });
}

export async function alertOperatorFailures(
  tx: StoreOperations,
  transcript: TranscriptRecord,
  failures: OperatorsOutcome['failures'],
  nowMs: number,
): Promise<void> {
  for (const failure of failures) {
    const operator = failure.name === null ? `Operator ${failure.operatorSid}` : `Operator "${failure.name}" (${failure.operatorSid})`;
    await recordAlert(
      tx,
      {
        accountSid: transcript.accountSid,
        serviceSid: transcript.serviceSid,
        resourceSid: transcript.sid,
        errorCode: OPERATOR_FAILED_CODE,
        logLevel: 'warning',
        alertText: `${operator} gave no result on transcript ${transcript.sid}: ${failure.reason}`,
      },
      nowMs,
    );
  }
}
