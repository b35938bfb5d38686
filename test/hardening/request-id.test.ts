// Issue 28, item 11: Twilio-Request-Id was a per-process prefix and a counter, so two ids told how
// many requests the process had answered between them. Every hex digit is now random.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newRequestId } from '../../src/http/request-id.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const ID = /^RQ[0-9a-f]{32}$/;

describe('Twilio-Request-Id', () => {
  test('every id is RQ and 32 hex digits, and no two of 10,000 are equal', () => {
    const ids = Array.from({ length: 10_000 }, newRequestId);
    for (const id of ids) assert.match(id, ID);
    assert.equal(new Set(ids).size, ids.length);
  });

  test('no digit position is fixed or counts: each takes all 16 values across 1,000 ids', () => {
    const ids = Array.from({ length: 1000 }, newRequestId);
    for (let position = 2; position < 34; position++) {
      const digits = new Set(ids.map((id) => id[position]));
      // 1,000 random draws leave a hex digit unseen with probability 16·(15/16)^1000 ≈ 10⁻²⁷.
      assert.equal(digits.size, 16, `position ${position} took only ${[...digits].join('')}`);
    }
  });

  describe('over HTTP', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer();
    });
    after(() => server.close());

    test('consecutive answers carry ids that share no prefix a counter would', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 64; i++) ids.push((await server.request('GET', '/livez', { auth: null })).headers.get('twilio-request-id') ?? '');
      for (const id of ids) assert.match(id, ID);
      assert.ok(new Set(ids.map((id) => id.slice(0, 10))).size > 60, 'the first 8 hex digits differ from id to id');
    });
  });
});
