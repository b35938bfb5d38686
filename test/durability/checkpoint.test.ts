// Checkpoints run on a worker thread, never inside the server's commits: the server's connection
// does not checkpoint by itself, the worker copies the log into the database file soon after
// writes, closing leaves one consistent file, and a worker that cannot run hands checkpoints back.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { createAccount } from '../../src/resources/accounts/rules.js';
import { SqliteCheckpointer } from '../../src/store/sqlite-checkpointer.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { service as serviceRecord, testSid } from '../postgres/stores.js';

const directory = mkdtempSync(join(tmpdir(), 'intelligence-checkpoint-'));
after(() => rmSync(directory, { recursive: true, force: true }));

async function storeWithServices(name: string, count: number) {
  const filename = join(directory, name);
  const store = await SqliteStore.open({ filename });
  const { sid: accountSid } = await createAccount(store);
  const sizeBefore = statSync(filename).size;
  for (let i = 0; i < count; i++) {
    const sid = testSid('GA', i.toString(16).padStart(32, '0'));
    assert.equal(await store.insertService(serviceRecord(sid, accountSid, `service-${i}`, i)), 'inserted');
  }
  return { filename, store, sizeBefore };
}

test('the server’s connection leaves checkpoints to the worker, which copies the log into the file soon after writes', async () => {
  const { filename, store, sizeBefore } = await storeWithServices('automatic.db', 2000);
  assert.equal(store.database.pragma('wal_autocheckpoint', { simple: true }), 0);
  // 2,000 rows are far more than the file held before; they reach it only through a checkpoint.
  const deadline = Date.now() + 5000;
  while (statSync(filename).size <= sizeBefore && Date.now() < deadline) await sleep(20);
  assert.ok(statSync(filename).size > sizeBefore, 'the worker never checkpointed');
  const report = await store.checkpoints!.checkpoint();
  assert.equal(report.error, undefined);
  assert.equal(report.checkpointedPages, report.logPages, 'everything in the log is in the file');
  await store.close();
});

test('closing checkpoints everything and removes the log; the file is whole', async () => {
  const { filename, store } = await storeWithServices('closed.db', 300);
  await store.close();
  assert.equal(existsSync(`${filename}-wal`), false);
  const reopened = new Database(filename, { readonly: true });
  assert.equal(reopened.pragma('integrity_check', { simple: true }), 'ok');
  assert.equal((reopened.prepare('SELECT count(*) AS n FROM services').get() as { n: number }).n, 300);
  reopened.close();
});

test('a worker that cannot run hands checkpoints back to the connection', async () => {
  // (The store starts its worker with its first write; this one never writes.)
  const filename = join(directory, 'failing.db');
  await (await SqliteStore.open({ filename })).close();
  let handedBack: number | null = null;
  const checkpointer = new SqliteCheckpointer({
    filename,
    synchronous: 'NORMAL',
    driver: join(directory, 'no-such-driver.js'),
    onFailure: (pages) => (handedBack = pages),
  });
  const report = await checkpointer.checkpoint(); // starts the worker, which cannot load its driver
  assert.ok(report.error);
  assert.equal(handedBack, 1000);
  assert.match((await checkpointer.checkpoint()).error ?? '', /not running/);
  await checkpointer.close();
});

test('a store that is never closed does not keep its process alive', () => {
  const sqlite = new URL('../../src/store/sqlite.ts', import.meta.url).pathname;
  // A script file, not -e: a module given with -e does not show the problem.
  const script = join(directory, 'never-closed.mts');
  writeFileSync(
    script,
    `import { SqliteStore } from ${JSON.stringify(sqlite)};
    const store = await SqliteStore.open({ filename: ${JSON.stringify(join(directory, 'open.db'))} });
    // A write starts the checkpoint worker; a checkpoint holds the process only while it runs.
    await store.insertAccount({ sid: 'AC' + '1'.repeat(32), friendlyName: null, authTokenHash: 'x', dateCreatedMs: 1 });
    const report = await store.checkpoints.checkpoint();
    console.log(report.error ?? 'done');`,
  );
  const result = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 15_000 });
  assert.equal(result.signal, null, 'the process had to be killed');
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout.trim(), 'done');
});
