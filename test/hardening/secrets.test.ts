// Secrets: auth tokens and API key secrets are stored only as digests, compared in constant time,
// never written to a log line (in-process or by the real CLI server), and revoking an API key with
// the CLI shuts it out on the very next request.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import crypto, { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { startServerProcess } from '../helpers/process.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { assertError, basicAuth, databaseUrlOf, dumpTables } from './support.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

let server: TestServer;
before(async () => {
  server = await startTestServer({ env: { LOG_LEVEL: 'trace' } });
});
after(() => server.close());

describe('stored secrets', () => {
  test('auth tokens and API key secrets are stored only as their SHA-256 digests', async () => {
    const other = await server.newAccount();
    const key = await server.newApiKey(other.account.sid);
    const dump = JSON.stringify(await dumpTables(server));
    for (const secret of [server.account.secret, other.account.secret, key.secret]) {
      assert.ok(!dump.includes(secret), 'a secret is stored in clear');
    }
    assert.equal((await server.store.findCredential(other.account.sid))?.secretHash, sha256(other.account.secret));
    assert.equal((await server.store.findCredential(key.sid))?.secretHash, sha256(key.secret));
    if (server.config.database.kind === 'sqlite') {
      const files = [server.databaseFile, `${server.databaseFile}-wal`].filter(existsSync);
      const bytes = Buffer.concat(files.map((file) => readFileSync(file)));
      assert.ok(!bytes.includes(key.secret) && !bytes.includes(other.account.secret), 'a secret is in the database file');
    }
  });

  test('every credential check compares fixed-length digests with timingSafeEqual', async () => {
    const original = crypto.timingSafeEqual;
    const compared: number[][] = [];
    crypto.timingSafeEqual = (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      compared.push([a.byteLength, b.byteLength]);
      return original(a, b);
    };
    syncBuiltinESMExports();
    try {
      const attempts = ['', 'x', 'x'.repeat(31), 'x'.repeat(32), 'x'.repeat(33), 'x'.repeat(600), server.account.secret];
      for (const password of attempts) {
        const response = await server.request('GET', '/v2/Services', { auth: { username: server.account.sid, password } });
        assert.equal(response.status, password === server.account.secret ? 200 : 401);
      }
      assert.deepEqual(
        compared,
        attempts.map(() => [32, 32]),
        'one comparison of two 32-byte digests per attempt',
      );
    } finally {
      crypto.timingSafeEqual = original;
      syncBuiltinESMExports();
    }
  });
});

describe('secrets in logs', () => {
  test('no log line carries a token, an API key secret, a wrong secret or the Authorization header', async () => {
    const key = await server.newApiKey(server.account.sid);
    const wrong = 'wrong-secret-4f1c2a9d7e';
    const credentials = [
      { username: server.account.sid, password: server.account.secret },
      { username: key.sid, password: key.secret },
      { username: server.account.sid, password: wrong },
      { username: key.sid, password: wrong },
    ];
    for (const auth of credentials) {
      await server.request('GET', '/v2/Services', { auth });
      await server.request('POST', '/v2/Services', { auth, form: { UniqueName: '' } });
      await server.request('GET', `/v2/Services/GA${'0'.repeat(32)}?token=${auth.password}`, { auth });
      await server.request('DELETE', '/v2/Services', { auth });
    }
    assert.ok(server.logs.length >= 16, `only ${server.logs.length} log lines`);
    const logText = server.logs.join('');
    const forbidden = [server.account.secret, key.secret, wrong, ...credentials.map((c) => basicAuth(c.username, c.password).slice(6))];
    for (const text of [...forbidden, sha256(server.account.secret), sha256(key.secret)]) {
      assert.ok(!logText.includes(text), `the log output contains ${text.slice(0, 6)}…`);
    }
  });

  test('the real server process logs no credentials at LOG_LEVEL=trace', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'intelligence-secrets-'));
    const accountSid = 'AC' + 'e'.repeat(32);
    const token = 'process-secret-9b8a7c6d5e';
    const child = await startServerProcess({
      DATABASE_URL: `sqlite:${join(directory, 'intelligence.db')}`,
      TWILIO_ACCOUNT_SID: accountSid,
      TWILIO_AUTH_TOKEN: token,
      LOG_LEVEL: 'trace',
    });
    try {
      for (const password of [token, 'wrong-process-secret-1a2b']) {
        await fetch(`${child.url}/v2/Services`, { headers: { authorization: basicAuth(accountSid, password) } });
      }
    } finally {
      assert.equal(await child.stop('SIGTERM'), 0);
      rmSync(directory, { recursive: true, force: true });
    }
    assert.match(child.output(), /"status":200/, 'the request lines were logged');
    for (const text of [token, 'wrong-process-secret-1a2b', basicAuth(accountSid, token).slice(6)]) {
      assert.ok(!child.output().includes(text), `the process output contains ${text.slice(0, 6)}…`);
    }
  });
});

describe('revoking an API key', () => {
  const run = promisify(execFile);
  const cli = async (args: string[]) => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrlOf(server), LOG_LEVEL: 'silent' },
    });
    return JSON.parse(stdout);
  };

  test('npx intelligence-server api-keys revoke shuts the key out on the next request', async () => {
    const created = await cli(['api-keys', 'create', '--account', server.account.sid]);
    const auth = { username: created.sid, password: created.secret };
    assert.equal((await server.request('GET', '/v2/Services', { auth })).status, 200);
    assert.equal((await server.request('GET', '/v2/Services', { auth })).status, 200);
    assert.deepEqual(await cli(['api-keys', 'revoke', created.sid]), { sid: created.sid, revoked: true });
    assertError(await server.request('GET', '/v2/Services', { auth }), 401, 20003, 'revoked key');
    assertError(await server.request('POST', '/v2/Services', { auth, form: { UniqueName: 'after-revoke' } }), 401, 20003, 'revoked key');
    assert.equal((await server.request('GET', '/v2/Services')).status, 200, "the account's own token still works");
  });
});
