// SQLite under contention: while another connection (another process) holds the file's write lock,
// a write waits for it off the event loop — other requests are answered meanwhile — and fails with
// 503 20503 once BUSY_DEADLINE_MS have passed; after the lock is released, writes succeed again.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { test } from 'node:test';
import { catalogSid } from '../../src/catalog/sids.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** A second connection to the server's file, holding its write lock until released. */
function lockFile(server: TestServer): { release(): void } {
  const other = new Database(server.databaseFile);
  other.exec('BEGIN IMMEDIATE');
  return {
    release() {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
    },
  };
}

test('a write waits for another connection’s lock without stalling other requests, and commits once it is released', async () => {
  const server = await startTestServer();
  const lock = lockFile(server);
  try {
    let writeAnswered = false;
    const write = server.request('POST', '/v2/Services', { form: { UniqueName: 'waits-for-the-lock' } }).finally(() => {
      writeAnswered = true;
    });
    const read = await server.request('GET', '/v2/Services');
    assert.equal(read.status, 200);
    assert.equal(writeAnswered, false, 'the read was answered while the write waited for the lock');
    lock.release();
    const created = await write;
    assert.equal(created.status, 201, created.text);
    assert.equal((await server.request('GET', '/v2/Services/waits-for-the-lock')).status, 200);
  } finally {
    lock.release();
    await server.close();
  }
});

test('writes to a file locked by another connection answer 503 20503, and change nothing', async () => {
  const server = await startTestServer();
  const created = await server.request('POST', '/v2/Services', { form: { UniqueName: 'before-the-lock' } });
  assert.equal(created.status, 201);
  const lock = lockFile(server);
  try {
    const operatorSid = catalogSid('LY', 'Summarization');
    const [insert, attach] = await Promise.all([
      server.request('POST', '/v2/Services', { form: { UniqueName: 'locked-out' } }),
      server.request('POST', `/v2/Services/${created.body.sid}/Operators/${operatorSid}`),
    ]);
    for (const response of [insert, attach]) {
      assert.equal(response.status, 503, response.text);
      assert.equal(response.body.code, 20503);
    }
    lock.release();
    assert.equal((await server.request('GET', '/v2/Services/locked-out')).status, 404);
    const service = await server.request('GET', `/v2/Services/${created.body.sid}`);
    assert.deepEqual(service.body.read_only_attached_operator_sids, []);
    assert.equal(service.body.version, 1);
  } finally {
    lock.release();
    await server.close();
  }
});
