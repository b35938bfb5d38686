// The transcript job's name and payload: what the transcript rules enqueue and transcript-job.ts
// runs. A module of its own, so that enqueueing one does not import the pipeline (engines, media).
export const TRANSCRIPT_JOB = 'transcript';

export interface TranscriptJobPayload {
  transcriptSid: string;
}
