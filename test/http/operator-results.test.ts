// GET /v2/Transcripts/{Sid}/OperatorResults and …/{OperatorSid}: bodies against the spec, attachment
// order and paging, account scoping, Redacted, and what the operators stage stores when an operator
// cannot run or the stage runs twice.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { NO_LANGUAGE_MODEL_WARNING, warnWithoutLanguageModel } from '../../src/pipeline/language-model.js';
import type { OperatorsStageParts } from '../../src/pipeline/operators-stage.js';
import { createThreadPool } from '../../src/threads.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { finishWithOperators, stageParts, storeTranscript, transcriptWithResults } from '../helpers/transcripts.js';
import {
  assertEveryField,
  assertOk,
  assertTwilioError,
  createCustomOperator,
  prebuiltSid,
  randomSid,
  walkBack,
  walkForward,
} from './support.js';

let server: TestServer;
let parts: OperatorsStageParts;

before(async () => {
  server = await startTestServer();
  parts = stageParts(server.store);
});
after(() => server.close());

const RESULT = 'intelligence.v2.transcript.operator_result';
const PREBUILT = [
  'Voicemail Detection',
  'Agent Introduction',
  'Entity Recognition',
  'Summarization',
  'Call Transfer',
  'Sentiment Analysis',
].map(prebuiltSid);

const results = (sid: string, query = '') => `/v2/Transcripts/${sid}/OperatorResults${query}`;

async function completedTranscript(fixture: string, operatorSids = PREBUILT, options: { redaction?: boolean; accountSid?: string } = {}) {
  return transcriptWithResults(server.store, parts, {
    accountSid: options.accountSid ?? server.account.sid,
    operatorSids,
    fixture,
    redaction: options.redaction,
  });
}

describe('list and fetch', () => {
  test("list answers one result per operator in attachment order, every body the spec's operator_result", async () => {
    const { transcript } = await completedTranscript('refund-call');
    const body = assertOk(await server.request('GET', results(transcript.sid)), 'ListOperatorResult', 200);
    assert.deepEqual(
      body.operator_results.map((result: { operator_sid: string }) => result.operator_sid),
      PREBUILT,
    );
    for (const result of body.operator_results) {
      assertEveryField(RESULT, result);
      assert.equal(result.transcript_sid, transcript.sid);
      assert.equal(result.url, `${server.url}/v2/Transcripts/${transcript.sid}/OperatorResults/${result.operator_sid}`);
    }
    assert.deepEqual(
      body.operator_results.map((result: { name: string; operator_type: string }) => [result.name, result.operator_type]),
      [
        ['Voicemail Detection', 'conversation-classify'],
        ['Agent Introduction', 'extract'],
        ['Entity Recognition', 'extract-normalize'],
        ['Summarization', 'text-generation'],
        ['Call Transfer', 'conversation-classify'],
        ['Sentiment Analysis', 'conversation-classify'],
      ],
    );
    assert.deepEqual(body.meta, {
      page: 0,
      page_size: 50,
      first_page_url: `${server.url}${results(transcript.sid)}?PageSize=50&Page=0`,
      previous_page_url: null,
      url: `${server.url}${results(transcript.sid)}?PageSize=50&Page=0`,
      next_page_url: null,
      key: 'operator_results',
    });
  });

  test('fetch answers one result, unused fields null and probabilities JSON numbers', async () => {
    const { transcript } = await completedTranscript('refund-call');
    const response = await server.request('GET', results(transcript.sid, `/${prebuiltSid('Call Transfer')}`));
    const body = assertOk(response, 'FetchOperatorResult', 200);
    assertEveryField(RESULT, body);
    assert.deepEqual(body, {
      operator_type: 'conversation-classify',
      name: 'Call Transfer',
      operator_sid: prebuiltSid('Call Transfer'),
      extract_match: null,
      match_probability: null,
      normalized_result: null,
      utterance_results: null,
      utterance_match: null,
      predicted_label: 'Transfer',
      predicted_probability: 0.7,
      label_probabilities: { Transfer: 0.7, NoTransfer: 0.3 },
      extract_results: null,
      text_generation_results: null,
      json_results: null,
      transcript_sid: transcript.sid,
      url: `${server.url}/v2/Transcripts/${transcript.sid}/OperatorResults/${prebuiltSid('Call Transfer')}`,
    });
    assert.match(response.text, /"predicted_probability":0\.7,/);
  });

  test('PageSize=2 pages forward and back over the results in attachment order', async () => {
    const { transcript } = await completedTranscript('refund-call');
    const pages = await walkForward(server, results(transcript.sid, '?PageSize=2'), 'ListOperatorResult');
    assert.equal(pages.length, 3);
    assert.deepEqual(
      pages.flatMap((page) => page.operator_results.map((result: { operator_sid: string }) => result.operator_sid)),
      PREBUILT,
    );
    assert.deepEqual(
      pages.map((page) => page.meta.page),
      [0, 1, 2],
    );
    const back = await walkBack(server, pages[2], 'ListOperatorResult');
    assert.deepEqual(
      back.map((page) => page.operator_results.map((result: { operator_sid: string }) => result.operator_sid)),
      [PREBUILT.slice(0, 2), PREBUILT.slice(2, 4)],
    );
  });

  test('a transcript whose stage has not stored results lists none', async () => {
    const { transcript } = await storeTranscript(server.store, {
      accountSid: server.account.sid,
      operatorSids: PREBUILT,
      fixture: 'neutral-hours',
    });
    const body = assertOk(await server.request('GET', results(transcript.sid)), 'ListOperatorResult', 200);
    assert.deepEqual(body.operator_results, []);
  });
});

describe('not found and bad parameters', () => {
  test("another account's transcript is 404 20404, listed or fetched", async () => {
    const other = await server.newAccount();
    const { transcript } = await completedTranscript('refund-call', PREBUILT, { accountSid: other.account.sid });
    assertOk(await server.request('GET', results(transcript.sid), { auth: other.auth }), 'ListOperatorResult', 200);
    assertTwilioError(
      await server.request('GET', results(transcript.sid)),
      404,
      20404,
      `The requested resource ${results(transcript.sid)} was not found`,
    );
    assertTwilioError(await server.request('GET', results(transcript.sid, `/${PREBUILT[0]}`)), 404, 20404);
  });

  test('an unknown or malformed transcript SID is 404 20404', async () => {
    for (const sid of [randomSid('GT'), 'GT123', randomSid('GA')]) {
      assertTwilioError(await server.request('GET', results(sid)), 404, 20404);
      assertTwilioError(await server.request('GET', results(sid, `/${PREBUILT[0]}`)), 404, 20404);
    }
  });

  test('an operator with no result on the transcript is 404 20404', async () => {
    const { transcript } = await completedTranscript('refund-call');
    for (const operatorSid of [prebuiltSid('Password Reset'), randomSid('LY'), 'LYnope']) {
      assertTwilioError(await server.request('GET', results(transcript.sid, `/${operatorSid}`)), 404, 20404);
    }
  });

  test('Redacted must be true or false, PageToken one this server issued: 400 20422', async () => {
    const { transcript } = await completedTranscript('neutral-hours');
    assertTwilioError(await server.request('GET', results(transcript.sid, '?Redacted=yes')), 400, 20422);
    assertTwilioError(await server.request('GET', results(transcript.sid, `/${PREBUILT[0]}?Redacted=1`)), 400, 20422);
    assertTwilioError(await server.request('GET', results(transcript.sid, '?PageToken=nonsense')), 400, 20422);
    assertTwilioError(await server.request('GET', results(transcript.sid, '?PageSize=0')), 400, 20422);
  });
});

describe('Redacted', () => {
  const sentenceTopic = { scope: 'sentence', classes: [{ name: 'refund', phrases: ['refund'] }] };
  const ORIGINAL = {
    intro: ['Thanks for calling Acme Bank, my name is Anna Smith.', 'My name is Robert Chen and I need a refund to my card.'],
    entities: { Person: ['Anna Smith', 'Robert Chen'], Organization: ['Acme Bank'], Quantity: ['415', '555', '0134'] },
    summary: 'Customer: You can reach me at 415 555 0134 if the refund fails.',
    utterances: ['My name is Robert Chen and I need a refund to my card.', 'You can reach me at 415 555 0134 if the refund fails.'],
  };
  const REDACTED = {
    intro: ['Thanks for calling Acme Bank, my name is [Name].', 'My name is [Name] and I need a refund to my card.'],
    entities: { Person: ['[Name]', '[Name]'], Organization: ['Acme Bank'], Quantity: ['[PhoneNumber]', '[PhoneNumber]', '[PhoneNumber]'] },
    summary: '[Redacted: Summarization]',
    utterances: ['My name is [Name] and I need a refund to my card.', 'You can reach me at [PhoneNumber] if the refund fails.'],
  };

  async function piiTranscript(redaction: boolean) {
    const custom = await createCustomOperator(server, {
      operatorType: 'LiteralClassification',
      config: sentenceTopic,
      friendlyName: 'Refund sentences',
    });
    const operatorSids = [
      prebuiltSid('Agent Introduction'),
      prebuiltSid('Entity Recognition'),
      prebuiltSid('Summarization'),
      custom.sid,
      prebuiltSid('Voicemail Detection'),
    ];
    const { transcript } = await completedTranscript('pii', operatorSids, { redaction });
    return transcript.sid;
  }

  function assertServed(list: { operator_results: Array<Record<string, any>> }, expected: typeof ORIGINAL) {
    const [intro, entities, summary, topic, voicemail] = list.operator_results;
    assert.deepEqual(intro?.extract_results, { 'Agent Introduction': expected.intro });
    assert.deepEqual(entities?.extract_results, expected.entities);
    assert.deepEqual(summary?.text_generation_results, { result: expected.summary, format: 'text' });
    assert.deepEqual(
      topic?.utterance_results.map((u: { text: string }) => u.text),
      expected.utterances,
    );
    assert.deepEqual(
      topic?.utterance_results.map((u: { label: string; probability: number }) => [u.label, u.probability]),
      [
        ['refund', 1],
        ['refund', 1],
      ],
    );
    assert.equal(voicemail?.predicted_label, 'not_voicemail');
    assert.deepEqual(voicemail?.label_probabilities, { voicemail: 0.1, not_voicemail: 0.9 });
  }

  test('with redaction, results are served redacted by default and as computed with Redacted=false', async () => {
    const sid = await piiTranscript(true);
    assertServed(assertOk(await server.request('GET', results(sid)), 'ListOperatorResult', 200), REDACTED);
    assertServed(assertOk(await server.request('GET', results(sid, '?Redacted=True')), 'ListOperatorResult', 200), REDACTED);
    const original = assertOk(await server.request('GET', results(sid, '?Redacted=false&PageSize=2')), 'ListOperatorResult', 200);
    assert.match(original.meta.next_page_url, /\?Redacted=false&PageSize=2&Page=1&PageToken=/);
    const pages = await walkForward(server, results(sid, '?Redacted=false&PageSize=2'), 'ListOperatorResult');
    assertServed({ operator_results: pages.flatMap((page) => page.operator_results) }, ORIGINAL);

    const summary = `/${prebuiltSid('Summarization')}`;
    assert.deepEqual(assertOk(await server.request('GET', results(sid, summary)), 'FetchOperatorResult', 200).text_generation_results, {
      result: REDACTED.summary,
      format: 'text',
    });
    assert.deepEqual(
      assertOk(await server.request('GET', results(sid, `${summary}?Redacted=false`)), 'FetchOperatorResult', 200).text_generation_results,
      { result: ORIGINAL.summary, format: 'text' },
    );
  });

  test('without redaction, the original is served whatever Redacted says', async () => {
    const sid = await piiTranscript(false);
    assertServed(assertOk(await server.request('GET', results(sid)), 'ListOperatorResult', 200), ORIGINAL);
    assertServed(assertOk(await server.request('GET', results(sid, '?Redacted=true')), 'ListOperatorResult', 200), ORIGINAL);
  });
});

describe('the operators stage', () => {
  test('run twice on a transcript (a retried job), it leaves one result per operator', async () => {
    const { transcript, sentences } = await storeTranscript(server.store, {
      accountSid: server.account.sid,
      operatorSids: PREBUILT,
      fixture: 'refund-call',
    });
    await finishWithOperators(server.store, parts, transcript, sentences, false);
    await finishWithOperators(server.store, parts, transcript, sentences, true);
    const body = assertOk(await server.request('GET', results(transcript.sid)), 'ListOperatorResult', 200);
    assert.deepEqual(
      body.operator_results.map((result: { operator_sid: string }) => result.operator_sid),
      PREBUILT,
    );
    assert.equal((await server.store.findTranscript(server.account.sid, transcript.sid))?.status, 'completed');
  });

  test('an operator listed twice runs once', async () => {
    const twice = [PREBUILT[0]!, PREBUILT[1]!, PREBUILT[0]!];
    const { outcome } = await completedTranscript('neutral-hours', twice);
    assert.deepEqual(
      outcome.results.map((result) => [result.operatorSid, result.position]),
      [
        [PREBUILT[0], 0],
        [PREBUILT[1], 1],
      ],
    );
    assert.deepEqual(outcome.failures, []);
  });

  test('a custom operator deleted after the transcript was made: no result, a failure naming it; the others stored and the transcript completes', async () => {
    const custom = await createCustomOperator(server, {
      operatorType: 'LiteralSpot',
      config: { phrase_sets: [{ name: 'Refund', phrases: ['refund'], match: 'exact' }] },
    });
    const operatorSids = [PREBUILT[0]!, custom.sid, PREBUILT[1]!];
    const { transcript, sentences } = await storeTranscript(server.store, {
      accountSid: server.account.sid,
      operatorSids,
      fixture: 'refund-call',
    });
    assert.equal((await server.request('DELETE', `/v2/Operators/Custom/${custom.sid}`)).status, 204);
    const outcome = await finishWithOperators(server.store, parts, transcript, sentences);
    assert.deepEqual(outcome.failures, [
      {
        operatorSid: custom.sid,
        name: null,
        reason:
          'The operator no longer exists (a custom operator deleted, or a pre-built one removed from the catalog) since the transcript was created.',
      },
    ]);
    const body = assertOk(await server.request('GET', results(transcript.sid)), 'ListOperatorResult', 200);
    assert.deepEqual(
      body.operator_results.map((result: { operator_sid: string }) => result.operator_sid),
      [PREBUILT[0], PREBUILT[1]],
    );
    assertTwilioError(await server.request('GET', results(transcript.sid, `/${custom.sid}`)), 404, 20404);
    assert.equal((await server.store.findTranscript(server.account.sid, transcript.sid))?.status, 'completed');
  });

  test("another account's custom operator is not run", async () => {
    const other = await server.newAccount();
    const custom = await createCustomOperator(server, {
      operatorType: 'LiteralSpot',
      config: { phrase_sets: [{ name: 'Refund', phrases: ['refund'], match: 'exact' }] },
      auth: other.auth,
    });
    const { outcome } = await completedTranscript('refund-call', [custom.sid]);
    assert.deepEqual(outcome.results, []);
    assert.equal(outcome.failures[0]?.operatorSid, custom.sid);
  });

  test('an operator type without an engine (Call Reason) gives a failure with the reason', async () => {
    const { outcome } = await completedTranscript('refund-call', [prebuiltSid('Call Reason'), PREBUILT[0]!]);
    assert.deepEqual(outcome.failures, [
      {
        operatorSid: prebuiltSid('Call Reason'),
        name: 'Call Reason',
        reason: 'The operator cannot run: operator type CallReason names no engine and has no built-in one.',
      },
    ]);
    assert.deepEqual(
      outcome.results.map((result) => result.operatorSid),
      [PREBUILT[0]],
    );
  });

  test("participants' roles name the speakers: the extractive summary names channel 2 by its role", async () => {
    const participants = [
      { channel_participant: 1 as const, role: 'Caller' },
      { channel_participant: 2 as const, role: 'Receptionist' },
    ];
    const { transcript, sentences } = await storeTranscript(server.store, {
      accountSid: server.account.sid,
      operatorSids: [prebuiltSid('Summarization')],
      fixture: 'wrong-number',
      participants,
    });
    await finishWithOperators(server.store, parts, transcript, sentences);
    const body = assertOk(
      await server.request('GET', results(transcript.sid, `/${prebuiltSid('Summarization')}`)),
      'FetchOperatorResult',
      200,
    );
    assert.deepEqual(body.text_generation_results, { result: 'Receptionist: No, I think you have the wrong number.', format: 'text' });
  });

  test('on worker threads the stage stores the same results as on the main thread', async () => {
    const threads = createThreadPool(1);
    try {
      const custom = await createCustomOperator(server, {
        operatorType: 'LiteralSpot',
        config: { phrase_sets: [{ name: 'Refund', phrases: ['refund'], match: 'fuzzy' }] },
      });
      const operatorSids = [...PREBUILT, custom.sid];
      const here = await completedTranscript('refund-call', operatorSids);
      const there = await transcriptWithResults(server.store, stageParts(server.store, null, threads), {
        accountSid: server.account.sid,
        operatorSids,
        fixture: 'refund-call',
      });
      assert.equal(there.outcome.results.length, operatorSids.length);
      assert.deepEqual(
        there.outcome.results.map((result) => result.resultJson),
        here.outcome.results.map((result) => result.resultJson),
      );
    } finally {
      await threads.close();
    }
  });

  test('without a language model the server says so once, at start-up; with one it says nothing', async () => {
    const warnings: string[] = [];
    warnWithoutLanguageModel(null, { warn: (message: string) => warnings.push(message) });
    assert.deepEqual(warnings, [NO_LANGUAGE_MODEL_WARNING]);
    const none: string[] = [];
    warnWithoutLanguageModel(
      { baseUrl: 'http://127.0.0.1:9/v1', apiKey: null, model: 'm', timeoutMs: 1000 },
      { warn: (message: string) => none.push(message) },
    );
    assert.deepEqual(none, []);
    // A server with jobs says it in its log before any transcript arrives.
    const started = await startTestServer({ jobs: true });
    try {
      assert.equal(started.logs.filter((line) => line.includes(NO_LANGUAGE_MODEL_WARNING)).length, 1);
    } finally {
      await started.close();
    }
  });
});
