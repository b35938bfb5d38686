// Acknowledged writes survive a graceful restart and a kill -9 of the process.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { catalogSid } from '../../src/catalog/sids.js';
import { callServer, startServerProcess } from '../helpers/process.js';

const accountSid = 'AC' + 'd'.repeat(32);
const authToken = 'durability-token-1234';
const authorization = 'Basic ' + Buffer.from(`${accountSid}:${authToken}`).toString('base64');
const directory = mkdtempSync(join(tmpdir(), 'intelligence-durability-'));
const env = {
  DATABASE_URL: `sqlite:${join(directory, 'intelligence.db')}`,
  TWILIO_ACCOUNT_SID: accountSid,
  TWILIO_AUTH_TOKEN: authToken,
};
after(() => rmSync(directory, { recursive: true, force: true }));

const call = (base: string, method: string, path: string, form?: Record<string, string>) =>
  callServer(base, authorization, method, path, form);

const operators = ['Sentiment Analysis', 'Summarization', 'Call Transfer'].map((name) => catalogSid('LY', name));

test('services and attachments survive a graceful stop and start on the same database file', async () => {
  const first = await startServerProcess(env);
  const created = await call(first.url, 'POST', '/v2/Services', { UniqueName: 'restart-me', FriendlyName: 'Before' });
  assert.equal(created.status, 201);
  for (const operatorSid of operators) {
    assert.equal((await call(first.url, 'POST', `/v2/Services/${created.body.sid}/Operators/${operatorSid}`)).status, 202);
  }
  assert.equal(await first.stop('SIGTERM'), 0);

  const second = await startServerProcess(env);
  try {
    const fetched = await call(second.url, 'GET', '/v2/Services/restart-me');
    assert.equal(fetched.status, 200);
    assert.equal(fetched.body.sid, created.body.sid);
    assert.equal(fetched.body.version, 1 + operators.length);
    assert.deepEqual(fetched.body.read_only_attached_operator_sids, operators);
  } finally {
    await second.stop();
  }
});

test('every write acknowledged before a kill -9 is there after the restart', async () => {
  const server = await startServerProcess(env);
  const acknowledged: string[] = [];
  let running = true;
  let enoughAcknowledged = () => {};
  const killTime = new Promise<void>((resolve) => (enoughAcknowledged = resolve));
  const writers = Array.from({ length: 8 }, async (_, writer) => {
    for (let index = 0; running; index++) {
      try {
        const response = await call(server.url, 'POST', '/v2/Services', { UniqueName: `crash-${writer}-${index}` });
        if (response.status === 201 && acknowledged.push(response.body.sid) === 100) enoughAcknowledged();
      } catch {
        return; // the connection died with the process
      }
    }
  });
  // Killed in the middle of the writes, once 100 were acknowledged (or at once, if the writers all failed).
  await Promise.race([killTime, Promise.all(writers)]);
  assert.equal(await server.stop('SIGKILL'), 'SIGKILL');
  running = false;
  await Promise.all(writers);
  assert.ok(acknowledged.length > 10, `only ${acknowledged.length} writes were acknowledged`);

  const restarted = await startServerProcess(env);
  try {
    for (const sid of acknowledged) {
      assert.equal((await call(restarted.url, 'GET', `/v2/Services/${sid}`)).status, 200, `service ${sid} was lost`);
    }
  } finally {
    await restarted.stop();
  }
});
