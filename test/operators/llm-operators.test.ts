// Generative, GenerativeJSON and Summarization against a stub chat completions server: what the
// prompt carries, the schema asked for and enforced, invalid answers, errors and a server that hangs.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';
import { llmSettingsFromEnv, openAiChatModel, type LlmSettings } from '../../src/engines/llm/chat.js';
import { analyse } from '../../src/operators/analysed-transcript.js';
import { generativeJsonRunner } from '../../src/operators/runners/generative-json.js';
import { generativeRunner, NO_LLM_REASON } from '../../src/operators/runners/generative.js';
import { SUMMARY_PROMPT, summarizationRunner } from '../../src/operators/runners/summarization.js';
import type { Runner } from '../../src/operators/runner.js';
import { startChatStub, type ChatStub, type Reply } from '../helpers/chat-stub.js';
import { conversation } from '../helpers/conversations.js';
import { generated, jsonResult } from './expected.js';

const transcript = analyse(
  conversation(
    '1: Thanks for calling Acme, this is Anna.',
    '2: My order 4417 arrived broken and I want a refund.',
    '1: I will refund it today.',
  ),
);

const stubs: ChatStub[] = [];
after(() => Promise.all(stubs.map((stub) => stub.close())));

async function withStub(replies: Reply[], timeoutMs = 10_000): Promise<{ stub: ChatStub; settings: LlmSettings }> {
  const stub = await startChatStub(replies);
  stubs.push(stub);
  return { stub, settings: { baseUrl: stub.baseUrl, apiKey: 'test-key', model: 'stub-model', timeoutMs } };
}

const run = (runner: Runner, config: unknown) => runner.run(transcript, config);

const schema = {
  type: 'object',
  properties: { order_number: { type: 'string' }, refund_requested: { type: 'boolean' } },
  required: ['order_number', 'refund_requested'],
  additionalProperties: false,
};
const jsonConfig = { prompt: 'Extract the order number and whether a refund was asked for.', json_result_schema: schema };

describe('Generative', () => {
  test('the request carries the prompt, the examples and the transcript with speaker roles', async () => {
    const { stub, settings } = await withStub([{ text: '  The customer wants a refund for a broken order.  ' }]);
    const config = {
      prompt: 'Why did the customer call?',
      examples: [{ input: 'Customer: My bill is wrong.', output: 'A billing error.' }],
    };
    const outcome = await run(generativeRunner(openAiChatModel(settings)), config);
    assert.deepEqual(outcome, { ok: true, result: generated('The customer wants a refund for a broken order.') });
    assert.equal(stub.requests.length, 1);
    const [request] = stub.requests;
    assert.ok(request);
    assert.equal(request.path, '/v1/chat/completions');
    assert.equal(request.authorization, 'Bearer test-key');
    assert.equal(request.body.model, 'stub-model');
    assert.equal(request.body.temperature, 0);
    assert.equal(request.body.response_format, undefined);
    const [system, exampleInput, exampleOutput, last] = request.body.messages;
    assert.ok(system && last);
    assert.equal(system.role, 'system');
    assert.match(system.content, /Why did the customer call\?/);
    assert.deepEqual(exampleInput, { role: 'user', content: 'Conversation:\nCustomer: My bill is wrong.' });
    assert.deepEqual(exampleOutput, { role: 'assistant', content: 'A billing error.' });
    assert.deepEqual(last, {
      role: 'user',
      content:
        'Conversation:\nAgent: Thanks for calling Acme, this is Anna.\nCustomer: My order 4417 arrived broken and I want a refund.\nAgent: I will refund it today.',
    });
  });

  test('an HTTP error from the model gives no result, with the status, and is not retried', async () => {
    const { stub, settings } = await withStub([{ status: 500, body: '{"error":{"message":"model overloaded"}}' }]);
    const outcome = await run(generativeRunner(openAiChatModel(settings)), { prompt: 'Summarize.' });
    assert.equal(outcome.ok, false);
    assert.match(!outcome.ok ? outcome.reason : '', /^The language model answered HTTP 500: .*model overloaded/);
    assert.equal(stub.requests.length, 1);
  });

  test('a model that never answers times out: no result, with the timeout', async () => {
    const { stub, settings } = await withStub([{ hang: true }], 300);
    const outcome = await run(generativeRunner(openAiChatModel(settings)), { prompt: 'Summarize.' });
    assert.deepEqual(outcome, { ok: false, reason: 'The language model did not answer within 300 ms.' });
    assert.equal(stub.requests.length, 1);
  });

  test('a model that cannot be reached gives no result, naming its address', async () => {
    const { stub, settings } = await withStub([]);
    await stub.close();
    const outcome = await run(generativeRunner(openAiChatModel(settings)), { prompt: 'Summarize.' });
    assert.deepEqual(outcome, { ok: false, reason: `The language model at ${settings.baseUrl} could not be reached.` });
  });

  test('without a language model there is no result, and the reason says how to configure one', async () => {
    assert.deepEqual(await run(generativeRunner(null), { prompt: 'Summarize.' }), { ok: false, reason: NO_LLM_REASON });
    assert.deepEqual(await run(generativeJsonRunner(null), jsonConfig), { ok: false, reason: NO_LLM_REASON });
  });
});

describe('GenerativeJSON', () => {
  test('asks for the json_result_schema as response_format and returns the valid object', async () => {
    const { stub, settings } = await withStub([{ text: '{"order_number": "4417", "refund_requested": true}' }]);
    const outcome = await run(generativeJsonRunner(openAiChatModel(settings)), jsonConfig);
    assert.deepEqual(outcome, { ok: true, result: jsonResult({ order_number: '4417', refund_requested: true }) });
    const [request] = stub.requests;
    assert.ok(request);
    assert.deepEqual(request.body.response_format, { type: 'json_schema', json_schema: { name: 'result', schema, strict: false } });
    assert.match(request.body.messages[0]!.content, /Extract the order number/);
    assert.match(request.body.messages[0]!.content, /"refund_requested":\{"type":"boolean"\}/);
  });

  test('an answer in a Markdown code fence is read', async () => {
    const { settings } = await withStub([{ text: '```json\n{"order_number": "4417", "refund_requested": false}\n```' }]);
    const outcome = await run(generativeJsonRunner(openAiChatModel(settings)), jsonConfig);
    assert.deepEqual(outcome, { ok: true, result: jsonResult({ order_number: '4417', refund_requested: false }) });
  });

  test('invalid JSON is retried once, telling the model what was wrong', async () => {
    const { stub, settings } = await withStub([
      { text: 'The order is 4417.' },
      { text: '{"order_number": "4417", "refund_requested": true}' },
    ]);
    const outcome = await run(generativeJsonRunner(openAiChatModel(settings)), jsonConfig);
    assert.deepEqual(outcome, { ok: true, result: jsonResult({ order_number: '4417', refund_requested: true }) });
    assert.equal(stub.requests.length, 2);
    const retry = stub.requests[1]!.body.messages;
    assert.deepEqual(retry.slice(-2), [
      { role: 'assistant', content: 'The order is 4417.' },
      { role: 'user', content: 'That answer is not valid: the answer is not JSON. Answer again with only the JSON object.' },
    ]);
  });

  test('an answer against the schema twice gives no result, with the schema problem', async () => {
    const { stub, settings } = await withStub([{ text: '{"order_number": 4417}' }, { text: '{"order_number": "4417"}' }, { text: '{}' }]);
    const outcome = await run(generativeJsonRunner(openAiChatModel(settings)), jsonConfig);
    assert.deepEqual(outcome, {
      ok: false,
      reason:
        "The language model gave no valid answer in two attempts (the answer does not follow the schema: / must have required property 'refund_requested').",
    });
    assert.equal(stub.requests.length, 2);
  });

  test('a JSON array is not an object answer', async () => {
    const { settings } = await withStub([{ text: '[1]' }, { text: '[2]' }]);
    const outcome = await run(generativeJsonRunner(openAiChatModel(settings)), jsonConfig);
    assert.deepEqual(outcome, {
      ok: false,
      reason: 'The language model gave no valid answer in two attempts (the answer is not a JSON object).',
    });
  });

  test('an error on the retry gives no result with that error', async () => {
    const { settings } = await withStub([{ text: 'nope' }, { status: 503, body: '{"error":{"message":"unavailable"}}' }]);
    const outcome = await run(generativeJsonRunner(openAiChatModel(settings)), jsonConfig);
    assert.match(!outcome.ok ? outcome.reason : '', /^The language model answered HTTP 503/);
  });
});

describe('Summarization', () => {
  test('with a language model, the summary prompt and the transcript are sent and the answer returned', async () => {
    const { stub, settings } = await withStub([{ text: 'A customer asked for a refund for a broken order; the agent agreed.' }]);
    const outcome = await run(summarizationRunner(openAiChatModel(settings)), null);
    assert.deepEqual(outcome, { ok: true, result: generated('A customer asked for a refund for a broken order; the agent agreed.') });
    const [system, last] = stub.requests[0]!.body.messages;
    assert.ok(system && last);
    assert.ok(system.content.includes(SUMMARY_PROMPT));
    assert.match(last.content, /Customer: My order 4417 arrived broken/);
  });

  test('a failing language model gives no result (no silent switch to the extractive summary)', async () => {
    const { settings } = await withStub([{ status: 500, body: '{}' }]);
    const outcome = await run(summarizationRunner(openAiChatModel(settings)), null);
    assert.match(!outcome.ok ? outcome.reason : '', /^The language model answered HTTP 500/);
  });
});

describe('LLM settings from the environment', () => {
  test('no LLM_BASE_URL: no model', () => assert.equal(llmSettingsFromEnv({}), null));
  test('defaults: gpt-4o-mini, 60 s, no key', () =>
    assert.deepEqual(llmSettingsFromEnv({ LLM_BASE_URL: 'http://llm.internal:8000/v1' }), {
      baseUrl: 'http://llm.internal:8000/v1',
      apiKey: null,
      model: 'gpt-4o-mini',
      timeoutMs: 60_000,
    }));
  test('a base URL that is not http(s) is refused in one line', () =>
    assert.throws(() => llmSettingsFromEnv({ LLM_BASE_URL: 'ftp://llm' }), {
      message: 'LLM_BASE_URL must be an http(s) URL, got "ftp://llm"',
    }));
  test('a timeout that is not a positive whole number is refused', () =>
    assert.throws(
      () => llmSettingsFromEnv({ LLM_BASE_URL: 'http://llm', LLM_TIMEOUT_MS: '0' }),
      /LLM_TIMEOUT_MS must be a positive whole number/,
    ));
  test('the configuration reads them once at start-up; a bad value stops it with a ConfigError', () => {
    assert.equal(loadConfig({}).llm, null);
    assert.deepEqual(loadConfig({ LLM_BASE_URL: 'http://llm/v1', LLM_MODEL: 'small', LLM_API_KEY: 'k', LLM_TIMEOUT_MS: '500' }).llm, {
      baseUrl: 'http://llm/v1',
      apiKey: 'k',
      model: 'small',
      timeoutMs: 500,
    });
    assert.throws(
      () => loadConfig({ LLM_BASE_URL: 'llm:8000' }),
      (error: Error) => error instanceof ConfigError && /^LLM_BASE_URL must be an http\(s\) URL/.test(error.message),
    );
  });
});
