// Migrations run at start-up, under an advisory lock: several stores (each its own pool, as
// separate processes would be) opening one fresh schema at once all succeed, and apply each
// migration exactly once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { migrateAsLegacyBuild } from '../helpers/legacy-postgres-schema.js';
import { migrationFiles } from '../../src/store/migrator.js';
import { PostgresStore } from '../../src/store/postgres.js';
import {
  assertPostgresReachable,
  createSchema,
  dropSchema,
  newSchemaName,
  testDatabaseUrl,
  urlWithSearchPath,
} from '../helpers/postgres.js';
import { account } from './stores.js';

async function tablesOf(schema: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
      [schema],
    );
    return rows.map((row) => row.table_name);
  } finally {
    await client.end();
  }
}

test('five stores opening one fresh schema at once all succeed, and each migration is applied once', async () => {
  await assertPostgresReachable();
  const schema = newSchemaName();
  const stores: PostgresStore[] = [];
  try {
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => PostgresStore.open({ url: testDatabaseUrl(), poolSize: 2, schema })),
    );
    for (const result of results) if (result.status === 'fulfilled') stores.push(result.value);
    assert.deepEqual(
      results.filter((result) => result.status === 'rejected').map((result) => String(result.reason)),
      [],
    );
    assert.deepEqual(await tablesOf(schema), [
      'accounts',
      'alerts',
      'api_keys',
      'custom_operators',
      'jobs',
      'migrations',
      'operator_results',
      'sentences',
      'service_operators',
      'services',
      'transcripts',
    ]);
    for (const store of stores) {
      assert.deepEqual(await store.schemaVersion(), {
        applied: migrationFiles('postgres').length,
        expected: migrationFiles('postgres').length,
      });
    }
    // One store's write is every store's data: they share the database, not memory.
    await stores[0]!.insertAccount({ sid: account('1'), friendlyName: null, authTokenHash: 'h', dateCreatedMs: 1 });
    for (const store of stores) assert.equal(await store.countAccounts(), 1);
  } finally {
    await Promise.all(stores.map((store) => store.close()));
    await dropSchema(schema);
  }
});

test('opening a migrated schema again changes nothing and keeps the data', async () => {
  await assertPostgresReachable();
  const schema = newSchemaName();
  try {
    const first = await PostgresStore.open({ url: testDatabaseUrl(), poolSize: 1, schema });
    await first.insertAccount({ sid: account('2'), friendlyName: 'kept', authTokenHash: 'h', dateCreatedMs: 2 });
    await first.close();
    const again = await Promise.all(Array.from({ length: 3 }, () => PostgresStore.open({ url: testDatabaseUrl(), poolSize: 1, schema })));
    try {
      for (const store of again) {
        assert.equal(await store.countAccounts(), 1);
        assert.equal((await store.schemaVersion()).applied, migrationFiles('postgres').length);
      }
    } finally {
      await Promise.all(again.map((store) => store.close()));
    }
  } finally {
    await dropSchema(schema);
  }
});

test('a DATABASE_URL with ?options=-c search_path=… puts the tables in that schema', async () => {
  await assertPostgresReachable();
  const schema = newSchemaName();
  await createSchema(schema);
  try {
    const stores = await Promise.all(Array.from({ length: 3 }, () => PostgresStore.open({ url: urlWithSearchPath(schema), poolSize: 1 })));
    await Promise.all(stores.map((store) => store.close()));
    assert.ok((await tablesOf(schema)).includes('services'));
  } finally {
    await dropSchema(schema);
  }
});

test('a search_path naming no existing schema fails with a message that says so', async () => {
  await assertPostgresReachable();
  const schema = newSchemaName();
  await assert.rejects(PostgresStore.open({ url: urlWithSearchPath(schema), poolSize: 1 }), /no schema on the search_path exists/);
});

test('an unreachable database fails opening the store, naming the cause', async () => {
  await assert.rejects(
    PostgresStore.open({ url: 'postgres://postgres@127.0.0.1:1/test', poolSize: 1, connectionTimeoutMs: 2000 }),
    /ECONNREFUSED|connect/,
  );
});

test('a schema made by the build before migration files upgrades in place: data kept, its versions recorded as files with checksums', async () => {
  await assertPostgresReachable();
  const schema = newSchemaName();
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    await migrateAsLegacyBuild(client, schema);
    await client.query(`INSERT INTO "${schema}".accounts (sid, friendly_name, auth_token_hash, date_created) VALUES ($1, 'kept', 'h', 1)`, [
      account('5'),
    ]);
    const files = migrationFiles('postgres');
    const stores = await Promise.all(Array.from({ length: 3 }, () => PostgresStore.open({ url: testDatabaseUrl(), poolSize: 1, schema })));
    try {
      for (const store of stores) {
        assert.deepEqual(await store.schemaVersion(), { applied: files.length, expected: files.length });
        assert.equal(await store.countAccounts(), 1);
      }
      assert.deepEqual(await tablesOf(schema), [
        'accounts',
        'alerts',
        'api_keys',
        'custom_operators',
        'jobs',
        'migrations',
        'operator_results',
        'sentences',
        'service_operators',
        'services',
        'transcripts',
      ]);
      const recorded = await client.query(`SELECT name, checksum FROM "${schema}".migrations ORDER BY name`);
      assert.deepEqual(
        recorded.rows,
        files.map((file) => ({ name: file.name, checksum: file.checksum })),
      );
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }

    await client.query(`UPDATE "${schema}".migrations SET checksum = 'f00d'`);
    await assert.rejects(
      PostgresStore.open({ url: testDatabaseUrl(), poolSize: 1, schema }),
      /migration 0001-initial\.sql was changed after it was applied \(checksum f00d recorded/,
    );
  } finally {
    await client.end();
    await dropSchema(schema);
  }
});
