// The transcript store on TEST_STORE's backend: inserts, filters, the job's writes (which stop once
// the transcript is deleted or finished), sentence pages and results.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newSid } from '../../src/sids.js';
import type { StoredSentence, TranscriptRecord } from '../../src/store/store.js';
import { encodeWords, textWords } from '../../src/store/transcripts/row.js';
import { transcriptRecord } from '../helpers/transcript-record.js';
import { jobStore, type JobStore } from '../jobs/stores.js';

const account = newSid('AC');
const service = newSid('GA');

function transcript(overrides: Partial<TranscriptRecord> = {}): TranscriptRecord {
  return transcriptRecord({
    accountSid: account,
    serviceSid: service,
    channelJson: '{"type":"voice"}',
    mediaUrl: 'https://example.com/a.vtt',
    redaction: true,
    operatorSids: [newSid('LY')],
    dateCreatedMs: 1_000,
    ...overrides,
  });
}

const sentence = (sentenceIndex: number): StoredSentence => ({
  sid: newSid('GX'),
  transcriptSid: '',
  sentenceIndex,
  mediaChannel: (sentenceIndex % 2) + 1,
  startTime: sentenceIndex * 1.5,
  endTime: sentenceIndex * 1.5 + 1.25,
  confidence: 0.5,
  transcript: `sentence ${sentenceIndex}`,
  // Every third sentence gives its text alone: its words are the text's.
  words:
    sentenceIndex % 3 === 2
      ? null
      : [
          { word: 'sentence', startTime: sentenceIndex * 1.5, endTime: null },
          { word: String(sentenceIndex), startTime: null, endTime: null },
        ],
  redactedTranscript: sentenceIndex === 0 ? '[Name] said' : null,
  redactedWords: sentenceIndex === 0 ? [{ word: '[Name]', startTime: 0, endTime: 0.5 }] : null,
});

describe('transcript store', () => {
  let js: JobStore;
  before(async () => {
    js = await jobStore();
  });
  after(() => js.dispose());

  test('a transcript reads back field for field, only in its account', async () => {
    const record = transcript({ customerKey: 'key', mediaStartTimeMs: 1_700_000_000_000, sourceSid: null });
    assert.equal(await js.store.insertTranscript(record), 'inserted');
    assert.deepEqual(await js.store.findTranscript(account, record.sid), record);
    assert.deepEqual(await js.store.findTranscriptForJob(record.sid), record);
    assert.equal(await js.store.findTranscript(newSid('AC'), record.sid), null);
    assert.equal(await js.store.findTranscript(account, 'GT\0'), null);
  });

  test('one transcript per recording in an account; another account may have its own', async () => {
    const sourceSid = newSid('RE');
    assert.equal(await js.store.insertTranscript(transcript({ sourceSid })), 'inserted');
    assert.equal(await js.store.insertTranscript(transcript({ sourceSid })), 'source-sid-taken');
    assert.equal(await js.store.insertTranscript(transcript({ sourceSid, accountSid: newSid('AC') })), 'inserted');
  });

  test('inside a unit of work, a taken recording is an answer: the unit goes on and commits its other writes', async () => {
    const sourceSid = newSid('RE');
    assert.equal(await js.store.insertTranscript(transcript({ sourceSid })), 'inserted');
    const other = transcript();
    const outcome = await js.store.transaction(async (tx) => {
      const taken = await tx.insertTranscript(transcript({ sourceSid }));
      await tx.insertTranscript(other);
      return taken;
    });
    assert.equal(outcome, 'source-sid-taken');
    assert.equal((await js.store.findTranscript(account, other.sid))?.sid, other.sid);
  });

  test('filters and keyset pages', async () => {
    const other = newSid('AC');
    const otherService = newSid('GA');
    const rows = [
      transcript({ accountSid: other, dateCreatedMs: 10, mediaStartTimeMs: 100 }),
      transcript({ accountSid: other, dateCreatedMs: 20, serviceSid: otherService, languageCode: 'es-US' }),
      transcript({ accountSid: other, dateCreatedMs: 30, status: 'failed', mediaStartTimeMs: 300 }),
    ];
    for (const row of rows) await js.store.insertTranscript(row);
    const sids = async (filter: Parameters<typeof js.store.listTranscripts>[1], query = { limit: 10 }) =>
      (await js.store.listTranscripts(other, filter, query)).map((t) => t.sid);
    assert.deepEqual(
      await sids({}),
      rows.map((r) => r.sid),
    );
    assert.deepEqual(await sids({ serviceSid: otherService }), [rows[1]!.sid]);
    assert.deepEqual(await sids({ languageCode: 'es-US' }), [rows[1]!.sid]);
    assert.deepEqual(await sids({ status: 'failed' }), [rows[2]!.sid]);
    assert.deepEqual(await sids({ createdAfterMs: 10, createdBeforeMs: 30 }), [rows[1]!.sid]);
    assert.deepEqual(await sids({ startAfterMs: 100 }), [rows[2]!.sid]);
    assert.deepEqual(await sids({ startBeforeMs: 300 }), [rows[0]!.sid]);
    assert.deepEqual(await sids({}, { limit: 1, after: { createdMs: 10, sid: rows[0]!.sid } } as never), [rows[1]!.sid]);
    assert.deepEqual(await sids({}, { limit: 1, before: { createdMs: 30, sid: rows[2]!.sid } } as never), [rows[1]!.sid]);
  });

  test('the job writes sentences and results once, completes, and then writes nothing more', async () => {
    const record = transcript();
    await js.store.insertTranscript(record);
    assert.equal(await js.store.startTranscript(record.sid, 2_000), true);
    const media = { mediaPath: `${record.sid}/media.vtt`, mediaContentType: 'text/vtt', redactedMediaPath: null, durationSeconds: 12 };
    assert.equal(await js.store.setTranscriptMedia(record.sid, media, 2_000), true);
    // 125: two statements of 50 rows on SQLite, and 25 rows one at a time.
    const sentences = Array.from({ length: 125 }, (_, i) => sentence(i));
    assert.equal(await js.store.replaceSentences(record.sid, sentences, 2_100), true);
    // A retried job writes its set again: still one set.
    assert.equal(await js.store.replaceSentences(record.sid, sentences, 2_200), true);
    const all = await js.store.listSentences(record.sid, { limit: 200 });
    assert.deepEqual(
      all.map((read) => ({ ...read })),
      sentences.map(({ words, redactedWords, ...s }) => ({
        ...s,
        transcriptSid: record.sid,
        wordsJson: encodeWords(words ?? textWords(s.transcript).map((word) => ({ word, startTime: null, endTime: null }))),
        redactedWordsJson: redactedWords === null ? null : encodeWords(redactedWords),
        wordTimes: words !== null,
      })),
    );
    assert.deepEqual(
      [all[0]!.wordsJson, all[0]!.redactedWordsJson],
      [
        '[{"word":"sentence","start_time":0,"end_time":null},{"word":"0","start_time":null,"end_time":null}]',
        '[{"word":"[Name]","start_time":0,"end_time":0.5}]',
      ],
    );
    assert.deepEqual(
      (await js.store.listSentences(record.sid, { limit: 5, afterIndex: 9 })).map((s) => s.sentenceIndex),
      [10, 11, 12, 13, 14],
    );
    assert.deepEqual(
      (await js.store.listSentences(record.sid, { limit: 3, beforeIndex: 10 })).map((s) => s.sentenceIndex),
      [7, 8, 9],
    );

    const result = {
      transcriptSid: record.sid,
      operatorSid: record.operatorSids[0]!,
      name: 'Spot',
      position: 0,
      resultJson: '{"a":1}',
      redactedResultJson: null,
      dateCreatedMs: 2_300,
    };
    assert.equal(await js.store.replaceOperatorResults(record.sid, [result], 2_300), true);
    assert.equal(await js.store.replaceOperatorResults(record.sid, [result], 2_400), true);
    assert.deepEqual(await js.store.listOperatorResults(record.sid), [result]);
    assert.deepEqual(await js.store.findOperatorResult(record.sid, result.operatorSid), result);
    assert.equal(await js.store.findOperatorResult(record.sid, newSid('LY')), null);

    assert.equal(await js.store.completeTranscript(record.sid, 2_500), true);
    assert.equal(await js.store.completeTranscript(record.sid, 2_600), false);
    assert.equal(await js.store.replaceSentences(record.sid, [], 2_700), false);
    assert.equal(await js.store.failTranscript(record.sid, 95106, 'late', 2_700), false);
    const done = await js.store.findTranscript(account, record.sid);
    assert.equal(done?.status, 'completed');
    assert.equal(done?.durationSeconds, 12);
    assert.equal(done?.mediaPath, media.mediaPath);
    assert.equal((await js.store.listSentences(record.sid, { limit: 200 })).length, 125);
  });

  test('a failed transcript keeps its code and message', async () => {
    const record = transcript();
    await js.store.insertTranscript(record);
    assert.equal(await js.store.failTranscript(record.sid, 95105, 'Download failed', 3_000), true);
    const failed = await js.store.findTranscript(account, record.sid);
    assert.deepEqual([failed?.status, failed?.errorCode, failed?.errorMessage], ['failed', 95105, 'Download failed']);
    assert.equal(await js.store.startTranscript(record.sid, 3_100), false);
  });

  test('delete removes sentences and results, answers the media paths, and the job writes nothing afterwards', async () => {
    const record = transcript();
    await js.store.insertTranscript(record);
    await js.store.startTranscript(record.sid, 2_000);
    await js.store.setTranscriptMedia(
      record.sid,
      { mediaPath: 'a/m.wav', mediaContentType: 'audio/wav', redactedMediaPath: 'a/r.wav', durationSeconds: 3 },
      2_000,
    );
    await js.store.replaceSentences(record.sid, [sentence(0)], 2_000);
    assert.equal(await js.store.deleteTranscript(newSid('AC'), record.sid), null);
    assert.deepEqual(await js.store.deleteTranscript(account, record.sid), { mediaPaths: ['a/m.wav', 'a/r.wav'] });
    assert.equal(await js.store.deleteTranscript(account, record.sid), null);
    assert.deepEqual(await js.store.listSentences(record.sid, { limit: 10 }), []);
    assert.equal(await js.store.replaceSentences(record.sid, [sentence(0)], 2_100), false);
    assert.equal(await js.store.replaceOperatorResults(record.sid, [], 2_100), false);
    assert.equal(await js.store.completeTranscript(record.sid, 2_100), false);
    assert.equal(await js.store.findTranscriptForJob(record.sid), null);
    assert.deepEqual(await js.store.listSentences(record.sid, { limit: 10 }), []);
  });

  test('a unit of work that inserts a transcript and its job commits both or neither', async () => {
    const record = transcript();
    await assert.rejects(
      js.store.transaction(async (tx) => {
        await tx.insertTranscript(record);
        await tx.enqueueJob({ name: 'transcript', payloadJson: JSON.stringify({ sid: record.sid }), maxAttempts: 5, runAtMs: 0, nowMs: 0 });
        throw new Error('rolled back');
      }),
    );
    assert.equal(await js.store.findTranscriptForJob(record.sid), null);
  });
});
