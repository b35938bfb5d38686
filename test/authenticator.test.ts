// The credential cache: a verified header is not hashed again, yet a revoked key stops working at
// once (trustForMs 0) or once its trust window has passed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Authenticator, createAccount, createApiKey } from '../src/resources/accounts/rules.js';
import { SqliteStore } from '../src/store/sqlite.js';

const basic = (username: string, password: string) => 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64');

async function rejects(work: Promise<unknown>): Promise<boolean> {
  try {
    await work;
    return false;
  } catch (error) {
    return (error as { code?: number }).code === 20003;
  }
}

test('with no trust window a revoked API key fails on the very next request', async () => {
  const store = new SqliteStore({ filename: ':memory:' });
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
  const store = new SqliteStore({ filename: ':memory:' });
  const account = await createAccount(store);
  const key = await createApiKey(store, account.sid);
  const authenticator = new Authenticator(store, 150);
  const header = basic(key.sid, key.secret);
  assert.equal(await authenticator.accountFor(header), account.sid);
  await store.deleteApiKey(key.sid);
  assert.equal(await authenticator.accountFor(header), account.sid);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.ok(await rejects(authenticator.accountFor(header)));
  await store.close();
});

test('a wrong secret is never remembered, and a right one after it still works', async () => {
  const store = new SqliteStore({ filename: ':memory:' });
  const account = await createAccount(store);
  const authenticator = new Authenticator(store, 60_000);
  assert.ok(await rejects(authenticator.accountFor(basic(account.sid, 'wrong'))));
  assert.ok(await rejects(authenticator.accountFor(basic(account.sid, 'wrong'))));
  assert.equal(await authenticator.accountFor(basic(account.sid, account.secret)), account.sid);
  await store.close();
});
