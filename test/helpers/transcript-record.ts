// A transcript record as POST /v2/Transcripts leaves it (queued, nothing processed), for tests that
// write one straight into a store: each test gives the fields it cares about.
import { newSid, type AccountSid } from '../../src/sids.js';
import type { TranscriptRecord } from '../../src/store/store.js';

export function transcriptRecord(fields: { accountSid: AccountSid } & Partial<TranscriptRecord>): TranscriptRecord {
  const nowMs = fields.dateCreatedMs ?? Date.now();
  return {
    sid: newSid('GT'),
    serviceSid: newSid('GA'),
    status: 'queued',
    channelJson: '{}',
    mediaUrl: null,
    sourceSid: null,
    languageCode: 'en-US',
    dataLogging: false,
    redaction: false,
    mediaRedaction: false,
    customerKey: null,
    mediaStartTimeMs: null,
    durationSeconds: 0,
    operatorSids: [],
    errorCode: null,
    errorMessage: null,
    mediaPath: null,
    mediaContentType: null,
    redactedMediaPath: null,
    dateCreatedMs: nowMs,
    dateUpdatedMs: nowMs,
    ...fields,
  };
}
