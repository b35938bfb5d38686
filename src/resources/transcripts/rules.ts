// Transcripts: create (the transcript and its job in one unit of work), read, list, delete; the
// reads of their sentences and media. Every read is scoped to the caller's account.
import { conflict, invalidParameter, resourceNotFound, TwilioError } from '../../errors.js';
import { enqueue } from '../../jobs/queue.js';
import { isTranscriptionLanguage, TRANSCRIPTION_LANGUAGES } from '../../languages.js';
import type { MediaStore } from '../../media/media-store.js';
import { TRANSCRIPT_JOB, type TranscriptJobPayload } from '../../pipeline/transcript-job-name.js';
import { isSid, newSid, type AccountSid, type ServiceSid, type TranscriptSid } from '../../sids.js';
import type {
  KeysetQuery,
  SentenceQuery,
  SentenceRecord,
  Store,
  TranscriptFilter,
  TranscriptRecord,
  TranscriptStatus,
} from '../../store/store.js';
import { parseChannel } from './channel.js';
import { parseIsoDateTime } from './dates.js';

export interface TranscriptInput {
  serviceSid: string;
  /** The `Channel` form parameter: JSON text. */
  channel: string;
  customerKey?: string;
  mediaStartTime?: string;
}

/** The list's filters as the query string gives them (each optional). */
export interface TranscriptFilterInput {
  ServiceSid?: string;
  BeforeStartTime?: string;
  AfterStartTime?: string;
  BeforeDateCreated?: string;
  AfterDateCreated?: string;
  Status?: string;
  LanguageCode?: string;
  SourceSid?: string;
}

/** The order the filters are echoed in paging URLs (the spec's). */
export const FILTER_PARAMETERS = [
  'ServiceSid',
  'BeforeStartTime',
  'AfterStartTime',
  'BeforeDateCreated',
  'AfterDateCreated',
  'Status',
  'LanguageCode',
  'SourceSid',
] as const satisfies ReadonlyArray<keyof TranscriptFilterInput>;

/** The statuses of the spec's enum; only the first four are ever produced (TRANSCRIPTS.md §2). */
export const STATUSES = ['queued', 'in-progress', 'completed', 'failed', 'new', 'canceled', 'error'] as const;
const PRODUCED_STATUSES: readonly string[] = STATUSES.slice(0, 4);

/** Which stored file a media URL serves. */
export type MediaVariant = 'original' | 'redacted';

export interface MediaFile {
  transcript: TranscriptRecord;
  /** Relative to MEDIA_DIR. */
  path: string;
  contentType: string;
}

const serviceNotFound = (serviceSid: string) =>
  new TwilioError(404, 20404, `The requested resource /v2/Services/${serviceSid} was not found`);

function dateFilter(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseIsoDateTime(value, true);
  if (ms === null) {
    throw invalidParameter(`Invalid parameter ${name}: must be an ISO 8601 date-time such as 2026-12-07T09:30:00Z (or a date, 2026-12-07)`);
  }
  return ms;
}

function sidFilter(name: string, prefix: 'GA' | 'RE', value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!isSid(prefix, value)) throw invalidParameter(`Invalid parameter ${name}: must be ${prefix} followed by 32 hex digits`);
  return value;
}

/** The filter of GET /v2/Transcripts, or null when it can match nothing (a status never produced). */
export function transcriptFilter(input: TranscriptFilterInput): TranscriptFilter | null {
  const filter: TranscriptFilter = {};
  const serviceSid = sidFilter('ServiceSid', 'GA', input.ServiceSid);
  if (serviceSid !== undefined) filter.serviceSid = serviceSid;
  const sourceSid = sidFilter('SourceSid', 'RE', input.SourceSid);
  if (sourceSid !== undefined) filter.sourceSid = sourceSid;
  const startBeforeMs = dateFilter('BeforeStartTime', input.BeforeStartTime);
  if (startBeforeMs !== undefined) filter.startBeforeMs = startBeforeMs;
  const startAfterMs = dateFilter('AfterStartTime', input.AfterStartTime);
  if (startAfterMs !== undefined) filter.startAfterMs = startAfterMs;
  const createdBeforeMs = dateFilter('BeforeDateCreated', input.BeforeDateCreated);
  if (createdBeforeMs !== undefined) filter.createdBeforeMs = createdBeforeMs;
  const createdAfterMs = dateFilter('AfterDateCreated', input.AfterDateCreated);
  if (createdAfterMs !== undefined) filter.createdAfterMs = createdAfterMs;
  if (input.LanguageCode !== undefined) {
    if (!isTranscriptionLanguage(input.LanguageCode)) {
      throw invalidParameter(
        `Invalid parameter LanguageCode: "${input.LanguageCode}" is not a supported language (${TRANSCRIPTION_LANGUAGES.join(', ')})`,
      );
    }
    filter.languageCode = input.LanguageCode;
  }
  if (input.Status !== undefined) {
    if (!(STATUSES as readonly string[]).includes(input.Status)) {
      throw invalidParameter(`Invalid parameter Status: must be one of ${STATUSES.join(', ')}`);
    }
    if (!PRODUCED_STATUSES.includes(input.Status)) return null;
    filter.status = input.Status as TranscriptStatus;
  }
  return filter;
}

export class TranscriptRules {
  constructor(
    private readonly store: Store,
    private readonly mediaStore: MediaStore,
  ) {}

  async create(accountSid: AccountSid, input: TranscriptInput): Promise<TranscriptRecord> {
    const channel = parseChannel(input.channel);
    let mediaStartTimeMs: number | null = null;
    if (input.mediaStartTime !== undefined) {
      mediaStartTimeMs = parseIsoDateTime(input.mediaStartTime);
      if (mediaStartTimeMs === null) {
        throw invalidParameter('Invalid parameter MediaStartTime: must be an ISO 8601 date-time such as 2026-12-07T09:30:00Z');
      }
    }
    const sid: TranscriptSid = newSid('GT');
    const now = Date.now();
    const outcome = await this.store.transaction(async (tx): Promise<TranscriptRecord | 'service-not-found' | 'source-sid-taken'> => {
      // Read in the unit of work: the settings and operators are the service's as this transcript is created.
      // Any text: one that is no service SID finds nothing (404), as an unknown SID does.
      const service = await tx.findServiceBySid(accountSid, input.serviceSid as ServiceSid);
      if (service === null) return 'service-not-found';
      const attached = await tx.attachedOperatorSids([service.sid]);
      const record: TranscriptRecord = {
        sid,
        accountSid,
        serviceSid: service.sid,
        status: 'queued',
        channelJson: JSON.stringify(channel),
        mediaUrl: channel.media_properties.media_url,
        sourceSid: channel.media_properties.source_sid,
        languageCode: service.languageCode,
        dataLogging: service.dataLogging,
        redaction: service.autoRedaction,
        mediaRedaction: service.mediaRedaction,
        customerKey: input.customerKey ?? null,
        mediaStartTimeMs,
        durationSeconds: 0,
        operatorSids: [...(attached.get(service.sid) ?? [])],
        errorCode: null,
        errorMessage: null,
        mediaPath: null,
        mediaContentType: null,
        redactedMediaPath: null,
        dateCreatedMs: now,
        dateUpdatedMs: now,
      };
      if ((await tx.insertTranscript(record)) === 'source-sid-taken') return 'source-sid-taken';
      const payload: TranscriptJobPayload = { transcriptSid: sid };
      await enqueue(tx, TRANSCRIPT_JOB, payload, { nowMs: now });
      return record;
    });
    if (outcome === 'service-not-found') throw serviceNotFound(input.serviceSid);
    if (outcome === 'source-sid-taken') {
      throw conflict(`A Transcript of recording ${channel.media_properties.source_sid ?? ''} already exists in this account`);
    }
    return outcome;
  }

  /** The account's transcript; another account's, or a malformed SID, is answered as missing. */
  async fetch(accountSid: string, sid: string): Promise<TranscriptRecord> {
    if (!isSid('GT', sid)) throw resourceNotFound();
    const record = await this.store.findTranscript(accountSid, sid);
    if (record === null) throw resourceNotFound();
    return record;
  }

  list(accountSid: string, filter: TranscriptFilter, query: KeysetQuery): Promise<TranscriptRecord[]> {
    return this.store.listTranscripts(accountSid, filter, query);
  }

  /**
   * Deletes the transcript (its sentences and results go with it) and then its media files.
   * Answers the error that kept the files from being removed, if any: the transcript is gone either way.
   */
  async delete(accountSid: string, sid: string): Promise<{ mediaError: Error | null }> {
    if (!isSid('GT', sid)) throw resourceNotFound();
    const deleted = await this.store.deleteTranscript(accountSid, sid);
    if (deleted === null) throw resourceNotFound();
    try {
      await this.mediaStore.removeTranscript(sid);
      return { mediaError: null };
    } catch (error) {
      return { mediaError: error as Error };
    }
  }

  /** A page of the transcript's sentences, in index order. */
  async sentences(
    accountSid: string,
    transcriptSid: string,
    query: SentenceQuery,
  ): Promise<{ transcript: TranscriptRecord; sentences: SentenceRecord[] }> {
    const transcript = await this.fetch(accountSid, transcriptSid);
    return { transcript, sentences: await this.store.listSentences(transcript.sid, query) };
  }

  /**
   * Which stored media `redacted` asks for (default: redacted when the service had media_redaction).
   * 404 while nothing is stored, and when redacted media is asked for but was not made: the
   * original is never served in its place.
   */
  async media(
    accountSid: string,
    sid: string,
    redacted: boolean | undefined,
  ): Promise<{ transcript: TranscriptRecord; variant: MediaVariant }> {
    const transcript = await this.fetch(accountSid, sid);
    const variant: MediaVariant = (redacted ?? transcript.mediaRedaction) && transcript.mediaRedaction ? 'redacted' : 'original';
    if (mediaFileOf(transcript, variant) === null) {
      const what = variant === 'redacted' ? 'redacted media' : 'media';
      throw new TwilioError(404, 20404, `Transcript ${transcript.sid} has no stored ${what} (yet): it is ${transcript.status}`);
    }
    return { transcript, variant };
  }

  /** The stored file a signed media URL names (any account: the signature is the credential). */
  async mediaFile(sid: string, variant: MediaVariant): Promise<MediaFile | null> {
    if (!isSid('GT', sid)) return null;
    const transcript = await this.store.findTranscriptForJob(sid);
    return transcript === null ? null : mediaFileOf(transcript, variant);
  }

  /** The media store's absolute path of a stored relative path. */
  absoluteMediaPath(relative: string): string {
    return this.mediaStore.absolute(relative);
  }

  /** Encrypted sentences and results exist only for transcripts with an encryption credential, which ours never have. */
  async encrypted(accountSid: string, sid: string, what: 'sentences' | 'operator results'): Promise<never> {
    const transcript = await this.fetch(accountSid, sid);
    throw new TwilioError(
      404,
      20404,
      `Transcript ${transcript.sid} has no encrypted ${what}: they exist only for transcripts with an encryption_credential_sid`,
    );
  }
}

// Redacted audio is written anew (src/media/audio/redact.ts: WAV), so its type is its file's.
const TYPES_BY_EXTENSION: Record<string, string> = {
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  flac: 'audio/flac',
  vtt: 'text/vtt',
  json: 'application/json',
};

function mediaFileOf(transcript: TranscriptRecord, variant: MediaVariant): MediaFile | null {
  const path = variant === 'redacted' ? transcript.redactedMediaPath : transcript.mediaPath;
  if (path === null || transcript.mediaContentType === null) return null;
  const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  const byExtension = variant === 'redacted' && extension !== undefined ? TYPES_BY_EXTENSION[extension] : undefined;
  return { transcript, path, contentType: byExtension ?? transcript.mediaContentType };
}
