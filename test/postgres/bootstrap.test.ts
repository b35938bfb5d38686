// The bootstrap account when several processes start at once on one empty database: exactly one
// creates it (generated or configured), the others find it there and create nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ensureBootstrapAccount } from '../../src/resources/accounts/rules.js';
import { PostgresStore } from '../../src/store/postgres.js';
import { assertPostgresReachable, createSchema, dropSchema, newSchemaName, testDatabaseUrl } from '../helpers/postgres.js';

async function storesOnFreshSchema(count: number) {
  await assertPostgresReachable();
  const schema = newSchemaName();
  await createSchema(schema);
  const stores = await Promise.all(
    Array.from({ length: count }, () => PostgresStore.open({ url: testDatabaseUrl(), poolSize: 2, schema })),
  );
  return {
    stores,
    async close() {
      await Promise.all(stores.map((store) => store.close()));
      await dropSchema(schema);
    },
  };
}

test('concurrent first starts without configured credentials generate exactly one account', async () => {
  const { stores, close } = await storesOnFreshSchema(6);
  try {
    const generated = await Promise.all(stores.map((store) => ensureBootstrapAccount(store, { accountSid: null, authToken: null })));
    assert.equal(generated.filter((credential) => credential !== null).length, 1);
    assert.equal(await stores[0]!.countAccounts(), 1);
  } finally {
    await close();
  }
});

test('concurrent first starts with configured credentials create the account once and none fails', async () => {
  const { stores, close } = await storesOnFreshSchema(6);
  try {
    const accountSid = 'AC' + 'b'.repeat(32);
    const results = await Promise.allSettled(
      stores.map((store) => ensureBootstrapAccount(store, { accountSid, authToken: 'configured-token' })),
    );
    assert.deepEqual(
      results.map((result) => result.status),
      Array(6).fill('fulfilled'),
    );
    assert.equal(await stores[0]!.countAccounts(), 1);
    assert.equal((await stores[0]!.findCredential(accountSid))?.accountSid, accountSid);
  } finally {
    await close();
  }
});
