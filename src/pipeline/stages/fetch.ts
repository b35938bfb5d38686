// Stage 1: the media, into this run's scratch directory — from the transcript's media_url, or for a
// source_sid from the configured Recordings API. Failures say whether a retry could help: a 5xx,
// 408 or 429, a timeout or a dropped connection may pass; everything else is the input's fault.
import { fetchMedia, type FetchedMedia, type MediaFetchFailure } from '../../net/fetch-media.js';
import type { RecordingsApi } from '../config.js';
import type { PipelineParts, Run } from '../context.js';
import { RECORDING_NOT_FOUND, TranscriptFailure } from '../failure.js';

export const FETCHED_FILE = 'original';

const RETRYABLE_STATUS = (status: number) => status >= 500 || status === 408 || status === 429;

export const NOT_CONFIGURED_MESSAGE =
  'Recording not found: no Recordings API is configured to fetch source_sid recordings from. Set RECORDINGS_BASE_URL ' +
  '(e.g. https://api.twilio.com), RECORDINGS_ACCOUNT_SID and RECORDINGS_AUTH_TOKEN, or create the transcript from a media_url';

export function recordingUrl(api: RecordingsApi, recordingSid: string): string {
  return `${api.baseUrl}/2010-04-01/Accounts/${api.accountSid}/Recordings/${encodeURIComponent(recordingSid)}.wav`;
}

export async function fetchStage(parts: PipelineParts, run: Run): Promise<FetchedMedia> {
  const { transcript } = run;
  let url: string;
  let headers: Record<string, string> | undefined;
  if (transcript.mediaUrl !== null) {
    url = transcript.mediaUrl;
  } else if (transcript.sourceSid !== null) {
    if (parts.recordings === null) throw new TranscriptFailure(RECORDING_NOT_FOUND, NOT_CONFIGURED_MESSAGE, false);
    url = recordingUrl(parts.recordings, transcript.sourceSid);
    const credentials = Buffer.from(`${parts.recordings.accountSid}:${parts.recordings.authToken}`).toString('base64');
    headers = { authorization: `Basic ${credentials}` };
  } else {
    throw new TranscriptFailure(RECORDING_NOT_FOUND, 'The transcript has neither a media_url nor a source_sid', false);
  }
  run.requestUrl = url;
  const fetched = await fetchMedia({
    ...parts.mediaFetch,
    url,
    policy: parts.outboundPolicy,
    directory: run.scratch,
    fileName: FETCHED_FILE,
    headers,
  });
  if (fetched.ok) return fetched;
  throw headers === undefined ? mediaUrlFailure(fetched, url) : recordingFailure(fetched, url, transcript.sourceSid!);
}

function mediaUrlFailure(failure: MediaFetchFailure, url: string): TranscriptFailure {
  const retryable =
    failure.kind === 'timeout' || failure.kind === 'network' || (failure.kind === 'http-status' && RETRYABLE_STATUS(failure.status ?? 0));
  return new TranscriptFailure(failure.code, failure.message, retryable, url);
}

function recordingFailure(failure: MediaFetchFailure, url: string, recordingSid: string): TranscriptFailure {
  if (failure.kind === 'http-status' && failure.status === 404) {
    return new TranscriptFailure(
      RECORDING_NOT_FOUND,
      `Recording ${recordingSid} not found: the Recordings API answered 404 (${url})`,
      false,
      url,
    );
  }
  if (failure.kind === 'http-status' && (failure.status === 401 || failure.status === 403)) {
    return new TranscriptFailure(
      RECORDING_NOT_FOUND,
      `Recording ${recordingSid} could not be fetched: the Recordings API refused the credentials (${failure.status}); ` +
        'check RECORDINGS_ACCOUNT_SID and RECORDINGS_AUTH_TOKEN',
      false,
      url,
    );
  }
  return mediaUrlFailure(failure, url);
}
