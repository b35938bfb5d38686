// The registry: every built-in operator type has an engine (Call Reason excepted, by design), a
// CATALOG_FILE type names its own runner and phrase sets, and a broken runner or binding gives no
// result with the reason without touching the other operators' results.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { builtinCatalog } from '../../src/catalog/builtin.js';
import { loadCatalog } from '../../src/catalog/load.js';
import { createOperatorRegistry, type BindableType } from '../../src/operators/registry.js';
import { conversation } from '../helpers/conversations.js';
import { classified, extracted } from './expected.js';

const registry = createOperatorRegistry({ llm: null });
const dir = mkdtempSync(join(tmpdir(), 'operators-registry-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function catalogFile(content: unknown): string {
  const file = join(dir, `catalog-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(content));
  return file;
}

const refundType = (engine: unknown) => ({
  name: 'RefundRequest',
  friendly_name: 'Refund Request',
  description: 'Detects requests for a refund.',
  output_type: 'text-extraction',
  supported_languages: ['en'],
  provider: 'twilio',
  availability: 'general-availability',
  configurable: false,
  engine,
});
const refundEngine = {
  runner: 'literal-spot',
  config: { phrase_sets: [{ name: 'Refund', phrases: ['money back', 'refund'], match: 'fuzzy' }] },
};

describe('operator registry', () => {
  test('every built-in operator type has a runner whose output type agrees, except the deprecated Call Reason', () => {
    const problems = builtinCatalog.operatorTypes.flatMap((type) => registry.checkType(type));
    assert.deepEqual(problems, ['operator type CallReason names no engine and has no built-in one']);
  });

  test('a CATALOG_FILE type names its runner and phrase sets, and runs with them', async () => {
    const catalog = loadCatalog(catalogFile({ operator_types: [refundType(refundEngine)] }));
    const type = catalog.operatorTypes.find((t) => t.name === 'RefundRequest')!;
    assert.deepEqual(type.engine, refundEngine);
    assert.deepEqual(registry.checkType(type), []);
    const [run] = await registry.runAll(conversation('2: I want my money back.', '1: Sure.'), [
      { operatorSid: 'LY1', operatorType: type, config: null },
    ]);
    assert.deepEqual(run, { operatorSid: 'LY1', outcome: { ok: true, result: extracted({ Refund: ['I want my money back.'] }, 1) } });
  });

  test('a CATALOG_FILE engine with a badly shaped field stops start-up with the file and the field', () => {
    const file = catalogFile({ operator_types: [refundType({ runner: 'Literal Spot' })] });
    assert.throws(
      () => loadCatalog(file),
      (error: Error) => error.message.startsWith(`CATALOG_FILE ${file}: operator_types/0/engine/runner must match`),
    );
  });

  const checks: Array<[string, BindableType, string]> = [
    [
      'an unknown runner',
      { name: 'X', outputType: 'text-extraction', engine: { runner: 'magic' } },
      'operator type X names the runner "magic", which does not exist',
    ],
    [
      'a runner of another output type',
      { name: 'X', outputType: 'json', engine: { runner: 'sentiment' } },
      'operator type X has output_type json, but the runner "sentiment" produces text-classification',
    ],
    [
      'phrase sets the runner cannot read',
      { name: 'X', outputType: 'text-extraction', engine: { runner: 'literal-spot', config: { phrase_sets: 'refund' } } },
      'operator type X: engine.config phrase_sets must be a non-empty array',
    ],
    ['a type with no engine', { name: 'Unknown', outputType: 'json' }, 'operator type Unknown names no engine and has no built-in one'],
  ];
  for (const [name, type, problem] of checks) {
    test(`checkType reports ${name}`, () => {
      const [reported] = registry.checkType(type);
      assert.ok(reported?.startsWith(problem), reported);
    });
  }

  test('an operator that cannot run gives no result; the others still give theirs', async () => {
    const sentiment = builtinCatalog.operatorTypes.find((type) => type.name === 'Sentiment')!;
    const runs = await registry.runAll(conversation('1: The service was excellent.', '2: I love the new app.'), [
      { operatorSid: 'LYbroken', operatorType: { name: 'X', outputType: 'text-extraction', engine: { runner: 'magic' } }, config: null },
      { operatorSid: 'LYsentiment', operatorType: sentiment, config: null },
    ]);
    assert.equal(runs[0]!.operatorSid, 'LYbroken');
    assert.equal(runs[0]!.outcome.ok, false);
    assert.deepEqual(runs[1], {
      operatorSid: 'LYsentiment',
      outcome: { ok: true, result: classified('positive', { neutral: 0.3333, positive: 0.6667, negative: 0, mixed: 0 }) },
    });
  });

  test('a custom operator runs with its own Config', async () => {
    const literalSpot = builtinCatalog.operatorTypes.find((type) => type.name === 'LiteralSpot')!;
    const config = { phrase_sets: [{ name: 'Greeting', phrases: ['good morning'], match: 'exact' }] };
    const [run] = await registry.runAll(conversation('1: Good morning!'), [{ operatorSid: 'LY2', operatorType: literalSpot, config }]);
    assert.deepEqual(run?.outcome, { ok: true, result: extracted({ Greeting: ['Good morning!'] }, 1) });
  });
});
