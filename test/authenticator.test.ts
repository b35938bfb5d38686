// The credential cache: a verified header is not hashed again, yet a revoked key stops working at
// once (trustForMs 0) or once its trust window has passed. Behind the read cache a known, unchanged
// credential is answered without a promise, and a change (here or by another connection) still
// takes effect at once.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, mock, test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Authenticator, createAccount, createApiKey } from '../src/resources/accounts/rules.js';
import { withReadCache } from '../src/store/read-cache.js';
import { SqliteStore } from '../src/store/sqlite.js';

const basic = (username: string, password: string) => 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64');

async function rejects(work: unknown): Promise<boolean> {
  try {
    await work;
    return false;
  } catch (error) {
    return (error as { code?: number }).code === 20003;
  }
}

test('with no trust window a revoked API key fails on the very next request', async () => {
  const store = await SqliteStore.open({ filename: ':memory:' });
  const account = await createAccount(store);
  const key = await createApiKey(store, account.sid);
  const authenticator = new Authenticator(store, 0);
  const header = basic(key.sid, key.secret);
  assert.equal(await authenticator.accountFor(header), account.sid);
  assert.equal(await authenticator.accountFor(header), account.sid);
  await store.deleteApiKey(key.sid);
  assert.ok(await rejects(authenticator.accountFor(header)));
  await store.close();
});

test('with a trust window a revoked key works until the window ends, then fails', async () => {
  const store = await SqliteStore.open({ filename: ':memory:' });
  const account = await createAccount(store);
  const key = await createApiKey(store, account.sid);
  // The clock moves only when told: the window ends at the millisecond it says, however busy the machine.
  mock.timers.enable({ apis: ['Date'], now: Date.now() });
  try {
    const authenticator = new Authenticator(store, 150);
    const header = basic(key.sid, key.secret);
    assert.equal(await authenticator.accountFor(header), account.sid);
    await store.deleteApiKey(key.sid);
    assert.equal(await authenticator.accountFor(header), account.sid);
    mock.timers.tick(149);
    assert.equal(await authenticator.accountFor(header), account.sid, 'trusted until the window ends');
    mock.timers.tick(1);
    assert.ok(await rejects(authenticator.accountFor(header)));
  } finally {
    mock.timers.reset();
    await store.close();
  }
});

test('a wrong secret is never remembered, and a right one after it still works', async () => {
  const store = await SqliteStore.open({ filename: ':memory:' });
  const account = await createAccount(store);
  const authenticator = new Authenticator(store, 60_000);
  assert.ok(await rejects(authenticator.accountFor(basic(account.sid, 'wrong'))));
  assert.ok(await rejects(authenticator.accountFor(basic(account.sid, 'wrong'))));
  assert.equal(await authenticator.accountFor(basic(account.sid, account.secret)), account.sid);
  await store.close();
});

const directory = mkdtempSync(join(tmpdir(), 'authenticator-'));
after(() => rmSync(directory, { recursive: true, force: true }));

test('behind the read cache an unchanged credential is answered at once; a revoked key still fails on the next request', async () => {
  const store = withReadCache(await SqliteStore.open({ filename: join(directory, 'revoked.db') }));
  const account = await createAccount(store);
  const key = await createApiKey(store, account.sid);
  const authenticator = new Authenticator(store, 0);
  const header = basic(key.sid, key.secret);
  const first = authenticator.accountFor(header);
  assert.ok(first instanceof Promise, 'an unknown header is verified against the store');
  assert.equal(await first, account.sid);
  assert.equal(authenticator.accountFor(header), account.sid, 'a verified, unchanged credential needs no promise');
  await store.deleteApiKey(key.sid);
  assert.ok(await rejects(authenticator.accountFor(header)));
  await store.close();
});

test('behind the read cache a key revoked by another connection fails on the next turn of the event loop', async () => {
  const file = join(directory, 'other-writer.db');
  const store = withReadCache(await SqliteStore.open({ filename: file }));
  const other = await SqliteStore.open({ filename: file });
  const account = await createAccount(store);
  const key = await createApiKey(store, account.sid);
  const authenticator = new Authenticator(store, 0);
  const header = basic(key.sid, key.secret);
  assert.equal(await authenticator.accountFor(header), account.sid);
  assert.equal(authenticator.accountFor(header), account.sid);
  // Another process (the CLI, a second server) revokes the key; the next request comes in a later turn.
  await other.deleteApiKey(key.sid);
  await nextTurn();
  assert.ok(await rejects(authenticator.accountFor(header)));
  assert.equal(await authenticator.accountFor(basic(account.sid, account.secret)), account.sid);
  await other.close();
  await store.close();
});
