// A database this store creates gets 2 KB pages (less to log per write at scale); one that already
// exists keeps the page size it was made with, and works as before.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { createAccount } from '../../src/resources/accounts/rules.js';
import { NEW_DATABASE_PAGE_SIZE, SqliteStore } from '../../src/store/sqlite.js';
import { service as serviceRecord, testSid } from '../postgres/stores.js';

const directory = mkdtempSync(join(tmpdir(), 'intelligence-page-size-'));
after(() => rmSync(directory, { recursive: true, force: true }));

const pageSizeOf = (filename: string) => {
  const db = new Database(filename, { readonly: true });
  try {
    return db.pragma('page_size', { simple: true }) as number;
  } finally {
    db.close();
  }
};

async function writeAndReadService(store: SqliteStore): Promise<void> {
  const { sid: accountSid } = await createAccount(store);
  const sid = testSid('GA', '1'.padStart(32, '0'));
  assert.equal(await store.insertService(serviceRecord(sid, accountSid, 'page-size', 1)), 'inserted');
  assert.equal((await store.findServiceBySid(accountSid, sid))?.uniqueName, 'page-size');
}

test('a new database is created with 2 KB pages', async () => {
  const filename = join(directory, 'new.db');
  const store = await SqliteStore.open({ filename });
  await writeAndReadService(store);
  await store.close();
  assert.equal(NEW_DATABASE_PAGE_SIZE, 2048);
  assert.equal(pageSizeOf(filename), 2048);
});

test('an existing database keeps its 4 KB pages and still works', async () => {
  const filename = join(directory, 'existing.db');
  const existing = new Database(filename);
  existing.pragma('page_size = 4096');
  existing.pragma('journal_mode = WAL');
  existing.exec('CREATE TABLE made_before (id INTEGER PRIMARY KEY)');
  existing.close();

  const store = await SqliteStore.open({ filename });
  await writeAndReadService(store);
  await store.close();
  assert.equal(pageSizeOf(filename), 4096);
  // Reopened, it is the same database, with what was written.
  const reopened = await SqliteStore.open({ filename });
  assert.equal(await reopened.countAccounts(), 1);
  await reopened.close();
});
