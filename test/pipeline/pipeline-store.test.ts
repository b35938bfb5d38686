// The transcript job end to end, on TEST_STORE's backend: a real server running its job worker,
// media served by a local HTTP server, audio transcribed by an OpenAI-compatible stub (exact
// answers), documents parsed; redaction of text and media; source_sid from a fake Recordings API;
// a rerun after a failed attempt leaves one set of sentences; a delete while processing leaves nothing.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { enqueue } from '../../src/jobs/queue.js';
import type { JobSettled } from '../../src/jobs/worker.js';
import { TRANSCRIPT_JOB } from '../../src/pipeline/transcript-job-name.js';
import { MediaStore } from '../../src/media/media-store.js';
import { newSid } from '../../src/sids.js';
import { decodeWords } from '../../src/store/transcripts/row.js';
import { run, writeWav } from '../helpers/media.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  insertTranscript,
  leftovers,
  mediaServer,
  transcriptionStub,
  waitFor,
  waitForStatus,
  type LocalServer,
  type Served,
} from './helpers.js';

const VTT = [
  'WEBVTT',
  '',
  '00:00.500 --> 00:02.250',
  '<v Anna>Thank you for calling, how can I help?',
  '',
  '00:03.000 --> 00:05.000',
  '<v Bob>I would like to check my balance.',
  '',
  '00:05.500 --> 00:07.600',
  '<v Anna>Of course.',
  '',
].join('\n');

const SENTENCES_JSON = JSON.stringify({
  sentences: [
    {
      media_channel: 2,
      start_time: '1.5',
      end_time: '2.5',
      transcript: 'second',
      confidence: '0.8',
      words: [{ word: 'second', start_time: 1.5, end_time: 2.5 }],
    },
    { media_channel: 1, start_time: '0.25', end_time: '1.25', transcript: 'first one', confidence: null, words: [] },
  ],
});

const RECORDINGS_ACCOUNT = 'AC' + 'a'.repeat(32);
const RECORDINGS_TOKEN = 'recordings-auth-token';
const RECORDING = 'RE' + 'b'.repeat(32);

describe('transcript job', { timeout: 120_000 }, () => {
  let server: TestServer;
  let media: LocalServer;
  let recordings: LocalServer;
  let stub: LocalServer;
  let mediaDir: string;
  const files = new Map<string, Served>();
  let scratch: string;

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'intelligence-pipeline-'));
    mediaDir = join(scratch, 'media');
    const stereo = join(scratch, 'stereo.wav');
    await writeWav(stereo, { sampleRate: 16000, channels: 2, frames: 16000 * 5 });
    await run('lame', ['--quiet', '-b', '64', stereo, join(scratch, 'stereo.mp3')]);
    await run('flac', ['--silent', '--force', stereo, '-o', join(scratch, 'stereo.flac')]);
    files.set('/call.vtt', { body: VTT, contentType: 'text/vtt' });
    files.set('/call.json', { body: SENTENCES_JSON });
    files.set('/stereo.wav', { body: readFileSync(stereo), contentType: 'audio/wav' });
    files.set('/stereo.mp3', { body: readFileSync(join(scratch, 'stereo.mp3')), contentType: 'audio/mpeg' });
    files.set('/stereo.flac', { body: readFileSync(join(scratch, 'stereo.flac')) });
    files.set('/pii.vtt', {
      body: 'WEBVTT\n\n00:01.000 --> 00:03.000\nHello, my name is Anna Smith.\n\n00:04.000 --> 00:08.000\nMy number is four one five five five five one two one two.\n',
    });
    media = await mediaServer(files);
    const recordingFiles = new Map<string, Served>([
      [
        `/2010-04-01/Accounts/${RECORDINGS_ACCOUNT}/Recordings/${RECORDING}.wav`,
        { body: readFileSync(stereo), contentType: 'audio/x-wav' },
      ],
    ]);
    recordings = await mediaServer(recordingFiles);
    stub = await transcriptionStub();
    server = await startTestServer({
      jobs: { backoff: { baseMs: 20, maxMs: 100 } },
      env: {
        MEDIA_DIR: mediaDir,
        OUTBOUND_ALLOWLIST: '127.0.0.1',
        TRANSCRIBER_URL: stub.url,
        RECORDINGS_BASE_URL: recordings.url,
        RECORDINGS_ACCOUNT_SID: RECORDINGS_ACCOUNT,
        RECORDINGS_AUTH_TOKEN: RECORDINGS_TOKEN,
      },
    });
  });
  after(async () => {
    await server?.close();
    await Promise.all([media?.close(), recordings?.close(), stub?.close()]);
    rmSync(scratch, { recursive: true, force: true });
  });

  const create = (options: Omit<Parameters<typeof insertTranscript>[1], 'accountSid'>) =>
    insertTranscript(server.store, { accountSid: server.account.sid, ...options });
  /** The stored sentences with their words read back (pages splice the stored JSON; here it is parsed). */
  const sentencesOf = async (sid: string) =>
    (await server.store.listSentences(sid, { limit: 5000 })).map((s) => ({
      ...s,
      words: decodeWords(s.wordsJson),
      redactedWords: s.redactedWordsJson === null ? null : decodeWords(s.redactedWordsJson),
    }));

  test('a WebVTT document: one sentence per cue, voices to channels, duration from the last cue, the file kept', async () => {
    const created = await create({ mediaUrl: `${media.url}/call.vtt`, participants: [{ channel_participant: 1, full_name: 'Anna' }] });
    const done = await waitForStatus(server.store, created.sid);
    assert.equal(done.status, 'completed', done.errorMessage ?? '');
    assert.deepEqual(
      [done.durationSeconds, done.mediaPath, done.mediaContentType, done.redactedMediaPath, done.errorCode],
      [8, `${created.sid}/media.vtt`, 'text/vtt', null, null],
    );
    const sentences = await sentencesOf(created.sid);
    assert.deepEqual(
      sentences.map((s) => [s.sentenceIndex, s.mediaChannel, s.startTime, s.endTime, s.transcript, s.redactedTranscript]),
      [
        [0, 1, 0.5, 2.25, 'Thank you for calling, how can I help?', null],
        [1, 2, 3, 5, 'I would like to check my balance.', null],
        [2, 1, 5.5, 7.6, 'Of course.', null],
      ],
    );
    for (const sentence of sentences) assert.match(sentence.sid, /^GX[0-9a-f]{32}$/);
    assert.equal(readFileSync(join(mediaDir, created.sid, 'media.vtt'), 'utf8'), VTT);
    assert.deepEqual(leftovers(mediaDir, created.sid), { scratch: [], media: ['media.vtt'] });
  });

  test('a JSON sentences document replays as given, ordered by start time', async () => {
    const created = await create({ mediaUrl: `${media.url}/call.json` });
    const done = await waitForStatus(server.store, created.sid);
    assert.equal(done.status, 'completed', done.errorMessage ?? '');
    assert.deepEqual([done.durationSeconds, done.mediaContentType], [3, 'application/json']);
    const sentences = await sentencesOf(created.sid);
    assert.deepEqual(
      sentences.map((s) => [s.mediaChannel, s.startTime, s.endTime, s.confidence, s.transcript, s.words]),
      [
        [1, 0.25, 1.25, null, 'first one', []],
        [2, 1.5, 2.5, 0.8, 'second', [{ word: 'second', startTime: 1.5, endTime: 2.5 }]],
      ],
    );
  });

  for (const [name, path, contentType] of [
    ['a stereo WAV', '/stereo.wav', 'audio/wav'],
    ['an MP3', '/stereo.mp3', 'audio/mpeg'],
    ['a FLAC (no Content-Type: the extension decides)', '/stereo.flac', 'audio/flac'],
  ] as const) {
    test(`${name}: each channel transcribed on its own, sentences in time order across channels`, async () => {
      const before = stub.requests.length;
      const created = await create({ mediaUrl: `${media.url}${path}` });
      const done = await waitForStatus(server.store, created.sid);
      assert.equal(done.status, 'completed', done.errorMessage ?? '');
      assert.equal(stub.requests.length - before, 2, 'one transcription request per channel');
      assert.deepEqual([done.durationSeconds, done.mediaContentType], [5, contentType]);
      const sentences = await sentencesOf(created.sid);
      assert.deepEqual(
        sentences.map((s) => [s.mediaChannel, s.startTime, s.endTime, s.transcript]),
        [
          [1, 0.5, 2, 'Hello, my name is Anna Smith.'],
          [2, 1.5, 4.75, 'My number is four one five five five five one two one two.'],
        ],
      );
      assert.deepEqual(sentences[0]!.words.slice(0, 2), [
        { word: 'Hello,', startTime: 0.5, endTime: 0.75 },
        { word: 'my', startTime: 0.75, endTime: 1 },
      ]);
      assert.equal(sentences[0]!.confidence, 0.9);
      assert.deepEqual(leftovers(mediaDir, created.sid), { scratch: [], media: [`media${path.slice(path.lastIndexOf('.'))}`] });
    });
  }

  test('auto_redaction: names and spoken digit runs replaced by markers, the original kept beside', async () => {
    const created = await create({ mediaUrl: `${media.url}/pii.vtt`, redaction: true });
    const done = await waitForStatus(server.store, created.sid);
    assert.equal(done.status, 'completed', done.errorMessage ?? '');
    const sentences = await sentencesOf(created.sid);
    assert.deepEqual(
      sentences.map((s) => [s.transcript, s.redactedTranscript]),
      [
        ['Hello, my name is Anna Smith.', 'Hello, my name is [Name].'],
        ['My number is four one five five five five one two one two.', 'My number is [PhoneNumber].'],
      ],
    );
    assert.deepEqual(
      sentences[1]!.redactedWords?.map((word) => word.word),
      ['My', 'number', 'is', '[PhoneNumber]'],
    );
  });

  test('media_redaction: a WAV with silence over the PII words of each channel, the original untouched', async () => {
    const created = await create({ mediaUrl: `${media.url}/stereo.wav`, redaction: true, mediaRedaction: true });
    const done = await waitForStatus(server.store, created.sid);
    assert.equal(done.status, 'completed', done.errorMessage ?? '');
    assert.equal(done.redactedMediaPath, `${created.sid}/redacted.wav`);
    const sentences = await sentencesOf(created.sid);
    assert.deepEqual(
      sentences.map((s) => s.redactedTranscript),
      ['Hello, my name is [Name].', 'My number is [PhoneNumber].'],
    );
    assert.deepEqual(sentences[0]!.redactedWords?.at(-1), { word: '[Name]', startTime: 1.5, endTime: 2 });
    const wav = readFileSync(join(mediaDir, done.redactedMediaPath));
    assert.deepEqual([wav.toString('latin1', 0, 4), wav.readUInt16LE(22), wav.readUInt32LE(24)], ['RIFF', 2, 16000]);
    const frames = new Int16Array(wav.buffer.slice(wav.byteOffset + 44, wav.byteOffset + wav.length));
    const silent = (channel: number, from: number, to: number) => {
      for (let frame = Math.ceil(from * 16000); frame < Math.floor(to * 16000); frame++)
        if (frames[frame * 2 + channel] !== 0) return false;
      return true;
    };
    assert.ok(silent(0, 1.5, 2), 'channel 1 is silent over "Anna Smith"');
    assert.ok(silent(1, 2.25, 4.75), 'channel 2 is silent over the phone number');
    assert.ok(!silent(0, 0.5, 1.5) && !silent(0, 2, 4.5) && !silent(1, 0, 2.25), 'the rest is not silent');
    assert.deepEqual(readFileSync(join(mediaDir, created.sid, 'media.wav')), files.get('/stereo.wav')!.body);
  });

  test('source_sid: fetched from the Recordings API with Basic auth; an unknown recording fails with 95102', async () => {
    const created = await create({ sourceSid: RECORDING });
    const done = await waitForStatus(server.store, created.sid);
    assert.equal(done.status, 'completed', done.errorMessage ?? '');
    const sent = recordings.requests.at(-1)!;
    assert.equal(sent.headers.authorization, `Basic ${Buffer.from(`${RECORDINGS_ACCOUNT}:${RECORDINGS_TOKEN}`).toString('base64')}`);
    assert.equal((await sentencesOf(created.sid)).length, 2);

    const unknown = 'RE' + 'c'.repeat(32);
    const missing = await waitForStatus(server.store, (await create({ sourceSid: unknown })).sid);
    assert.deepEqual([missing.status, missing.errorCode], ['failed', 95102]);
    assert.match(missing.errorMessage!, new RegExp(`^Recording ${unknown} not found: the Recordings API answered 404`));
  });

  test('a failure is logged with transcript_sid and code', async () => {
    const created = await create({ mediaUrl: `${media.url}/missing.vtt`, maxAttempts: 1 });
    const done = await waitForStatus(server.store, created.sid);
    assert.deepEqual([done.status, done.errorCode], ['failed', 95105]);
    await waitFor(
      () => server.logs.some((line) => line.includes(created.sid) && line.includes('"code":95105') && line.includes('transcript failed')),
      'the log line',
    );
    const line = JSON.parse(server.logs.find((each) => each.includes(created.sid) && each.includes('"code":95105'))!);
    assert.deepEqual([line.transcript_sid, line.code, line.request_url], [created.sid, 95105, `${media.url}/missing.vtt`]);
    assert.match(line.msg, /^transcript failed: media URL answered 404 Not Found/);
  });

  test('a 503 is retried through the queue and the transcript completes', async () => {
    const path = '/flaky.vtt';
    files.set(path, { statuses: [503], body: VTT, contentType: 'text/vtt' });
    const created = await create({ mediaUrl: `${media.url}${path}`, maxAttempts: 3 });
    const done = await waitForStatus(server.store, created.sid);
    assert.equal(done.status, 'completed', done.errorMessage ?? '');
    assert.equal(media.counts.get(path), 2);
  });

  test('deleting a transcript while it is processed leaves no rows and no files', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    files.set('/slow.vtt', { body: VTT, contentType: 'text/vtt', gate });
    const created = await create({ mediaUrl: `${media.url}/slow.vtt` });
    await waitFor(() => (media.counts.get('/slow.vtt') ?? 0) > 0, 'the media request');
    const settled = new Promise<JobSettled>((resolve) => server.jobs!.once('settled', resolve));
    const deleted = await server.store.deleteTranscript(server.account.sid, created.sid);
    assert.deepEqual(deleted, { mediaPaths: [] });
    await new MediaStore(mediaDir).removeTranscript(created.sid);
    release();
    assert.equal((await settled).outcome, 'done');
    assert.equal(await server.store.findTranscriptForJob(created.sid), null);
    assert.deepEqual(await sentencesOf(created.sid), []);
    assert.deepEqual(leftovers(mediaDir, created.sid), { scratch: [], media: [] });
  });

  test('a transcript that no longer exists when its job runs is skipped without error', async () => {
    const sid = newSid('GT');
    const settled = new Promise<JobSettled>((resolve) => server.jobs!.once('settled', resolve));
    await enqueue(server.store, TRANSCRIPT_JOB, { transcriptSid: sid });
    server.jobs!.wake();
    assert.equal((await settled).outcome, 'done');
  });
});
