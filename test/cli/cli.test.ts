// The command line: account and API-key commands, the bootstrap account, and failing fast.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, test } from 'node:test';
import { startServerProcess } from '../helpers/process.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'intelligence-cli-'));
const databaseUrl = `sqlite:${join(directory, 'intelligence.db')}`;
after(() => rmSync(directory, { recursive: true, force: true }));

async function cli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const basic = (username: string, password: string) => 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64');

test('accounts create and api-keys create print credentials that authenticate, and revoke takes effect at once', async () => {
  const account = await cli(['accounts', 'create']);
  assert.equal(account.code, 0, account.stderr);
  const { account_sid: accountSid, auth_token: authToken } = JSON.parse(account.stdout);
  assert.match(accountSid, /^AC[0-9a-f]{32}$/);

  const key = await cli(['api-keys', 'create', '--account', accountSid]);
  assert.equal(key.code, 0, key.stderr);
  const { sid: keySid, secret } = JSON.parse(key.stdout);
  assert.match(keySid, /^SK[0-9a-f]{32}$/);

  const server = await startServerProcess({ DATABASE_URL: databaseUrl });
  try {
    const byToken = await fetch(`${server.url}/v2/Services`, { headers: { authorization: basic(accountSid, authToken) } });
    assert.equal(byToken.status, 200);
    const byKey = await fetch(`${server.url}/v2/Services`, { headers: { authorization: basic(keySid, secret) } });
    assert.equal(byKey.status, 200);

    const revoked = await cli(['api-keys', 'revoke', keySid]);
    assert.equal(revoked.code, 0, revoked.stderr);
    const afterRevoke = await fetch(`${server.url}/v2/Services`, { headers: { authorization: basic(keySid, secret) } });
    assert.equal(afterRevoke.status, 401);
  } finally {
    await server.stop();
  }
});

test('api-keys create for an unknown account fails with one line and a non-zero exit', async () => {
  const result = await cli(['api-keys', 'create', '--account', 'AC' + '0'.repeat(32)]);
  assert.notEqual(result.code, 0);
  assert.equal(result.stderr.trim().split('\n').length, 1);
  assert.match(result.stderr, /No account/);
});

test('bad configuration fails fast with one clear line', async () => {
  const badEnvironments: Array<Record<string, string>> = [
    { PORT: 'eighty' },
    { DATABASE_URL: 'mysql://x' },
    { TWILIO_ACCOUNT_SID: 'AC1' },
    { LOG_LEVEL: 'loud' },
  ];
  for (const env of badEnvironments) {
    const result = await cli(['serve'], env);
    assert.equal(result.code, 2, JSON.stringify(env));
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  }
});

test('the first start on an empty database writes generated credentials to an owner-only file (stdout is no terminal), once, and they work', async () => {
  const fresh = mkdtempSync(join(tmpdir(), 'intelligence-bootstrap-'));
  const env = { DATABASE_URL: `sqlite:${join(fresh, 'db.sqlite')}`, TWILIO_ACCOUNT_SID: '', TWILIO_AUTH_TOKEN: '' };
  const credentialsFile = join(fresh, 'db.sqlite.credentials');
  try {
    const first = await startServerProcess(env);
    // Written before the server listens, so it is there once the server answers.
    const written = readFileSync(credentialsFile, 'utf8');
    assert.equal(statSync(credentialsFile).mode & 0o777, 0o600);
    const sid = /^TWILIO_ACCOUNT_SID=(AC[0-9a-f]{32})$/m.exec(written)?.[1];
    const token = /^TWILIO_AUTH_TOKEN=([0-9a-f]{32})$/m.exec(written)?.[1];
    assert.ok(sid && token, written);
    const response = await fetch(`${first.url}/v2/Services`, { headers: { authorization: basic(sid, token) } });
    assert.equal(response.status, 200);
    await first.stop();
    assert.doesNotMatch(first.output(), new RegExp(token));
    assert.match(first.output(), /"credentials_file":"[^"]*db\.sqlite\.credentials"/);

    rmSync(credentialsFile);
    const second = await startServerProcess(env);
    await second.stop();
    assert.equal(existsSync(credentialsFile), false, 'the second start generated nothing');
    assert.doesNotMatch(second.output(), /credentials_file/);
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
});

test('three processes starting together on a fresh SQLite file all start and create one account', async () => {
  const fresh = mkdtempSync(join(tmpdir(), 'intelligence-together-'));
  const databaseFile = join(fresh, 'db.sqlite');
  const env = { DATABASE_URL: `sqlite:${databaseFile}`, TWILIO_ACCOUNT_SID: '', TWILIO_AUTH_TOKEN: '' };
  try {
    const servers = await Promise.all([1, 2, 3].map(() => startServerProcess(env)));
    await Promise.all(servers.map((server) => server.stop()));
    const db = new Database(databaseFile, { readonly: true });
    assert.equal(db.prepare('SELECT count(*) FROM accounts').pluck().get(), 1);
    db.close();
    const token = /^TWILIO_AUTH_TOKEN=(.+)$/m.exec(readFileSync(`${databaseFile}.credentials`, 'utf8'))?.[1];
    assert.ok(token);
    assert.equal(servers.filter((server) => /credentials_file/.test(server.output())).length, 1, servers.map((server) => server.output()).join('\n---\n'));
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
});
