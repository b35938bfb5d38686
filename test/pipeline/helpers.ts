// Helpers for the pipeline tests: transcripts inserted with their job as POST /v2/Transcripts will
// (one unit of work), a media server and an OpenAI-compatible transcription stub on loopback, and
// waits on a transcript's status (polled with a deadline).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { enqueue } from '../../src/jobs/queue.js';
import { SCRATCH_DIRECTORY } from '../../src/pipeline/transcript-job.js';
import { TRANSCRIPT_JOB } from '../../src/pipeline/transcript-job-name.js';
import { transcriptRecord } from '../helpers/transcript-record.js';
import type { AccountSid } from '../../src/sids.js';
import type { Store, TranscriptRecord, TranscriptStatus } from '../../src/store/store.js';

export interface NewTranscript {
  accountSid: string;
  mediaUrl?: string | null;
  sourceSid?: string | null;
  redaction?: boolean;
  mediaRedaction?: boolean;
  participants?: Array<{ channel_participant: 1 | 2; role?: string; full_name?: string }>;
  /** Attempts of its job (default 5, as the route queues it). */
  maxAttempts?: number;
}

/** The transcript as POST /v2/Transcripts stores it, inserted with its job in one unit of work. */
export async function insertTranscript(store: Store, options: NewTranscript): Promise<TranscriptRecord> {
  const mediaUrl = options.mediaUrl ?? null;
  const sourceSid = options.sourceSid ?? null;
  const participants = (options.participants ?? []).map((participant) => ({
    channel_participant: participant.channel_participant,
    role: participant.role ?? (participant.channel_participant === 1 ? 'Agent' : 'Customer'),
    full_name: participant.full_name ?? null,
    user_id: null,
    media_participant_id: null,
    email: null,
    image_url: null,
  }));
  const channel = {
    type: 'voice',
    media_properties: {
      source: sourceSid !== null && mediaUrl === null ? 'Recording' : 'ExternalRecording',
      source_sid: sourceSid,
      media_url: mediaUrl,
    },
    participants,
  };
  const record = transcriptRecord({
    accountSid: options.accountSid as AccountSid,
    channelJson: JSON.stringify(channel),
    mediaUrl,
    sourceSid,
    redaction: options.redaction ?? false,
    mediaRedaction: options.mediaRedaction ?? false,
  });
  await store.transaction(async (tx) => {
    assert.equal(await tx.insertTranscript(record), 'inserted');
    await enqueue(tx, TRANSCRIPT_JOB, { transcriptSid: record.sid }, { maxAttempts: options.maxAttempts ?? 5 });
  });
  return record;
}

/** Polls until the transcript has one of `statuses`; answers it. */
export async function waitForStatus(
  store: Store,
  sid: string,
  statuses: TranscriptStatus[] = ['completed', 'failed'],
  timeoutMs = 60_000,
): Promise<TranscriptRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const transcript = await store.findTranscriptForJob(sid);
    if (transcript !== null && statuses.includes(transcript.status)) return transcript;
    if (Date.now() > deadline)
      throw new Error(`transcript ${sid} is ${transcript?.status ?? 'gone'}, not ${statuses.join(' or ')}, after ${timeoutMs} ms`);
    await delay(20);
  }
}

/** Polls until `condition` holds. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(20);
  }
}

/** What a run left in MEDIA_DIR: the scratch directory's entries and the transcript's files. */
export function leftovers(mediaDir: string, sid: string): { scratch: string[]; media: string[] } {
  const scratch = join(mediaDir, SCRATCH_DIRECTORY);
  const media = join(mediaDir, sid);
  return {
    scratch: existsSync(scratch) ? readdirSync(scratch) : [],
    media: existsSync(media) ? readdirSync(media).sort() : [],
  };
}

export interface Served {
  body?: Buffer | string;
  contentType?: string;
  status?: number;
  /** Never answers (the request is held until the server closes). */
  hang?: boolean;
  /** Answers once this settles. */
  gate?: Promise<void>;
  /** Statuses of the first requests, in order (then `status`). */
  statuses?: number[];
  headers?: Record<string, string>;
}

export interface LocalServer {
  url: string;
  /** Requests per path. */
  counts: Map<string, number>;
  requests: IncomingMessage[];
  close(): Promise<void>;
}

async function listen(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<LocalServer & { server: ReturnType<typeof createServer> }> {
  const counts = new Map<string, number>();
  const requests: IncomingMessage[] = [];
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    requests.push(request);
    handler(request, response);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Serves `files` by path; anything else is 404. */
export async function mediaServer(files: Map<string, Served>): Promise<LocalServer> {
  return listen((request, response) => {
    const served = files.get(new URL(request.url ?? '/', 'http://x').pathname);
    if (served === undefined) return void response.writeHead(404).end('not found');
    if (served.hang) return;
    const status = served.statuses?.shift() ?? served.status ?? 200;
    const headers: Record<string, string> = { ...served.headers };
    if (served.contentType) headers['content-type'] = served.contentType;
    void (served.gate ?? Promise.resolve()).then(() =>
      response.writeHead(status, headers).end(status === 200 ? (served.body ?? '') : 'unavailable'),
    );
  });
}

/**
 * An OpenAI-compatible transcription server. Its answer depends on the audio: the tests' channel 1
 * is a 440 Hz tone and channel 2 an 880 Hz one, so each channel's words say which it heard.
 */
export async function transcriptionStub(
  options: { words?: { low: string[]; high: string[] }; hold?: () => boolean } = {},
): Promise<LocalServer> {
  const words = options.words ?? DEFAULT_WORDS;
  return listen((request, response) => {
    // Held: never answered (a process killed meanwhile closes the connection).
    if (options.hold?.()) return;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const form = await new Response(Buffer.concat(chunks), {
          headers: { 'content-type': request.headers['content-type'] ?? '' },
        }).formData();
        const file = form.get('file');
        assert.ok(file instanceof Blob);
        const bytes = Buffer.from(await file.arrayBuffer());
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(verboseAnswer(bytes, words)));
      })();
    });
  });
}

export const DEFAULT_WORDS = {
  low: ['Hello,', 'my', 'name', 'is', 'Anna', 'Smith.'],
  high: ['My', 'number', 'is', 'four', 'one', 'five', 'five', 'five', 'five', 'one', 'two', 'one', 'two.'],
};

/** The dominant pitch of a WAV's first second decides the words; each word lasts 0.25 s from 0.5 s (channel 2: 1 s later). */
function verboseAnswer(wav: Buffer, words: { low: string[]; high: string[] }) {
  const rate = wav.readUInt32LE(24);
  const samples = new Int16Array(wav.buffer.slice(wav.byteOffset + 44, wav.byteOffset + 44 + Math.min(rate * 2, wav.length - 44)));
  let crossings = 0;
  for (let i = 1; i < samples.length; i++) if (samples[i - 1]! < 0 !== samples[i]! < 0) crossings++;
  const low = crossings / 2 < 660;
  const chosen = low ? words.low : words.high;
  const offset = low ? 0.5 : 1.5;
  const timed = chosen.map((word, index) => ({ word, start: offset + index * 0.25, end: offset + (index + 1) * 0.25, probability: 0.9 }));
  const text = chosen.join(' ');
  return {
    task: 'transcribe',
    language: 'english',
    duration: 5,
    text,
    segments: [{ id: 0, start: offset, end: offset + chosen.length * 0.25, text: ` ${text}`, avg_logprob: -0.1 }],
    words: timed,
  };
}
