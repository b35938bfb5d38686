// Helpers for the transcripts' HTTP tests: create a transcript, and write what the transcript job
// would (sentences, media) straight through the store, since these tests run no job worker.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MediaStore } from '../../src/media/media-store.js';
import { TRANSCRIPT_JOB } from '../../src/pipeline/transcript-job-name.js';
import { newSid } from '../../src/sids.js';
import type { StoredSentence, StoredWord } from '../../src/store/store.js';
import type { TestServer } from '../helpers/server.js';
import { assertOk, type Auth } from '../http/support.js';

export const MEDIA_URL = 'https://media.example.com/calls/call-1.wav';

export const channelJson = (mediaProperties: Record<string, unknown> = { media_url: MEDIA_URL }, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ media_properties: mediaProperties, ...extra });

export async function createTranscript(
  server: TestServer,
  serviceSid: string,
  form: Record<string, string> = {},
  auth?: Auth,
): Promise<any> {
  const response = await server.request('POST', '/v2/Transcripts', {
    form: { ServiceSid: serviceSid, Channel: channelJson(), ...form },
    auth,
  });
  return assertOk(response, 'CreateTranscript', 202);
}

/** Claims every queued transcript job (no worker runs in these tests) and answers their transcript SIDs. */
export async function claimTranscriptJobs(server: TestServer): Promise<string[]> {
  const jobs = await server.store.claimJobs({ names: [TRANSCRIPT_JOB], owner: 'test', limit: 1000, nowMs: Date.now(), leaseMs: 600_000 });
  return jobs.map((job) => (JSON.parse(job.payloadJson) as { transcriptSid: string }).transcriptSid);
}

const words = (text: string, start: number): StoredWord[] =>
  text.split(' ').map((word, i) => ({ word, startTime: start + i * 0.25, endTime: start + i * 0.25 + 0.2 }));

/** `count` sentences as the job would store them; with `redacted`, every one has a redacted form. */
export function sentences(count: number, redacted: boolean): StoredSentence[] {
  return Array.from({ length: count }, (_, index) => {
    const start = index * 1.36;
    const text = `my name is Anna number ${index}`;
    return {
      sid: newSid('GX'),
      transcriptSid: '',
      sentenceIndex: index,
      mediaChannel: (index % 2) + 1,
      startTime: start,
      endTime: start + 1.1,
      confidence: index === 0 ? null : 0.9,
      transcript: text,
      words: words(text, start),
      redactedTranscript: redacted ? `my name is [Name] number ${index}` : null,
      redactedWords: redacted ? words(`my name is [Name] number ${index}`, start) : null,
    };
  });
}

/** What the job writes: the transcript in progress with these sentences. */
export async function storeSentences(server: TestServer, transcriptSid: string, rows: StoredSentence[]): Promise<void> {
  assert.equal(await server.store.startTranscript(transcriptSid, Date.now()), true);
  assert.equal(await server.store.replaceSentences(transcriptSid, rows, Date.now()), true);
}

/** A media file under MEDIA_DIR, recorded on the transcript (and a redacted one when given). */
export async function storeMedia(
  server: TestServer,
  transcriptSid: string,
  media: { bytes: Buffer; name: string; contentType: string; redacted?: Buffer },
): Promise<void> {
  const mediaStore = new MediaStore(server.config.mediaDir);
  const directory = await mediaStore.directoryFor(transcriptSid);
  await writeFile(join(directory, media.name), media.bytes);
  let redactedMediaPath: string | null = null;
  if (media.redacted !== undefined) {
    await writeFile(join(directory, 'redacted.wav'), media.redacted);
    redactedMediaPath = mediaStore.relativePath(transcriptSid, 'redacted.wav');
  }
  const recorded = await server.store.setTranscriptMedia(
    transcriptSid,
    {
      mediaPath: mediaStore.relativePath(transcriptSid, media.name),
      mediaContentType: media.contentType,
      redactedMediaPath,
      durationSeconds: 3,
    },
    Date.now(),
  );
  assert.equal(recorded, true);
}
