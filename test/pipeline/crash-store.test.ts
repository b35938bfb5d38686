// The transcript job across real server processes on TEST_STORE's backend: a process killed with
// SIGKILL mid-transcription leaves the transcript to the next one, which completes it with one set
// of sentences; two processes share many transcripts and each is fetched and transcribed once.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeWav } from '../helpers/media.js';
import { startServerProcess, type ServerProcess } from '../helpers/process.js';
import { jobStore, type JobStore } from '../jobs/stores.js';
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

const SERVER = 'test/pipeline/pipeline-server.ts';
const ACCOUNT = 'AC' + '5'.repeat(32);

describe('transcript job across processes', { timeout: 180_000 }, () => {
  let js: JobStore;
  let media: LocalServer;
  let stub: LocalServer;
  let scratch: string;
  let mediaDir: string;
  let hold = true;
  const files = new Map<string, Served>();
  const servers: ServerProcess[] = [];

  const start = async (owner: string) => {
    const server = await startServerProcess(
      {
        DATABASE_URL: js.url,
        MEDIA_DIR: mediaDir,
        OUTBOUND_ALLOWLIST: '127.0.0.1',
        TRANSCRIBER_URL: stub.url,
        JOB_OWNER: owner,
        LOG_LEVEL: 'info',
        JOB_LEASE_MS: '1500',
        JOB_POLL_MS: '50',
        TWILIO_ACCOUNT_SID: 'AC' + '7'.repeat(32),
        TWILIO_AUTH_TOKEN: 'pipeline-test-auth-token',
      },
      SERVER,
    );
    servers.push(server);
    await server.outputMatching(/^ready$/m);
    return server;
  };

  before(async () => {
    js = await jobStore();
    scratch = mkdtempSync(join(tmpdir(), 'intelligence-pipeline-crash-'));
    mediaDir = join(scratch, 'media');
    await writeWav(join(scratch, 'stereo.wav'), { sampleRate: 8000, channels: 2, frames: 8000 * 5 });
    await writeWav(join(scratch, 'mono.wav'), { sampleRate: 8000, channels: 1, frames: 8000 * 3 });
    files.set('/crash.wav', { body: readFileSync(join(scratch, 'stereo.wav')) });
    for (let n = 0; n < 20; n++) files.set(`/many-${n}.wav`, { body: readFileSync(join(scratch, 'mono.wav')) });
    media = await mediaServer(files);
    stub = await transcriptionStub({ hold: () => hold });
  });
  after(async () => {
    await Promise.all(servers.map((server) => server.stop('SIGKILL')));
    await Promise.all([media?.close(), stub?.close()]);
    await js?.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('killed with SIGKILL while transcribing: the next process completes the transcript, with one set of sentences', async () => {
    const first = await start('first');
    const created = await insertTranscript(js.store, { accountSid: ACCOUNT, mediaUrl: `${media.url}/crash.wav` });
    await waitFor(() => stub.requests.length > 0, 'the first transcription request');
    assert.equal((await js.store.findTranscriptForJob(created.sid))?.status, 'in-progress');
    assert.equal(await first.stop('SIGKILL'), 'SIGKILL');
    hold = false;

    const second = await start('second');
    const done = await waitForStatus(js.store, created.sid);
    assert.equal(done.status, 'completed', done.errorMessage ?? '');
    const sentences = await js.store.listSentences(created.sid, { limit: 100 });
    assert.deepEqual(
      sentences.map((s) => [s.sentenceIndex, s.mediaChannel]),
      [
        [0, 1],
        [1, 2],
      ],
      'one set of sentences',
    );
    assert.equal(media.counts.get('/crash.wav'), 2, 'fetched by each process once');
    assert.deepEqual(
      leftovers(mediaDir, created.sid),
      { scratch: [], media: ['media.wav'] },
      "the killed run's scratch files are gone too",
    );
    assert.equal(await second.stop('SIGTERM'), 0);
  });

  test('two processes share 20 transcripts; each is fetched and transcribed once', async (t) => {
    const before = stub.requests.length;
    const [one, two] = await Promise.all([start('one'), start('two')]);
    const created = [];
    for (let n = 0; n < 20; n++)
      created.push(await insertTranscript(js.store, { accountSid: ACCOUNT, mediaUrl: `${media.url}/many-${n}.wav` }));
    for (const transcript of created) {
      const done = await waitForStatus(js.store, transcript.sid);
      assert.equal(done.status, 'completed', done.errorMessage ?? '');
      assert.equal((await js.store.listSentences(transcript.sid, { limit: 10 })).length, 1);
    }
    for (let n = 0; n < 20; n++) assert.equal(media.counts.get(`/many-${n}.wav`), 1, `many-${n}.wav fetched once`);
    assert.equal(stub.requests.length - before, 20, 'one transcription request per transcript (mono)');
    // A job is marked done after its transcript completes (the worker's own write, a turn later).
    const unfinished = async () => (await js.sql(`SELECT state FROM jobs WHERE name = 'transcript' AND state <> 'done'`)).length;
    await waitFor(async () => (await unfinished()) === 0, 'every transcript job marked done');
    const jobs = await js.sql(`SELECT attempts, state FROM jobs WHERE name = 'transcript'`);
    assert.deepEqual(
      new Set(jobs.map((job) => `${String(job.state)} ${String(job.attempts)}`)),
      new Set(['done 1', 'done 2']),
      'no job ran more than its one attempt (the crashed one: two)',
    );
    const completedBy = (server: ServerProcess) =>
      server
        .output()
        .split('\n')
        .filter((line) => line.includes('"msg":"transcript completed"'))
        .map((line) => JSON.parse(line).transcript_sid as string);
    // Each process logs a completion after its commit; the lines reach this process a moment later.
    await waitFor(() => completedBy(one).length + completedBy(two).length >= created.length, 'a completion logged for every transcript');
    const [byOne, byTwo] = [completedBy(one), completedBy(two)];
    assert.deepEqual(
      [...byOne, ...byTwo].sort(),
      created.map((transcript) => transcript.sid).sort(),
      'each transcript completed by exactly one process, once',
    );
    t.diagnostic(`transcripts completed by process one: ${byOne.length}, by process two: ${byTwo.length}`);
  });
});
