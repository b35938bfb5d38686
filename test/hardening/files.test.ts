// The database files and the generated credentials are readable by their owner only: SQLite's
// database, -wal and -shm files are 0600 (also when they existed with wider permissions), a data
// directory the server creates is 0700, and generated credentials never reach a log.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { handOverCredentials } from '../../src/ops/bootstrap-credentials.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { startServerProcess } from '../helpers/process.js';
import { basicAuth } from './support.js';
import { testSid } from '../postgres/stores.js';

const root = mkdtempSync(join(tmpdir(), 'intelligence-files-'));
after(() => rmSync(root, { recursive: true, force: true }));

const modeOf = (path: string) => statSync(path).mode & 0o777;
const databaseFiles = (file: string) => [file, `${file}-wal`, `${file}-shm`];

test('a first start creates an owner-only data directory and database files, and its credentials file', async () => {
  const directory = join(root, 'first', 'data');
  const databaseFile = join(directory, 'intelligence.db');
  const server = await startServerProcess({ DATABASE_URL: `sqlite:${databaseFile}`, TWILIO_ACCOUNT_SID: '', TWILIO_AUTH_TOKEN: '' });
  try {
    assert.equal(modeOf(directory), 0o700);
    for (const file of databaseFiles(databaseFile)) assert.equal(modeOf(file), 0o600, file);
    const credentialsFile = `${databaseFile}.credentials`;
    assert.equal(modeOf(credentialsFile), 0o600);
    const written = readFileSync(credentialsFile, 'utf8');
    const [, sid, token] = /^TWILIO_ACCOUNT_SID=(AC[0-9a-f]{32})\nTWILIO_AUTH_TOKEN=([0-9a-f]{32})\n$/.exec(written) ?? [];
    assert.ok(sid && token, written);
    const created = await fetch(`${server.url}/v2/Services`, {
      method: 'POST',
      headers: { authorization: basicAuth(sid, token), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'UniqueName=written',
    });
    assert.equal(created.status, 201);
    for (const file of databaseFiles(databaseFile)) assert.equal(modeOf(file), 0o600, `${file} after a write`);
  } finally {
    await server.stop();
  }
  assert.ok(!server.output().includes(readFileSync(`${databaseFile}.credentials`, 'utf8').split('\n')[1]!), 'the token is not in the log');
});

test('database files that exist with wider permissions are made owner-only; an existing directory is left as it is', async () => {
  const directory = join(root, 'existing');
  const databaseFile = join(directory, 'intelligence.db');
  await (await SqliteStore.open({ filename: databaseFile })).close();
  const holder = await SqliteStore.open({ filename: databaseFile }); // open: its -wal and -shm stay
  chmodSync(directory, 0o755);
  for (const file of databaseFiles(databaseFile)) chmodSync(file, 0o644);
  const reopened = await SqliteStore.open({ filename: databaseFile });
  await reopened.close();
  for (const file of databaseFiles(databaseFile).filter(existsSync)) assert.equal(modeOf(file), 0o600, file);
  assert.equal(modeOf(databaseFile), 0o600);
  assert.equal(modeOf(directory), 0o755);
  await holder.close();
});

test('on a terminal the credentials are shown once and no file is written', () => {
  let shown = '';
  const databaseFile = join(root, 'terminal.db');
  const file = handOverCredentials(
    { sid: 'AC' + 'a'.repeat(32), secret: 'b'.repeat(32), accountSid: testSid('AC', 'a'.repeat(32)) },
    { kind: 'sqlite', filename: databaseFile },
    {
      isTTY: true,
      write: (text: string) => (shown += text),
    },
  );
  assert.equal(file, null);
  assert.match(shown, /TWILIO_AUTH_TOKEN=b{32}/);
  assert.equal(existsSync(`${databaseFile}.credentials`), false);
});
