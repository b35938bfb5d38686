// Failed authentication is limited per client address: past AUTH_FAILURE_LIMIT failures in the
// window the address gets 429 20429 with Retry-After, without its credentials being checked
// (credentials it already proved still work), other addresses are unaffected; repeated refusals
// are counted rather than each logged; and a token must be long once the server is reachable
// from other machines.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { assertError, basicAuth } from './support.js';

/** GET /v2/Services from a given local address (any 127.x address reaches a server on 127.0.0.1). */
function getFrom(
  server: TestServer,
  localAddress: string,
  authorization: string,
): Promise<{ status: number; text: string; retryAfter?: string }> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: '127.0.0.1', port, localAddress, path: '/v2/Services', headers: { authorization } },
      (incoming) => {
        let text = '';
        incoming.on('data', (chunk) => (text += chunk));
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, text, retryAfter: incoming.headers['retry-after'] }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('failed authentication per address', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { AUTH_FAILURE_LIMIT: '3', AUTH_FAILURE_WINDOW_SECONDS: '600' } });
  });
  after(() => server.close());

  test('past the limit an address gets 429 20429 with Retry-After, even for a right token it never proved', async () => {
    const good = basicAuth(server.auth.username, server.auth.password);
    assert.equal((await getFrom(server, '127.0.0.2', good)).status, 200, 'proved before the guessing');
    const wrong = basicAuth(server.auth.username, 'not-the-token');
    for (let attempt = 1; attempt <= 3; attempt++) assertError(await getFrom(server, '127.0.0.2', wrong), 401, 20003, `failure ${attempt}`);
    const refused = await getFrom(server, '127.0.0.2', wrong);
    assertError(refused, 429, 20429, 'the fourth guess');
    const retryAfter = Number(refused.retryAfter);
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 600, `Retry-After: ${refused.retryAfter}`);

    const other = await server.newAccount();
    assertError(
      await getFrom(server, '127.0.0.2', basicAuth(other.auth.username, other.auth.password)),
      429,
      20429,
      'an unproven right token',
    );
    assert.equal((await getFrom(server, '127.0.0.2', good)).status, 200, 'credentials the address proved before still work');
    assert.equal((await getFrom(server, '127.0.0.3', basicAuth(other.auth.username, other.auth.password))).status, 200, 'another address');
    assertError(await getFrom(server, '127.0.0.3', wrong), 401, 20003, 'another address has its own count');
  });
});

describe('log lines of repeated refusals', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { AUTH_FAILURE_LIMIT: '0' } });
  });
  after(() => server.close());

  test('past 10 a second per status, refusals are counted in one line instead of one line each', async () => {
    const wrong = basicAuth(server.auth.username, 'not-the-token');
    const requests = 300;
    const firstSecond = Math.floor(Date.now() / 1000);
    for (let sent = 0; sent < requests; sent += 30) {
      await Promise.all(
        Array.from({ length: 30 }, () => server.request('GET', '/v2/Services', { headers: { authorization: wrong }, auth: null })),
      );
    }
    const seconds = Math.floor(Date.now() / 1000) - firstSecond + 1;
    await server.close();
    const lines = server.logs
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    const written = lines.filter((line) => line.msg === 'request' && line.status === 401).length;
    const counted = lines
      .filter((line) => line.status === 401 && typeof line.not_logged === 'number')
      .reduce((sum, line) => sum + line.not_logged, 0);
    assert.ok(written <= 10 * seconds, `${written} lines for ${requests} refusals over ${seconds} s`);
    assert.equal(written + counted, requests, 'every refusal is either written or counted');
  });
});

describe('token length', () => {
  const sid = 'AC00000000000000000000000000000001';
  test("the README's local recipe (a short token on loopback) is accepted", () => {
    assert.equal(loadConfig({ TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: 'test-auth-token' }).bootstrapAuthToken, 'test-auth-token');
    assert.equal(loadConfig({ HOST: '::1', TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: 'test-auth-token' }).host, '::1');
  });

  test('beyond loopback the token needs 32 characters', () => {
    for (const host of ['0.0.0.0', '::', '10.1.2.3', 'intelligence.example.com']) {
      assert.throws(() => loadConfig({ HOST: host, TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: 'test-auth-token' }), ConfigError, host);
      assert.throws(
        () => loadConfig({ HOST: host, TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: 'f'.repeat(31) }),
        /at least 32 characters/,
        host,
      );
      assert.equal(
        loadConfig({ HOST: host, TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: 'f'.repeat(32) }).bootstrapAuthToken,
        'f'.repeat(32),
      );
    }
  });
});
