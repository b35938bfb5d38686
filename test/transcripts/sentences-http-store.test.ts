// GET /v2/Transcripts/{TranscriptSid}/Sentences: the fields of TRANSCRIPTS.md §5, Redacted and
// WordTimestamps, pages up to 5000 by a keyset on sentence_index, and the account scope.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newSid } from '../../src/sids.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { assertEveryField, assertOk, assertTwilioError, createService, randomSid, walkBack, walkForward } from '../http/support.js';
import { claimTranscriptJobs, createTranscript, sentences, storeSentences } from './http-support.js';

let server: TestServer;
let redactedSid: string;
let plainSid: string;

before(async () => {
  server = await startTestServer();
  const redacting = await createService(server, { AutoRedaction: 'true' });
  redactedSid = (await createTranscript(server, redacting.sid)).sid;
  await storeSentences(server, redactedSid, sentences(7, true));
  const plain = await createService(server);
  plainSid = (await createTranscript(server, plain.sid)).sid;
  await storeSentences(server, plainSid, sentences(2, false));
  await claimTranscriptJobs(server);
});
after(() => server.close());

const list = async (path: string, auth?: { username: string; password: string }) =>
  assertOk(await server.request('GET', path, { auth }), 'ListSentence', 200);

describe('sentences', () => {
  test('fields as Twilio serves them: decimal strings for times and confidence, words always present', async () => {
    const body = await list(`/v2/Transcripts/${redactedSid}/Sentences?Redacted=false`);
    assert.equal(body.sentences.length, 7);
    for (const sentence of body.sentences) assertEveryField('intelligence.v2.transcript.sentence', sentence);
    const [first, second] = body.sentences;
    assert.deepEqual(first, {
      media_channel: 1,
      sentence_index: 0,
      start_time: '0',
      end_time: '1.1',
      transcript: 'my name is Anna number 0',
      sid: first.sid,
      confidence: null,
      words: ['my', 'name', 'is', 'Anna', 'number', '0'].map((word) => ({ word, start_time: null, end_time: null })),
    });
    assert.match(first.sid, /^GX[0-9a-f]{32}$/);
    assert.equal(second.start_time, '1.36');
    assert.equal(second.end_time, '2.46', 'binary floats are written as the decimals they stand for');
    assert.equal(second.confidence, '0.9');
    assert.equal(second.media_channel, 2);
    assert.deepEqual(
      body.sentences.map((s: { sentence_index: number }) => s.sentence_index),
      [0, 1, 2, 3, 4, 5, 6],
    );
  });

  test('WordTimestamps=true gives word times as numbers', async () => {
    const body = await list(`/v2/Transcripts/${plainSid}/Sentences?WordTimestamps=true`);
    assert.deepEqual(body.sentences[1].words.slice(0, 2), [
      { word: 'my', start_time: 1.36, end_time: 1.56 },
      { word: 'name', start_time: 1.61, end_time: 1.81 },
    ]);
    const without = await list(`/v2/Transcripts/${plainSid}/Sentences?WordTimestamps=false`);
    assert.equal(without.sentences[1].words[0].start_time, null);
  });

  test('redacted by default when the transcript has redaction; Redacted=false gives the original', async () => {
    const byDefault = await list(`/v2/Transcripts/${redactedSid}/Sentences`);
    assert.equal(byDefault.sentences[3].transcript, 'my name is [Name] number 3');
    assert.deepEqual(
      byDefault.sentences[3].words.map((w: { word: string }) => w.word),
      ['my', 'name', 'is', '[Name]', 'number', '3'],
    );
    assert.equal(
      (await list(`/v2/Transcripts/${redactedSid}/Sentences?Redacted=TRUE`)).sentences[3].transcript,
      'my name is [Name] number 3',
    );
    const original = await list(`/v2/Transcripts/${redactedSid}/Sentences?Redacted=false`);
    assert.equal(original.sentences[3].transcript, 'my name is Anna number 3');
    assert.equal(original.sentences[3].words[3].word, 'Anna');
    // Without redaction there is nothing redacted: the original either way.
    assert.equal((await list(`/v2/Transcripts/${plainSid}/Sentences?Redacted=true`)).sentences[0].transcript, 'my name is Anna number 0');
  });

  test('pages forward and back by sentence_index, echoing Redacted and WordTimestamps', async () => {
    const path = `/v2/Transcripts/${redactedSid}/Sentences?Redacted=False&WordTimestamps=true&PageSize=3`;
    const pages = await walkForward(server, path, 'ListSentence');
    assert.deepEqual(
      pages.map((page) => page.sentences.map((s: { sentence_index: number }) => s.sentence_index)),
      [[0, 1, 2], [3, 4, 5], [6]],
    );
    assert.equal(pages[0].meta.key, 'sentences');
    assert.equal(pages[0].meta.page_size, 3);
    const prefix = `${server.url}/v2/Transcripts/${redactedSid}/Sentences?Redacted=false&WordTimestamps=true&PageSize=3&Page=`;
    assert.equal(pages[0].meta.first_page_url, `${prefix}0`);
    assert.equal(pages[0].meta.previous_page_url, null);
    assert.ok(pages[0].meta.next_page_url.startsWith(`${prefix}1&PageToken=PI`));
    assert.equal(pages[2].meta.next_page_url, null);
    assert.equal(pages[1].sentences[0].transcript, 'my name is Anna number 3', 'the next page keeps Redacted=false');
    assert.equal(typeof pages[1].sentences[0].words[0].start_time, 'number', 'and WordTimestamps=true');
    const back = await walkBack(server, pages[2], 'ListSentence');
    assert.deepEqual(
      back.map((page) => page.sentences.map((s: { sentence_index: number }) => s.sentence_index)),
      [
        [0, 1, 2],
        [3, 4, 5],
      ],
    );
  });

  test('PageSize up to 5000; beyond, or a token this server did not issue, is 400 20422', async () => {
    assert.equal((await list(`/v2/Transcripts/${redactedSid}/Sentences?PageSize=5000`)).sentences.length, 7);
    const rows: Array<[string, RegExp]> = [
      ['PageSize=5001', /^Invalid parameter PageSize: must be a whole number from 1 to 5000/],
      ['PageSize=0', /PageSize/],
      ['Page=-1', /Page/],
      ['PageToken=PIbogus', /^Invalid parameter PageToken/],
      ['PageToken=PTYS4xLkdUMDA', /^Invalid parameter PageToken/],
      ['Redacted=yes', /^Invalid parameter Redacted: must be true or false/],
      ['WordTimestamps=1', /^Invalid parameter WordTimestamps: must be true or false/],
    ];
    for (const [query, message] of rows) {
      assertTwilioError(await server.request('GET', `/v2/Transcripts/${redactedSid}/Sentences?${query}`), 400, 20422, message);
    }
  });

  test('text beyond ASCII goes out as UTF-8, its Content-Length the bytes sent', async () => {
    const texts = ['café naïve résumé', 'an emoji 😀 here', '日本語のテキスト', 'line\u2028separator and "quotes"'];
    const service = await createService(server);
    const created = await createTranscript(server, service.sid);
    const rows = sentences(texts.length, false).map((row, index) => ({ ...row, transcript: texts[index]!, words: null }));
    await storeSentences(server, created.sid, rows);
    await claimTranscriptJobs(server);
    const response = await server.request('GET', `/v2/Transcripts/${created.sid}/Sentences`);
    const body = assertOk(response, 'ListSentence', 200);
    assert.deepEqual(
      body.sentences.map((sentence: { transcript: string }) => sentence.transcript),
      texts,
    );
    assert.deepEqual(
      body.sentences[1].words.map((word: { word: string }) => word.word),
      ['an', 'emoji', '😀', 'here'],
    );
    assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(Number(response.headers.get('content-length')), Buffer.byteLength(response.text));
  });

  test('a transcript without sentences yet answers an empty page', async () => {
    const service = await createService(server);
    const created = await createTranscript(server, service.sid);
    const body = await list(`/v2/Transcripts/${created.sid}/Sentences`);
    assert.deepEqual(body.sentences, []);
    assert.equal(body.meta.next_page_url, null);
    await claimTranscriptJobs(server);
  });

  test("another account's, an unknown or a malformed transcript is 404", async () => {
    const other = await server.newAccount();
    assertTwilioError(await server.request('GET', `/v2/Transcripts/${redactedSid}/Sentences`, { auth: other.auth }), 404, 20404);
    assertTwilioError(await server.request('GET', `/v2/Transcripts/${randomSid('GT')}/Sentences`), 404, 20404);
    assertTwilioError(await server.request('GET', `/v2/Transcripts/${newSid('GA')}/Sentences`), 404, 20404);
  });
});
