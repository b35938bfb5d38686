// The transcript job's handler called directly on TEST_STORE's backend: the operators stage's slot,
// reruns after a failed attempt (one set of sentences), the last attempt of a retryable failure, the
// transcript-failed hook, a finished transcript left alone, and a lost lease writing nothing.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { selectSpeechEngine } from '../../src/engines/speech/select.js';
import type { JobContext } from '../../src/jobs/worker.js';
import { MediaStore } from '../../src/media/media-store.js';
import { DEFAULT_MEDIA_FETCH_LIMITS } from '../../src/net/fetch-media.js';
import { parseOutboundAllowlist } from '../../src/net/outbound-policy.js';
import type { TranscriptFailedEvent } from '../../src/pipeline/alerts.js';
import type { OperatorsStage, PipelineParts } from '../../src/pipeline/context.js';
import { transcriptJobHandler } from '../../src/pipeline/transcript-job.js';
import { newSid } from '../../src/sids.js';
import { createThreadPool } from '../../src/threads.js';
import type { JobRecord, StoredOperatorResult } from '../../src/store/store.js';
import { jobStore, type JobStore } from '../jobs/stores.js';
import { insertTranscript, leftovers, mediaServer, type LocalServer } from './helpers.js';

const VTT = 'WEBVTT\n\n00:01.000 --> 00:02.000\n<v Anna>Hello there.\n\n00:03.000 --> 00:04.500\n<v Bob>Hi Anna.\n';
const ACCOUNT = 'AC' + '3'.repeat(32);

describe('transcript job handler', () => {
  let js: JobStore;
  let media: LocalServer;
  let scratch: string;
  const logLines: string[] = [];
  let log: FastifyBaseLogger;
  const threads = createThreadPool(1);

  before(async () => {
    js = await jobStore();
    scratch = mkdtempSync(join(tmpdir(), 'intelligence-pipeline-handler-'));
    media = await mediaServer(new Map([['/call.vtt', { body: VTT, contentType: 'text/vtt' }]]));
    log = pino({ level: 'info' }, new Writable({ write: (chunk, _encoding, done) => (logLines.push(String(chunk)), done()) }));
  });
  after(async () => {
    await threads.close();
    await media?.close();
    await js?.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  const parts = (overrides: Partial<PipelineParts> = {}): PipelineParts => ({
    store: js.store,
    media: new MediaStore(join(scratch, 'media')),
    threads,
    speech: selectSpeechEngine(threads, { TRANSCRIBER: 'none' }),
    outboundPolicy: parseOutboundAllowlist('127.0.0.1'),
    mediaFetch: DEFAULT_MEDIA_FETCH_LIMITS,
    recordings: null,
    log,
    onTranscriptFailed: async () => undefined,
    ...overrides,
  });
  const context = (attempts: number, maxAttempts = 5, signal = new AbortController().signal): JobContext => ({
    job: {
      id: 1,
      name: 'transcript',
      payloadJson: '',
      state: 'running',
      attempts,
      maxAttempts,
      runAtMs: 0,
      leaseOwner: 'test',
      leaseExpiresMs: null,
      lastError: null,
      createdMs: 0,
    } as JobRecord,
    signal,
  });
  const create = () => insertTranscript(js.store, { accountSid: ACCOUNT, mediaUrl: `${media.url}/call.vtt` });

  test('the operators stage gets the stored sentences, and its results are stored with `completed`', async () => {
    const transcript = await create();
    const operatorSid = newSid('LY');
    let seen: string[] = [];
    const operators: OperatorsStage = async (given, sentences) => {
      assert.equal(given.sid, transcript.sid);
      seen = sentences.map((sentence) => `${sentence.sentenceIndex} ${sentence.sid} ${sentence.transcript}`);
      return {
        results: [
          {
            transcriptSid: given.sid,
            operatorSid,
            name: 'Greeting',
            position: 0,
            resultJson: '{"extract_match":true}',
            redactedResultJson: null,
            dateCreatedMs: 1,
          },
        ],
        failures: [],
      };
    };
    await transcriptJobHandler(parts({ operators }))({ transcriptSid: transcript.sid }, context(1));
    assert.equal((await js.store.findTranscriptForJob(transcript.sid))?.status, 'completed');
    const stored = await js.store.listSentences(transcript.sid, { limit: 10 });
    assert.deepEqual(
      seen,
      stored.map((sentence) => `${sentence.sentenceIndex} ${sentence.sid} ${sentence.transcript}`),
    );
    assert.deepEqual(
      (await js.store.listOperatorResults(transcript.sid)).map((result: StoredOperatorResult) => [result.operatorSid, result.resultJson]),
      [[operatorSid, '{"extract_match":true}']],
    );
  });

  test('the job gives way to API requests before each of its stages, and an abort meanwhile stops it there', async () => {
    const transcript = await create();
    let waits = 0;
    await transcriptJobHandler(parts({ giveWay: async () => void waits++, operators: async () => ({ results: [], failures: [] }) }))(
      { transcriptSid: transcript.sid },
      context(1),
    );
    assert.equal((await js.store.findTranscriptForJob(transcript.sid))?.status, 'completed');
    assert.equal(waits, 6, 'before fetching, detecting, redacting, storing, the operators and completing');

    const aborted = await create();
    const controller = new AbortController();
    const stages = parts({
      giveWay: async () => {
        waits++;
        controller.abort(new Error('shutting down'));
      },
    });
    await assert.rejects(transcriptJobHandler(stages)({ transcriptSid: aborted.sid }, context(1, 5, controller.signal)), /shutting down/);
    assert.equal((await js.store.findTranscriptForJob(aborted.sid))?.status, 'in-progress', 'left to the next attempt');
  });

  test('an attempt that failed after storing sentences is retried; the rerun leaves one set', async () => {
    const transcript = await create();
    let calls = 0;
    const operators: OperatorsStage = async () => {
      if (calls++ === 0) throw new Error('the language engine is busy');
      return { results: [], failures: [] };
    };
    const handler = transcriptJobHandler(parts({ operators }));
    await assert.rejects(handler({ transcriptSid: transcript.sid }, context(1)), /the language engine is busy/);
    const between = await js.store.findTranscriptForJob(transcript.sid);
    assert.equal(between?.status, 'in-progress');
    const first = await js.store.listSentences(transcript.sid, { limit: 10 });
    assert.equal(first.length, 2);
    await handler({ transcriptSid: transcript.sid }, context(2));
    assert.equal((await js.store.findTranscriptForJob(transcript.sid))?.status, 'completed');
    const second = await js.store.listSentences(transcript.sid, { limit: 10 });
    assert.deepEqual(
      second.map((s) => s.sentenceIndex),
      [0, 1],
      'one set of sentences',
    );
    assert.notDeepEqual(
      second.map((s) => s.sid),
      first.map((s) => s.sid),
      'the rerun replaced them',
    );
    assert.deepEqual(leftovers(join(scratch, 'media'), transcript.sid), { scratch: [], media: ['media.vtt'] });
  });

  test('a retryable failure on the last attempt fails the transcript, calls the hook once and removes its files', async () => {
    const transcript = await create();
    const events: TranscriptFailedEvent[] = [];
    const handler = transcriptJobHandler(
      parts({
        operators: async () => {
          throw new Error('the language engine is busy');
        },
        onTranscriptFailed: async (_tx, event) => void events.push(event),
      }),
    );
    await handler({ transcriptSid: transcript.sid }, context(3, 3));
    const failed = await js.store.findTranscriptForJob(transcript.sid);
    assert.deepEqual(
      [failed?.status, failed?.errorCode, failed?.errorMessage],
      ['failed', 95106, 'Processing failed: the language engine is busy (after 3 attempts)'],
    );
    assert.deepEqual(events, [
      {
        accountSid: ACCOUNT,
        serviceSid: transcript.serviceSid,
        transcriptSid: transcript.sid,
        code: 95106,
        message: 'Processing failed: the language engine is busy (after 3 attempts)',
        requestUrl: `${media.url}/call.vtt`,
      },
    ]);
    assert.deepEqual(leftovers(join(scratch, 'media'), transcript.sid), { scratch: [], media: [] });
  });

  test('a finished transcript is left alone: its job run again fetches nothing', async () => {
    const transcript = await create();
    const handler = transcriptJobHandler(parts());
    await handler({ transcriptSid: transcript.sid }, context(1));
    const fetched = media.counts.get('/call.vtt');
    const completed = await js.store.findTranscriptForJob(transcript.sid);
    await handler({ transcriptSid: transcript.sid }, context(2));
    assert.equal(media.counts.get('/call.vtt'), fetched);
    assert.deepEqual(await js.store.findTranscriptForJob(transcript.sid), completed);
  });

  test('a lost lease stops the run without writing a failure; the scratch directory is removed', async () => {
    const transcript = await create();
    const lease = new AbortController();
    const handler = transcriptJobHandler(
      parts({
        operators: async () => {
          lease.abort(new Error('the lease was lost'));
          return { results: [], failures: [] };
        },
      }),
    );
    await assert.rejects(handler({ transcriptSid: transcript.sid }, context(1, 5, lease.signal)), /the lease was lost/);
    const after = await js.store.findTranscriptForJob(transcript.sid);
    assert.deepEqual([after?.status, after?.errorCode], ['in-progress', null]);
    assert.deepEqual(leftovers(join(scratch, 'media'), transcript.sid).scratch, []);
  });

  test("a transcript deleted after a killed run: the rerun removes the killed run's scratch files and its media", async () => {
    const transcript = await create();
    const mediaDir = join(scratch, 'media');
    mkdirSync(join(mediaDir, '.work', `${transcript.sid}.killed`), { recursive: true });
    writeFileSync(join(mediaDir, '.work', `${transcript.sid}.killed`, '.original.part'), 'partial');
    mkdirSync(join(mediaDir, transcript.sid), { recursive: true });
    writeFileSync(join(mediaDir, transcript.sid, 'media.vtt'), VTT);
    assert.deepEqual(await js.store.deleteTranscript(ACCOUNT, transcript.sid), { mediaPaths: [] });
    await transcriptJobHandler(parts())({ transcriptSid: transcript.sid }, context(2));
    assert.deepEqual(leftovers(mediaDir, transcript.sid), { scratch: [], media: [] });
  });

  test('a payload without a transcript SID is logged and dropped, not retried', async () => {
    await transcriptJobHandler(parts())({ transcriptSid: 'nope' }, context(1));
    assert.ok(logLines.some((line) => line.includes('the payload names no transcript SID')));
  });
});
