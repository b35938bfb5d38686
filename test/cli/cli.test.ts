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
import { startServerProcess, type ServerProcess } from '../helpers/process.js';

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
    assert.equal(
      servers.filter((server) => /credentials_file/.test(server.output())).length,
      1,
      servers.map((server) => server.output()).join('\n---\n'),
    );
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
});

/** Resolves once the server's output matches `pattern` (rejects if it exits first or after 20 s). */
function outputMatching(server: ServerProcess, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!pattern.test(server.output())) return false;
      cleanup();
      resolve();
      return true;
    };
    const timer = setTimeout(() => (cleanup(), reject(new Error(`no ${pattern} in: ${server.output()}`))), 20_000);
    const exited = () => (cleanup(), reject(new Error(`exited without ${pattern}: ${server.output()}`)));
    const cleanup = () => {
      clearTimeout(timer);
      server.child.stdout!.off('data', check);
      server.child.stderr!.off('data', check);
      server.child.off('exit', exited);
    };
    server.child.stdout!.on('data', check);
    server.child.stderr!.on('data', check);
    server.child.once('exit', exited);
    check();
  });
}

test('revoking an unknown or already revoked key fails with exit status 1, like every "not found"', async () => {
  const account = JSON.parse((await cli(['accounts', 'create'])).stdout);
  const key = JSON.parse((await cli(['api-keys', 'create', '--account', account.account_sid])).stdout);
  assert.equal((await cli(['api-keys', 'revoke', key.sid])).code, 0);
  for (const sid of [key.sid, 'SK' + '0'.repeat(32)]) {
    const result = await cli(['api-keys', 'revoke', sid]);
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stderr, `No API key ${sid} in this database\n`);
  }
  const malformed = await cli(['api-keys', 'revoke', 'SK123']);
  assert.equal(malformed.code, 2, malformed.stderr);
});

test('a changed TWILIO_AUTH_TOKEN is warned about at start, and accounts set-token changes the token', async () => {
  const fresh = mkdtempSync(join(tmpdir(), 'intelligence-token-'));
  const accountSid = 'AC' + 'c'.repeat(32);
  const env = { DATABASE_URL: `sqlite:${join(fresh, 'db.sqlite')}`, TWILIO_ACCOUNT_SID: accountSid };
  const status = async (url: string, token: string) =>
    (await fetch(`${url}/v2/Services`, { headers: { authorization: basic(accountSid, token) } })).status;
  try {
    const first = await startServerProcess({ ...env, TWILIO_AUTH_TOKEN: 'first-token-1234' });
    await first.stop();
    assert.doesNotMatch(first.output(), /TWILIO_AUTH_TOKEN is not/);

    const second = await startServerProcess({ ...env, TWILIO_AUTH_TOKEN: 'second-token-1234' });
    try {
      await outputMatching(second, new RegExp(`TWILIO_AUTH_TOKEN is not the auth token of ${accountSid}.*accounts set-token`));
      assert.equal(await status(second.url, 'first-token-1234'), 200);
      assert.equal(await status(second.url, 'second-token-1234'), 401);

      const set = await cli(['accounts', 'set-token', '--account', accountSid, '--auth-token', 'second-token-1234'], {
        DATABASE_URL: env.DATABASE_URL,
      });
      assert.equal(set.code, 0, set.stderr);
      assert.deepEqual(JSON.parse(set.stdout), { account_sid: accountSid, auth_token: 'second-token-1234' });
      // The running server sees the CLI's change on the next request.
      assert.equal(await status(second.url, 'second-token-1234'), 200);
      assert.equal(await status(second.url, 'first-token-1234'), 401);

      const rotated = await cli(['accounts', 'set-token', '--account', accountSid], { DATABASE_URL: env.DATABASE_URL });
      assert.equal(rotated.code, 0, rotated.stderr);
      const generated = JSON.parse(rotated.stdout).auth_token as string;
      assert.match(generated, /^[0-9a-f]{32}$/);
      assert.equal(await status(second.url, generated), 200);
      assert.equal(await status(second.url, 'second-token-1234'), 401);
    } finally {
      await second.stop();
    }

    const short = await cli(['accounts', 'set-token', '--account', accountSid, '--auth-token', 'short'], {
      DATABASE_URL: env.DATABASE_URL,
    });
    assert.equal(short.code, 2);
    assert.equal(short.stderr, '--auth-token must be at least 8 characters\n');
    const unknown = await cli(['accounts', 'set-token', '--account', 'AC' + 'd'.repeat(32)], { DATABASE_URL: env.DATABASE_URL });
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, `No account AC${'d'.repeat(32)} in this database\n`);
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
});
