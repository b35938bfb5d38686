// An operator result's JSON: the stored body (operators/results.ts resultJson) spliced between the
// fields the API adds, in the spec's field order, equal to serialising the whole object.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conversationClassify, extract, resultJson } from '../../src/operators/results.js';
import type { OperatorResultBody } from '../../src/operators/types.js';
import { operatorResultJson } from '../../src/resources/operator-results/routes.js';

const view = (bodyJson: string) => ({
  transcriptSid: 'GT00000000000000000000000000000001',
  operatorSid: 'LY00000000000000000000000000000002',
  name: 'Topic "quoted"',
  bodyJson,
});
const BASE = 'http://127.0.0.1:8080';

/** What the JSON must equal: every field, in the spec's order. */
function expected(body: OperatorResultBody) {
  const { operator_type, ...rest } = body;
  return {
    operator_type,
    name: 'Topic "quoted"',
    operator_sid: 'LY00000000000000000000000000000002',
    ...rest,
    transcript_sid: 'GT00000000000000000000000000000001',
    url: `${BASE}/v2/Transcripts/GT00000000000000000000000000000001/OperatorResults/LY00000000000000000000000000000002`,
  };
}

test('a stored body is spliced in: the JSON is the whole result, fields in the spec order', () => {
  for (const outcome of [conversationClassify('billing', { billing: 0.7, orders: 0.3 }), extract('extract', { refund: ['a, "b"'] }, 0.9)]) {
    assert.ok(outcome.ok);
    const json = operatorResultJson(view(resultJson(outcome.result)), BASE);
    assert.equal(json, JSON.stringify(expected(outcome.result)));
  }
});

test('resultJson keeps only the result fields, in order, missing ones null', () => {
  const outcome = extract('extract', {}, null);
  assert.ok(outcome.ok);
  const withExtra = { ...outcome.result, internal: 'never served' } as OperatorResultBody;
  assert.equal(resultJson(withExtra), JSON.stringify(outcome.result));
});

test('a body stored in another order or with missing fields is served in the canonical form', () => {
  const json = operatorResultJson(view('{"extract_match":true,"operator_type":"extract"}'), BASE);
  const parsed = JSON.parse(json) as Record<string, unknown>;
  assert.deepEqual(Object.keys(parsed).slice(0, 4), ['operator_type', 'name', 'operator_sid', 'extract_match']);
  assert.equal(parsed.extract_match, true);
  assert.equal(parsed.json_results, null);
  assert.equal(Object.keys(parsed).length, 16);
});
