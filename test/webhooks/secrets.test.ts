// Auth tokens kept recoverable but never in clear (SECRET_KEY; SQLite's key file), on TEST_STORE's
// backend, and never shown: not in logs, snapshots, metrics or error bodies.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { after, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';
import { authTokenOf, hashSecret, setAuthToken } from '../../src/resources/accounts/rules.js';
import { keyFileOf, parseSecretKey, resolveSecretKey, SecretKey } from '../../src/resources/accounts/secret-key.js';
import { decryptAuthToken, encryptAuthToken } from '../../src/resources/accounts/token-cipher.js';
import { startServer } from '../../src/server.js';
import { newSid } from '../../src/sids.js';
import { testDatabaseUrl } from '../helpers/postgres.js';
import { startTestServer, testStoreKind } from '../helpers/server.js';
import { startReceiver } from './receiver.js';
import { enqueueWebhook, serviceWithWebhook, settledRecorder } from './support.js';

const directories: string[] = [];
function scratch(): string {
  const directory = mkdtempSync(join(tmpdir(), 'intelligence-secrets-'));
  directories.push(directory);
  return directory;
}
after(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});
const otherKey = () => parseSecretKey('ab'.repeat(32))!;

describe('encrypted auth tokens', { timeout: 60_000 }, () => {
  test('a new account keeps its token encrypted: the stored text is not the token, and authTokenOf recovers it', async () => {
    const server = await startTestServer();
    try {
      const { sid, secret } = server.account;
      const ciphertext = await server.store.findAuthTokenCiphertext(sid);
      assert.ok(ciphertext !== null);
      assert.ok(!ciphertext.includes(secret));
      assert.ok(!Buffer.from(ciphertext.slice(3), 'base64').includes(Buffer.from(secret)), 'not the token in base64 either');
      assert.equal(await authTokenOf(server.store, sid, server.secretKey), secret);
      assert.equal(await authTokenOf(server.store, sid, otherKey()), null, 'another key does not decrypt it');
      assert.equal(decryptAuthToken(server.secretKey, newSid('AC'), ciphertext), null, 'nor does it decrypt for another account');
      assert.equal(await authTokenOf(server.store, newSid('AC'), server.secretKey), null, 'no account, no token');
    } finally {
      await server.close();
    }
  });

  test('an account made before gets its encrypted token at its next successful authentication, not at a failed one or by API key', async () => {
    const server = await startTestServer();
    try {
      const sid = newSid('AC');
      const token = 'legacy-account-token-0123456789';
      await server.store.insertAccount({ sid, friendlyName: null, authTokenHash: hashSecret(token), dateCreatedMs: Date.now() });
      assert.equal(await authTokenOf(server.store, sid, server.secretKey), null);
      const wrong = await server.request('GET', '/v2/Services', { auth: { username: sid, password: 'not-the-token-at-all' } });
      assert.equal(wrong.status, 401);
      const key = await server.newApiKey(sid);
      assert.equal((await server.request('GET', '/v2/Services', { auth: { username: key.sid, password: key.secret } })).status, 200);
      assert.equal(await server.store.findAuthTokenCiphertext(sid), null);
      const right = await server.request('GET', '/v2/Services', { auth: { username: sid, password: token } });
      assert.equal(right.status, 200);
      assert.equal(await authTokenOf(server.store, sid, server.secretKey), token);
      assert.equal(
        (await server.request('GET', '/v2/Services', { auth: { username: sid, password: token } })).status,
        200,
        'and it goes on authenticating',
      );
    } finally {
      await server.close();
    }
  });

  test('set-token replaces the encrypted token; without a key it is cleared, never left stale', async () => {
    const server = await startTestServer();
    try {
      const { sid } = server.account;
      await setAuthToken(server.store, sid, 'rotated-token-1', server.secretKey);
      assert.equal(await authTokenOf(server.store, sid, server.secretKey), 'rotated-token-1');
      await setAuthToken(server.store, sid, 'rotated-token-2');
      assert.equal(await server.store.findAuthTokenCiphertext(sid), null);
      // A ciphertext written for an older token is refused once the token changed.
      assert.equal(
        await server.store.storeAuthTokenCiphertext(
          sid,
          hashSecret('rotated-token-1'),
          encryptAuthToken(server.secretKey, sid, 'rotated-token-1'),
        ),
        false,
      );
      assert.equal(await server.store.findAuthTokenCiphertext(sid), null);
    } finally {
      await server.close();
    }
  });
});

describe('the server key', () => {
  test('without SECRET_KEY, SQLite makes <db>.key on first start, owner-only, and reuses it', async () => {
    const databaseFile = join(scratch(), 'intelligence.db');
    const config = { secretKey: null, database: { kind: 'sqlite' as const, filename: databaseFile } };
    const first = resolveSecretKey(config);
    const file = keyFileOf(databaseFile);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.match(readFileSync(file, 'utf8'), /^[0-9a-f]{64}\n$/);
    const second = resolveSecretKey(config);
    assert.ok(first.bytes().equals(second.bytes()));
    const sealed = encryptAuthToken(first, 'AC' + '1'.repeat(32), 'token-1234');
    assert.equal(decryptAuthToken(second, 'AC' + '1'.repeat(32), sealed), 'token-1234');
  });

  test('SECRET_KEY, when set, is used instead of the key file', () => {
    const databaseFile = join(scratch(), 'intelligence.db');
    const key = parseSecretKey('cd'.repeat(32))!;
    assert.equal(resolveSecretKey({ secretKey: key, database: { kind: 'sqlite', filename: databaseFile } }), key);
    assert.throws(() => statSync(keyFileOf(databaseFile)), /ENOENT/);
  });

  test('a key file others can read, or that is not a key, stops the start', () => {
    const directory = scratch();
    const databaseFile = join(directory, 'intelligence.db');
    writeFileSync(keyFileOf(databaseFile), 'ef'.repeat(32), { mode: 0o644 });
    chmodSync(keyFileOf(databaseFile), 0o644);
    const config = { secretKey: null, database: { kind: 'sqlite' as const, filename: databaseFile } };
    assert.throws(
      () => resolveSecretKey(config),
      (error: Error) => error instanceof ConfigError && /owner only \(chmod 600/.test(error.message),
    );
    chmodSync(keyFileOf(databaseFile), 0o600);
    writeFileSync(keyFileOf(databaseFile), 'not a key');
    assert.throws(
      () => resolveSecretKey(config),
      (error: Error) => error instanceof ConfigError && /64 hexadecimal/.test(error.message),
    );
  });

  test('PostgreSQL refuses to start without SECRET_KEY, with a ConfigError naming it', async () => {
    const config = loadConfig({ DATABASE_URL: testDatabaseUrl(), PORT: '0' });
    await assert.rejects(
      startServer(config),
      (error: Error) => error instanceof ConfigError && /SECRET_KEY must be set with PostgreSQL/.test(error.message),
    );
  });

  test('a malformed SECRET_KEY is a ConfigError that does not repeat the value', () => {
    const value = 'secret-value-that-is-not-hex-'.padEnd(64, 'z');
    assert.throws(
      () => loadConfig({ SECRET_KEY: value }),
      (error: Error) =>
        error instanceof ConfigError && /SECRET_KEY must be 64 hexadecimal/.test(error.message) && !error.message.includes(value),
    );
    assert.throws(() => loadConfig({ SECRET_KEY: 'ab'.repeat(31) }), ConfigError);
  });

  test('the key never prints: JSON, inspect and String show a placeholder', () => {
    const hex = '12'.repeat(32);
    const config = loadConfig({ SECRET_KEY: hex });
    assert.ok(config.secretKey instanceof SecretKey);
    for (const shown of [JSON.stringify(config), inspect(config, { depth: 5 }), String(config.secretKey)]) {
      assert.ok(!shown.includes(hex), shown);
      assert.match(shown, /\[SECRET_KEY\]/);
    }
  });
});

describe('tokens and the key are never shown', { timeout: 60_000 }, () => {
  test('not in log lines, snapshots, metrics, error bodies or webhook failure reports', async () => {
    const adminToken = 'admin-token-for-secrets-test';
    const server = await startTestServer({
      jobs: { pollMs: 50 },
      env: { ADMIN_TOKEN: adminToken, OUTBOUND_ALLOWLIST: '127.0.0.1', LOG_LEVEL: 'debug' },
    });
    const hook = await startReceiver((_request, _index, response) => {
      response.statusCode = 404;
      response.end();
    });
    try {
      const { sid, secret } = server.account;
      const ciphertext = (await server.store.findAuthTokenCiphertext(sid))!;
      const keyHex = server.secretKey.bytes().toString('hex');
      const recorder = settledRecorder(server.jobs!);
      const service = await serviceWithWebhook(server, `${hook.origin}/missing`);
      const { jobId } = await enqueueWebhook(server.store, service);
      await recorder.finished(jobId);
      const texts: Array<[string, string]> = [];
      const unauthorized = await server.request('GET', '/v2/Services', { auth: { username: sid, password: secret + 'x' } });
      assert.equal(unauthorized.status, 401);
      texts.push(['401 body', unauthorized.text]);
      const badInput = await server.request('POST', '/v2/Services', { form: { UniqueName: '', WebhookUrl: `not a url ${secret}` } });
      assert.equal(badInput.status, 400);
      texts.push(['400 body', badInput.text.replaceAll(`not a url ${secret}`, '')]);
      const snapshot = await server.request('GET', `/admin/accounts/${sid}/snapshot`, {
        auth: null,
        headers: { authorization: `Bearer ${adminToken}` },
      });
      assert.equal(snapshot.status, 200);
      texts.push(['snapshot', snapshot.text]);
      const metrics = await server.request('GET', '/metrics', { auth: null });
      assert.equal(metrics.status, 200);
      texts.push(['metrics', metrics.text]);
      // The request that echoed the token in its own input is left out: only what the server wrote itself counts.
      texts.push(['logs', server.logs.join('').replaceAll(`not a url ${secret}`, '')]);
      assert.ok(server.logs.join('').includes('"error_code":95200'), 'the failed attempt was logged');
      for (const [where, text] of texts) {
        for (const [what, value] of [
          ['the auth token', secret],
          ['the ciphertext', ciphertext],
          ['the key', keyHex],
        ] as const) {
          assert.ok(!text.includes(value), `${what} appears in ${where}`);
        }
      }
      const signature = hook.received[0]?.headers['x-twilio-signature'];
      assert.ok(typeof signature === 'string' && !server.logs.join('').includes(signature), 'nor the signature it sent');
    } finally {
      await server.close();
      await hook.close();
    }
  });
});

describe('the command line', { skip: testStoreKind() !== 'sqlite' }, () => {
  test('accounts create and set-token keep the encrypted token with the key file the server uses', async () => {
    const directory = scratch();
    const databaseFile = join(directory, 'intelligence.db');
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const cli = (args: string[]) =>
      new Promise<string>((resolve, reject) =>
        execFile(
          process.execPath,
          ['--import', 'tsx', 'src/main.ts', ...args],
          { cwd: root, env: { ...process.env, DATABASE_URL: `sqlite:${databaseFile}`, SECRET_KEY: '', LOG_LEVEL: 'warn' } },
          (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout)),
        ),
      );
    const created = JSON.parse(await cli(['accounts', 'create'])) as { account_sid: string; auth_token: string };
    const set = JSON.parse(await cli(['accounts', 'set-token', '--account', created.account_sid, '--auth-token', 'cli-chosen-token'])) as {
      auth_token: string;
    };
    assert.equal(set.auth_token, 'cli-chosen-token');
    const server = await startTestServer({ directory });
    try {
      assert.equal(await authTokenOf(server.store, created.account_sid, server.secretKey), 'cli-chosen-token');
    } finally {
      await server.close();
    }
  });
});
