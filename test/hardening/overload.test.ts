// Overload protection: past the heap or event-loop-delay threshold the API answers 503 20503 with
// Retry-After at once (writing nothing), and answers normally again once the pressure is gone.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { assertError, dumpTables, sleep } from './support.js';

/** Sends GET /v2/Services every 25 ms until `status` comes back; answers that response. */
async function pollFor(server: TestServer, status: number, withinMs: number) {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const response = await server.request('GET', '/v2/Services');
    if (response.status === status || Date.now() > deadline) return response;
    await sleep(25);
  }
}

describe('heap threshold', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { MAX_HEAP_USED_BYTES: '1' } });
  });
  after(() => server.close());

  test('once the monitor samples a heap over MAX_HEAP_USED_BYTES, API requests get 503 20503 with Retry-After', async () => {
    const response = await pollFor(server, 503, 2000);
    assertError(response, 503, 20503, 'overloaded');
    assert.match(response.body.message, /overloaded/);
    assert.equal(response.headers.get('retry-after'), '1');
  });

  test('a write refused for overload changes nothing', async () => {
    const before = await dumpTables(server);
    const response = await server.request('POST', '/v2/Services', { form: { UniqueName: 'under-pressure' } });
    assertError(response, 503, 20503, 'overloaded write');
    assert.deepEqual(await dumpTables(server), before);
  });

  test('overload is answered before authentication, so it costs no database lookup', async () => {
    assertError(await server.request('GET', '/v2/Services', { auth: null }), 503, 20503, 'anonymous');
  });
});

describe('event-loop delay threshold', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { MAX_EVENT_LOOP_DELAY_MS: '50' } });
  });
  after(() => server.close());

  test('after the event loop is blocked for 1.5 s, requests get 503 20503, then 200 again once it is calm', async () => {
    assert.equal((await pollFor(server, 200, 3000)).status, 200, 'the server starts calm');
    // The server shares this process's event loop: blocked (without spinning a core), it lags as a busy server would.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500);
    const overloaded = await pollFor(server, 503, 1000);
    assertError(overloaded, 503, 20503, 'after the block');
    assert.equal(overloaded.headers.get('retry-after'), '1');
    assert.equal((await pollFor(server, 200, 3000)).status, 200, 'the server recovers by itself');
  });
});
