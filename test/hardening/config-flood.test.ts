// Issue 28, item 2: a GenerativeJSON Config whose json_result_schema had ~10,800 leaves nested too
// deep (258 KB) took 16 s to refuse: every schema error was compared with every too-deep path.
// Validation now stops at the first limit exceeded, and a config with many values gets its first
// schema problem only, so the work is bounded by the limits rather than by what the client sent.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MAX_VALUES_FOR_ALL_PROBLEMS, validateOperatorConfig } from '../../src/catalog/config-validation.js';
import { MAX_CONFIG_TEXT_LENGTH } from '../../src/resources/operators/config.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { assertError, dumpTables } from './support.js';

/** `leaves` objects at level 6 (one past the depth limit), below a chain of four objects. */
function tooDeepLeaves(leaves: number): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (let i = 0; i < leaves; i++) properties[i.toString(36)] = { type: 'object' };
  let node: Record<string, unknown> = { type: 'object', properties };
  for (let level = 4; level >= 1; level--) node = { type: 'object', properties: { a: node } };
  return node;
}

/** Would be reported by any validation against it: proves the schema was not looked at. */
const tellTaleSchema = { type: 'object', required: ['tell_tale'] };

describe('GenerativeJSON limits stop the validation', () => {
  test('too many too-deep leaves: one problem, and the config schema is never run', () => {
    const config = { prompt: 'p', json_result_schema: tooDeepLeaves(1000) };
    const problems = validateOperatorConfig('GenerativeJSON', config, tellTaleSchema);
    assert.equal(problems.length, 1, JSON.stringify(problems.slice(0, 3)));
    assert.equal(problems[0]?.path, '/json_result_schema');
    assert.match(problems[0]?.message ?? '', /more than 100 properties/);
  });

  test('a schema nested too deep: one problem at the first node too deep', () => {
    const config = { prompt: 'p', json_result_schema: tooDeepLeaves(3) };
    const problems = validateOperatorConfig('GenerativeJSON', config, tellTaleSchema);
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.match(problems[0]?.message ?? '', /6 levels deep/);
  });
});

describe(`configs of more than ${MAX_VALUES_FOR_ALL_PROBLEMS} values`, () => {
  test('get their first schema problem only, not one per value', () => {
    const phraseSets = Array.from({ length: 80_000 }, () => ({}));
    const problems = validateOperatorConfig('LiteralSpot', { phrase_sets: phraseSets });
    assert.deepEqual(problems, [{ path: '/phrase_sets', message: 'must have at most 50 items' }]);
  });

  test('a small config still gets every problem', () => {
    const problems = validateOperatorConfig('LiteralSpot', { phrase_sets: [{}, {}] });
    assert.equal(problems.length, 6, JSON.stringify(problems));
  });

  test('a valid config of many values is accepted', () => {
    const phraseSets = Array.from({ length: 50 }, (_, set) => ({
      name: `set ${set}`,
      match: 'exact',
      phrases: Array.from({ length: 100 }, (_, phrase) => `phrase ${phrase}`),
    }));
    assert.deepEqual(validateOperatorConfig('LiteralSpot', { phrase_sets: phraseSets }), []);
  });
});

describe('the 258 KB attack over HTTP', () => {
  let server: TestServer;
  before(async () => {
    // No overload guard: the first GenerativeJSON config compiles its schema, which a busy test
    // machine can stretch past the guard's threshold.
    server = await startTestServer({ env: { MAX_EVENT_LOOP_DELAY_MS: '0' } });
  });
  after(() => server.close());

  test('is refused 400 20422 for its number of properties, and creates nothing', async () => {
    const config = JSON.stringify({ prompt: 'p', json_result_schema: tooDeepLeaves(10_800) });
    assert.ok(config.length > 250_000 && config.length <= MAX_CONFIG_TEXT_LENGTH, `${config.length} characters`);
    const before = await dumpTables(server);
    const response = await server.request('POST', '/v2/Operators/Custom', {
      form: { FriendlyName: 'Flood', OperatorType: 'GenerativeJSON', Config: config },
    });
    assertError(response, 400, 20422, 'flood');
    assert.match(response.body.message, /json_result_schema has more than 100 properties/);
    assert.equal(response.body.details.errors.length, 1);
    assert.deepEqual(await dumpTables(server), before);
  });
});
