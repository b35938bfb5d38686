// Every way creating a custom operator can be refused: 400 20422, a message naming the problem,
// `details.errors` for Config problems, and nothing created.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { assertOk, assertTwilioError, createCustomOperator, operatorTypeSid, validConfigs, type Auth } from './support.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

/** A json_result_schema object nested `levels` deep (the root is level 1). */
function nestedObject(levels: number): Record<string, unknown> {
  let node: Record<string, unknown> = { type: 'object', properties: { leaf: { type: 'string' } } };
  for (let level = levels - 1; level >= 1; level--) node = { type: 'object', properties: { [`level${level + 1}`]: node } };
  return node;
}

/** A json_result_schema with `count` string properties at the root. */
function flatObject(count: number): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (let index = 0; index < count; index++) properties[`field${index}`] = { type: 'string' };
  return { type: 'object', properties };
}

const generativeJson = (jsonResultSchema: unknown) => ({ prompt: 'Extract the details', json_result_schema: jsonResultSchema });

interface ConfigCase {
  name: string;
  operatorType: string;
  config: string;
  /** A path of `details.errors` that must be reported, and a word of the message. */
  path: string;
  message: RegExp;
}

const configCase = (operatorType: string, name: string, config: unknown, path: string, message: RegExp): ConfigCase => ({
  name,
  operatorType,
  config: typeof config === 'string' ? config : JSON.stringify(config),
  path,
  message,
});

const configCases: ConfigCase[] = [
  configCase('Generative', 'a Config that is not JSON', '{"prompt": "unterminated', '', /JSON/),
  configCase('Generative', 'a Config that is a JSON array', '[{"prompt":"x"}]', '', /object/),
  configCase('Generative', 'a Config that is null', 'null', '', /object/),
  configCase('Generative', 'a Config that is a JSON string', '"Summarize the call"', '', /object/),
  configCase('Generative', 'an empty Config', '', '', /JSON/),

  configCase('LiteralSpot', 'LiteralSpot without phrase_sets', {}, '/phrase_sets', /required/),
  configCase('LiteralSpot', 'LiteralSpot with an empty phrase_sets', { phrase_sets: [] }, '/phrase_sets', /at least 1/),
  configCase(
    'LiteralSpot',
    'LiteralSpot with an unknown match type',
    { phrase_sets: [{ name: 'a', phrases: ['x'], match: 'regex' }] },
    '/phrase_sets/0/match',
    /exact, fuzzy/,
  ),
  configCase(
    'LiteralSpot',
    'LiteralSpot with a repeated phrase set name',
    {
      phrase_sets: [
        { name: 'a', phrases: ['x'], match: 'exact' },
        { name: 'a', phrases: ['y'], match: 'exact' },
      ],
    },
    '/phrase_sets/1/name',
    /repeats/,
  ),
  configCase(
    'LiteralSpot',
    'LiteralSpot with an unknown property',
    { ...(validConfigs.LiteralSpot as object), colour: 'blue' },
    '/colour',
    /not allowed/,
  ),

  configCase(
    'LiteralClassification',
    'LiteralClassification without scope',
    { classes: [{ name: 'a', phrases: ['x'] }] },
    '/scope',
    /required/,
  ),
  configCase(
    'LiteralClassification',
    'LiteralClassification with an unknown scope',
    { scope: 'paragraph', classes: [{ name: 'a', phrases: ['x'] }] },
    '/scope',
    /conversation, sentence/,
  ),
  configCase(
    'LiteralClassification',
    'LiteralClassification with a class without phrases',
    { scope: 'sentence', classes: [{ name: 'a' }] },
    '/classes/0/phrases',
    /required/,
  ),
  configCase(
    'LiteralClassification',
    'LiteralClassification with a blank phrase',
    { scope: 'sentence', classes: [{ name: 'a', phrases: ['   '] }] },
    '/classes/0/phrases/0',
    /blank/,
  ),

  configCase('Generative', 'Generative without prompt', { examples: [] }, '/prompt', /required/),
  configCase('Generative', 'Generative with an empty prompt', { prompt: '' }, '/prompt', /empty/),
  configCase('Generative', 'Generative with a prompt of 4001 characters', { prompt: 'p'.repeat(4001) }, '/prompt', /4000/),
  configCase('Generative', 'Generative with a prompt that is not a string', { prompt: 42 }, '/prompt', /string/),
  configCase(
    'Generative',
    'Generative with an example missing its output',
    { prompt: 'p', examples: [{ input: 'i' }] },
    '/examples/0/output',
    /required/,
  ),

  configCase('GenerativeJSON', 'GenerativeJSON without json_result_schema', { prompt: 'p' }, '/json_result_schema', /required/),
  configCase(
    'GenerativeJSON',
    'GenerativeJSON whose root is not an object',
    generativeJson({ type: 'array', items: { type: 'string' } }),
    '/json_result_schema/type',
    /object/,
  ),
  configCase(
    'GenerativeJSON',
    'GenerativeJSON with 101 properties',
    generativeJson(flatObject(101)),
    '/json_result_schema',
    /more than 100 properties/,
  ),
  configCase(
    'GenerativeJSON',
    'GenerativeJSON nested 6 levels deep',
    generativeJson(nestedObject(6)),
    '/json_result_schema/properties/level2/properties/level3/properties/level4/properties/level5/properties/level6',
    /6 levels/,
  ),
  configCase(
    'GenerativeJSON',
    'GenerativeJSON with an unsupported keyword (pattern)',
    generativeJson({
      type: 'object',
      properties: { code: { type: 'string', pattern: '^[0-9]+$' } },
    }),
    '/json_result_schema/properties/code/pattern',
    /not allowed/,
  ),
  configCase(
    'GenerativeJSON',
    'GenerativeJSON with an unsupported keyword (oneOf)',
    generativeJson({
      type: 'object',
      properties: { code: { type: 'string', oneOf: [{ maxLength: 3 }, { minLength: 10 }] } },
    }),
    '/json_result_schema/properties/code/oneOf',
    /oneOf is not allowed/,
  ),
  configCase(
    'GenerativeJSON',
    'GenerativeJSON with a field without a type',
    generativeJson({
      type: 'object',
      properties: { code: { description: 'no type' } },
    }),
    '/json_result_schema/properties/code/type',
    /required/,
  ),
  configCase(
    'GenerativeJSON',
    'GenerativeJSON with an example output that is not a JSON object',
    {
      ...generativeJson(flatObject(1)),
      examples: [{ input: 'i', output: 'not json' }],
    },
    '/examples/0/output',
    /JSON object/,
  ),
];

async function assertNothingCreated(auth: Auth) {
  const list = assertOk(await server.request('GET', '/v2/Operators/Custom', { auth }), 'ListCustomOperator', 200);
  assert.deepEqual(list.operators, []);
}

describe('Config', () => {
  for (const { name, operatorType, config, path, message } of configCases) {
    test(`create answers 400 20422 with details.errors for ${name}`, async () => {
      const { auth } = await server.newAccount();
      const response = await server.request('POST', '/v2/Operators/Custom', {
        form: { FriendlyName: 'Refused', OperatorType: operatorType, Config: config },
        auth,
      });
      assertTwilioError(response, 400, 20422, /^Invalid parameter Config/);
      assert.match(response.body.message, message);
      const errors = response.body.details?.errors;
      assert.ok(Array.isArray(errors) && errors.length > 0, `details.errors is a non-empty list: ${response.text}`);
      for (const error of errors) {
        assert.deepEqual(Object.keys(error).sort(), ['message', 'path']);
        assert.equal(typeof error.path, 'string');
        assert.equal(typeof error.message, 'string');
      }
      assert.ok(
        errors.some((error: { path: string }) => error.path === path),
        `expected a problem at "${path}": ${response.text}`,
      );
      await assertNothingCreated(auth);
    });
  }

  test('GenerativeJSON with exactly 100 properties is accepted', async () => {
    await createCustomOperator(server, { operatorType: 'GenerativeJSON', config: generativeJson(flatObject(100)) });
  });

  test('GenerativeJSON nested exactly 5 levels deep is accepted', async () => {
    await createCustomOperator(server, { operatorType: 'GenerativeJSON', config: generativeJson(nestedObject(5)) });
  });

  test('Generative with a prompt of exactly 4000 characters is accepted', async () => {
    await createCustomOperator(server, { operatorType: 'Generative', config: { prompt: 'p'.repeat(4000) } });
  });
});

describe('other parameters', () => {
  const config = JSON.stringify(validConfigs.Generative);
  const cases: Array<[string, Record<string, string | string[]>, RegExp]> = [
    ['a missing FriendlyName', { OperatorType: 'Generative', Config: config }, /Missing required parameter FriendlyName/],
    ['a missing OperatorType', { FriendlyName: 'x', Config: config }, /Missing required parameter OperatorType/],
    ['a missing Config', { FriendlyName: 'x', OperatorType: 'Generative' }, /Missing required parameter Config/],
    ['a FriendlyName of 65 characters', { FriendlyName: 'f'.repeat(65), OperatorType: 'Generative', Config: config }, /FriendlyName/],
    ['an empty FriendlyName', { FriendlyName: '', OperatorType: 'Generative', Config: config }, /FriendlyName/],
    [
      'a non-configurable OperatorType (Sentiment)',
      { FriendlyName: 'x', OperatorType: 'Sentiment', Config: '{}' },
      /OperatorType.*configurable/,
    ],
    [
      'a non-configurable OperatorType by SID',
      { FriendlyName: 'x', OperatorType: operatorTypeSid('Summarization'), Config: '{}' },
      /OperatorType/,
    ],
    ['an unknown OperatorType', { FriendlyName: 'x', OperatorType: 'NoSuchType', Config: config }, /OperatorType/],
    ['an unknown OperatorType SID', { FriendlyName: 'x', OperatorType: 'EY' + '0'.repeat(32), Config: config }, /OperatorType/],
    ['an OperatorType in the wrong case', { FriendlyName: 'x', OperatorType: 'generative', Config: config }, /OperatorType/],
    ['Config given twice', { FriendlyName: 'x', OperatorType: 'Generative', Config: [config, config] }, /Config.*more than once/],
  ];
  for (const [name, form, message] of cases) {
    test(`create answers 400 20422 for ${name} and creates nothing`, async () => {
      const { auth } = await server.newAccount();
      assertTwilioError(await server.request('POST', '/v2/Operators/Custom', { form, auth }), 400, 20422, message);
      await assertNothingCreated(auth);
    });
  }

  test('create answers 400 20422 for a JSON body', async () => {
    const { auth } = await server.newAccount();
    const body = JSON.stringify({ FriendlyName: 'x', OperatorType: 'Generative', Config: validConfigs.Generative });
    const response = await server.request('POST', '/v2/Operators/Custom', { body, headers: { 'content-type': 'application/json' }, auth });
    assertTwilioError(response, 400, 20422, /Content-Type/);
    await assertNothingCreated(auth);
  });
});
