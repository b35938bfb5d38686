// Generative, GenerativeJSON and Summarization through the operators stage against a stub chat
// completions server, read back over HTTP: what the prompt carries, the schema asked for and
// enforced, invalid answers, errors and a model that never answers — none of which fails the transcript.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LlmSettings } from '../../src/engines/llm/settings.js';
import { SUMMARY_PROMPT } from '../../src/operators/runners/summarization.js';
import { startChatStub, type ChatStub, type Reply } from '../helpers/chat-stub.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { stageParts, transcriptWithResults } from '../helpers/transcripts.js';
import { assertOk, assertTwilioError, createCustomOperator, prebuiltSid } from './support.js';

let server: TestServer;
const stubs: ChatStub[] = [];
let generative: string;
let generativeJson: string;

const schema = {
  type: 'object',
  properties: { caller: { type: 'string' }, phone: { type: 'string' }, refund: { type: 'boolean' } },
  required: ['caller', 'refund'],
  additionalProperties: false,
};

before(async () => {
  server = await startTestServer();
  generative = (
    await createCustomOperator(server, {
      operatorType: 'Generative',
      friendlyName: 'Call summary',
      config: { prompt: 'Why did the customer call?' },
    })
  ).sid;
  generativeJson = (
    await createCustomOperator(server, {
      operatorType: 'GenerativeJSON',
      friendlyName: 'Order facts',
      config: { prompt: 'Who called, on which number, and did they ask for a refund?', json_result_schema: schema },
    })
  ).sid;
});
after(async () => {
  await Promise.all(stubs.map((stub) => stub.close()));
  await server.close();
});

async function withStub(replies: Reply[], timeoutMs = 10_000): Promise<{ stub: ChatStub; settings: LlmSettings }> {
  const stub = await startChatStub(replies);
  stubs.push(stub);
  return { stub, settings: { baseUrl: stub.baseUrl, apiKey: 'test-key', model: 'stub-model', timeoutMs } };
}

async function run(settings: LlmSettings, operatorSids: string[], options: { fixture?: string; redaction?: boolean } = {}) {
  const parts = stageParts(server.store, settings);
  return transcriptWithResults(server.store, parts, {
    accountSid: server.account.sid,
    operatorSids,
    fixture: options.fixture ?? 'pii',
    redaction: options.redaction,
  });
}

const resultOf = async (transcriptSid: string, operatorSid: string, query = '') =>
  assertOk(
    await server.request('GET', `/v2/Transcripts/${transcriptSid}/OperatorResults/${operatorSid}${query}`),
    'FetchOperatorResult',
    200,
  );

const CONVERSATION =
  'Conversation:\nAgent: Thanks for calling Acme Bank, my name is Anna Smith.\nCustomer: My name is Robert Chen and I need a refund to my card.\n' +
  'Customer: You can reach me at 415 555 0134 if the refund fails.';

describe('Generative', () => {
  test("the prompt carries the operator's prompt and the transcript with roles; the answer is the result", async () => {
    const { stub, settings } = await withStub([{ text: 'A refund to a card.' }]);
    const { transcript, outcome } = await run(settings, [generative]);
    assert.deepEqual(outcome.failures, []);
    assert.equal(stub.requests.length, 1);
    const [request] = stub.requests;
    assert.equal(request?.body.model, 'stub-model');
    assert.equal(request?.authorization, 'Bearer test-key');
    assert.match(request?.body.messages[0]?.content ?? '', /Why did the customer call\?/);
    assert.deepEqual(request?.body.messages.at(-1), { role: 'user', content: CONVERSATION });
    const body = await resultOf(transcript.sid, generative);
    assert.equal(body.operator_type, 'text-generation');
    assert.equal(body.name, 'Call summary');
    assert.deepEqual(body.text_generation_results, { result: 'A refund to a card.', format: 'text' });
  });

  test('an HTTP error from the model: no result, a failure quoting it, the other operators stored, the transcript completed', async () => {
    const { settings } = await withStub([{ status: 500, body: '{"error":{"message":"model overloaded"}}' }]);
    const { transcript, outcome } = await run(settings, [generative, prebuiltSid('Voicemail Detection')]);
    assert.equal(outcome.failures.length, 1);
    assert.equal(outcome.failures[0]?.operatorSid, generative);
    assert.match(outcome.failures[0]?.reason ?? '', /^The language model answered HTTP 500: .*model overloaded/);
    assertTwilioError(await server.request('GET', `/v2/Transcripts/${transcript.sid}/OperatorResults/${generative}`), 404, 20404);
    assert.equal((await resultOf(transcript.sid, prebuiltSid('Voicemail Detection'))).predicted_label, 'not_voicemail');
    assert.equal((await server.store.findTranscript(server.account.sid, transcript.sid))?.status, 'completed');
  });

  test("a model that never answers: a failure naming LLM_TIMEOUT_MS's value, and the stage goes on", async () => {
    const { settings } = await withStub([{ hang: true }], 300);
    const { transcript, outcome } = await run(settings, [generative, prebuiltSid('Agent Introduction')]);
    assert.deepEqual(outcome.failures, [
      { operatorSid: generative, name: 'Call summary', reason: 'The language model did not answer within 300 ms.' },
    ]);
    assert.deepEqual(
      outcome.results.map((result) => result.operatorSid),
      [prebuiltSid('Agent Introduction')],
    );
    assert.equal((await server.store.findTranscript(server.account.sid, transcript.sid))?.status, 'completed');
  });

  test('an unreachable model: a failure saying where it was looked for', async () => {
    const settings: LlmSettings = { baseUrl: 'http://127.0.0.1:9/v1', apiKey: null, model: 'm', timeoutMs: 5_000 };
    const { outcome } = await run(settings, [generative]);
    assert.deepEqual(outcome.failures, [
      { operatorSid: generative, name: 'Call summary', reason: 'The language model at http://127.0.0.1:9/v1 could not be reached.' },
    ]);
  });
});

describe('GenerativeJSON', () => {
  test("asks for the operator's schema as the response format; a valid answer is json_results", async () => {
    const { stub, settings } = await withStub([{ text: '{"caller": "Robert Chen", "phone": "415 555 0134", "refund": true}' }]);
    const { transcript } = await run(settings, [generativeJson]);
    assert.deepEqual(stub.requests[0]?.body.response_format, {
      type: 'json_schema',
      json_schema: { name: 'result', schema, strict: false },
    });
    assert.match(stub.requests[0]?.body.messages[0]?.content ?? '', /Who called, on which number/);
    const body = await resultOf(transcript.sid, generativeJson);
    assert.equal(body.operator_type, 'json');
    assert.deepEqual(body.json_results, { caller: 'Robert Chen', phone: '415 555 0134', refund: true });
    assert.equal(body.text_generation_results, null);
  });

  test('invalid JSON is retried once, told what was wrong; a valid second answer is the result', async () => {
    const { stub, settings } = await withStub([
      { text: 'Sure! The caller was Robert.' },
      { text: '{"caller": "Robert Chen", "refund": true}' },
    ]);
    const { transcript, outcome } = await run(settings, [generativeJson]);
    assert.deepEqual(outcome.failures, []);
    assert.equal(stub.requests.length, 2);
    assert.deepEqual(stub.requests[1]?.body.messages.at(-1), {
      role: 'user',
      content: 'That answer is not valid: the answer is not JSON. Answer again with only the JSON object.',
    });
    assert.deepEqual((await resultOf(transcript.sid, generativeJson)).json_results, { caller: 'Robert Chen', refund: true });
  });

  test('two answers against the schema: no result and a failure naming the problem; the others are stored', async () => {
    const { stub, settings } = await withStub([{ text: '{"caller": "Robert Chen"}' }, { text: '{"caller": 42, "refund": true}' }]);
    const { transcript, outcome } = await run(settings, [prebuiltSid('Entity Recognition'), generativeJson]);
    assert.equal(stub.requests.length, 2);
    assert.deepEqual(outcome.failures, [
      {
        operatorSid: generativeJson,
        name: 'Order facts',
        reason: 'The language model gave no valid answer in two attempts (the answer does not follow the schema: /caller must be string).',
      },
    ]);
    assertTwilioError(await server.request('GET', `/v2/Transcripts/${transcript.sid}/OperatorResults/${generativeJson}`), 404, 20404);
    const list = assertOk(await server.request('GET', `/v2/Transcripts/${transcript.sid}/OperatorResults`), 'ListOperatorResult', 200);
    assert.deepEqual(
      list.operator_results.map((result: { operator_sid: string }) => result.operator_sid),
      [prebuiltSid('Entity Recognition')],
    );
  });

  test('invalid JSON twice: a failure, never an invented result', async () => {
    const { settings } = await withStub([{ text: 'not json' }, { text: '{"caller": "Robert Chen", "refund": tru' }]);
    const { outcome } = await run(settings, [generativeJson]);
    assert.deepEqual(outcome.results, []);
    assert.equal(outcome.failures[0]?.reason, 'The language model gave no valid answer in two attempts (the answer is not JSON).');
  });
});

describe('Summarization with a language model', () => {
  test('the model writes the summary', async () => {
    const { stub, settings } = await withStub([{ text: 'Robert Chen asked for a refund to his card.' }]);
    const { transcript } = await run(settings, [prebuiltSid('Summarization')]);
    assert.ok(stub.requests[0]?.body.messages[0]?.content.includes(SUMMARY_PROMPT));
    assert.deepEqual(stub.requests[0]?.body.messages.at(-1), { role: 'user', content: CONVERSATION });
    assert.deepEqual((await resultOf(transcript.sid, prebuiltSid('Summarization'))).text_generation_results, {
      result: 'Robert Chen asked for a refund to his card.',
      format: 'text',
    });
  });
});

describe('generative results with redaction', () => {
  test('served as [Redacted: <name>] and with PII markers in JSON strings by default; Redacted=false gives the answers', async () => {
    const { settings } = await withStub([
      { text: 'Robert Chen wants a refund.' },
      { text: '{"caller": "Robert Chen", "phone": "415 555 0134", "refund": true}' },
      { text: 'Robert Chen asked for a refund.' },
    ]);
    const { transcript } = await run(settings, [generative, generativeJson, prebuiltSid('Summarization')], { redaction: true });
    assert.deepEqual((await resultOf(transcript.sid, generative)).text_generation_results, {
      result: '[Redacted: Call summary]',
      format: 'text',
    });
    assert.deepEqual((await resultOf(transcript.sid, prebuiltSid('Summarization'))).text_generation_results, {
      result: '[Redacted: Summarization]',
      format: 'text',
    });
    assert.deepEqual((await resultOf(transcript.sid, generativeJson)).json_results, {
      caller: '[Name]',
      phone: '[PhoneNumber]',
      refund: true,
    });

    assert.deepEqual((await resultOf(transcript.sid, generative, '?Redacted=false')).text_generation_results, {
      result: 'Robert Chen wants a refund.',
      format: 'text',
    });
    assert.deepEqual((await resultOf(transcript.sid, generativeJson, '?Redacted=false')).json_results, {
      caller: 'Robert Chen',
      phone: '415 555 0134',
      refund: true,
    });
  });
});
