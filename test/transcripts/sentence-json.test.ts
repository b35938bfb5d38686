// One sentence's JSON as the Sentences API serves it: decimal strings for times and confidence
// (rounded as toFixed rounds), words spliced in, their times nulled unless WordTimestamps=true.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sentenceJson } from '../../src/resources/transcripts/sentences-routes.js';
import type { SentenceRecord } from '../../src/store/store.js';

const record = (fields: Partial<SentenceRecord>): SentenceRecord => ({
  sid: 'GX00000000000000000000000000000000',
  transcriptSid: 'GT00000000000000000000000000000000',
  sentenceIndex: 0,
  mediaChannel: 1,
  startTime: null,
  endTime: null,
  confidence: null,
  transcript: 'Hello there',
  wordsJson: '[]',
  redactedTranscript: null,
  redactedWordsJson: null,
  wordTimes: true,
  ...fields,
});
const served = (sentence: SentenceRecord, wordTimestamps = false) =>
  JSON.parse(sentenceJson(sentence, { redacted: false, wordTimestamps })) as Record<string, unknown>;
const asToFixed = (value: number, places: number) => String(Number(value.toFixed(places)));

test('times and confidence read as toFixed rounds them, whichever way they are written out', () => {
  const values = [0, -0, 1.36, 0.1 + 0.2, 1.3600000000000001, 2.0005, 1.0005, 12345.678, 1e-7, 0.9999995, 1e21, 7200.125];
  let seed = 7;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let i = 0; i < 2000; i++) values.push(random() * 10 ** Math.floor(random() * 6), Math.round(random() * 1e6) / 1000);
  for (const value of values) {
    const body = served(record({ startTime: value, endTime: value, confidence: value }));
    assert.equal(body.start_time, asToFixed(value, 3), `start_time of ${value}`);
    assert.equal(body.end_time, asToFixed(value, 3), `end_time of ${value}`);
    assert.equal(body.confidence, asToFixed(value, 6), `confidence of ${value}`);
  }
  assert.equal(served(record({})).start_time, null);
});

test('word times are nulled unless asked for; words written from the text are spliced as they are', () => {
  const timed = record({ wordsJson: '[{"word":"Hello","start_time":1.5,"end_time":1.75}]' });
  assert.deepEqual(served(timed).words, [{ word: 'Hello', start_time: null, end_time: null }]);
  assert.deepEqual(served(timed, true).words, [{ word: 'Hello', start_time: 1.5, end_time: 1.75 }]);
  const untimed = record({ wordsJson: '[{"word":"Hello","start_time":null,"end_time":null}]', wordTimes: false });
  assert.deepEqual(served(untimed).words, [{ word: 'Hello', start_time: null, end_time: null }]);
  assert.deepEqual(served(untimed, true).words, [{ word: 'Hello', start_time: null, end_time: null }]);
});
