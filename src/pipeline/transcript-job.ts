// The transcript job's name and payload: what POST /v2/Transcripts enqueues (in the unit of work that
// inserts the transcript) and what the pipeline's handler (src/pipeline) runs.
export const TRANSCRIPT_JOB = 'transcript';

export interface TranscriptJobPayload {
  transcriptSid: string;
}
