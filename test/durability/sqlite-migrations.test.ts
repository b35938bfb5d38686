// A database made by an earlier version keeps everything when this version opens it: the second
// migration moves each service's attachments into its row (in attach order) and keeps a row per
// custom operator attachment, so that an attached custom operator still cannot be deleted. Also
// how the store keeps those rows from then on (attach, detach, reset, import, deleting a service),
// and that opening waits for another process's long migration.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { catalogSid } from '../../src/catalog/sids.js';
import { migrateAsLegacyBuild, sqliteMigrations } from '../helpers/legacy-sqlite-schema.js';
import { migrationFiles } from '../../src/store/migrator.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { account, testSid } from '../postgres/stores.js';
import { DEFAULT_ACCOUNT_QUOTAS } from '../../src/resources/accounts/quotas.js';
import type { OperatorSid } from '../../src/sids.js';

const directory = mkdtempSync(join(tmpdir(), 'intelligence-migrations-'));
after(() => rmSync(directory, { recursive: true, force: true }));

const accountSid = account('a');
const serviceSid = (digit: string) => testSid('GA', digit.repeat(32));
const customSid = (digit: string) => testSid('LY', digit.repeat(32));
const summary = catalogSid('LY', 'Summarization');
const sentiment = catalogSid('LY', 'Sentiment Analysis');

/** A database at schema 1 (the first migration only), with attachments made in a known order. */
function databaseAtSchemaOne(filename: string): void {
  const db = new Database(filename);
  db.pragma('journal_mode = WAL');
  db.exec(sqliteMigrations[0]!);
  db.pragma('user_version = 1');
  db.prepare('INSERT INTO accounts (sid, friendly_name, auth_token_hash, date_created) VALUES (?, NULL, ?, 1)').run(accountSid, 'hash');
  const insertService = db.prepare(
    `INSERT INTO services (sid, account_sid, unique_name, friendly_name, language_code, auto_redaction, media_redaction,
       auto_transcribe, data_logging, webhook_url, webhook_http_method, encryption_credential_sid, version, date_created, date_updated)
     VALUES (?, ?, ?, NULL, 'en-US', 0, 0, 0, 0, NULL, 'POST', NULL, ?, ?, ?)`,
  );
  for (const [index, digit] of ['1', '2', '3'].entries())
    insertService.run(serviceSid(digit), accountSid, `service-${digit}`, 7, 10 + index, 20);
  const insertCustom = db.prepare(
    `INSERT INTO custom_operators (sid, account_sid, friendly_name, description, operator_type, config, availability, version,
       date_created, date_updated)
     VALUES (?, ?, 'custom', NULL, 'LiteralSpot', '{"phrase_sets":[{"name":"r","phrases":["r"],"match":"exact"}]}', 'public', 1, ?, ?)`,
  );
  insertCustom.run(customSid('f'), accountSid, 30, 30);
  insertCustom.run(customSid('d'), accountSid, 31, 31);
  insertCustom.run(customSid('0'), accountSid, 32, 32);
  const attach = db.prepare('INSERT INTO service_operators (service_sid, operator_sid) VALUES (?, ?)');
  // Interleaved across services; within a service, the order is neither the SIDs' order nor its reverse.
  attach.run(serviceSid('1'), sentiment);
  attach.run(serviceSid('2'), customSid('f'));
  attach.run(serviceSid('1'), customSid('f'));
  attach.run(serviceSid('1'), customSid('0'));
  attach.run(serviceSid('1'), summary);
  attach.run(serviceSid('2'), summary);
  db.close();
}

test('opening a schema-1 database moves its attachments into the services, in attach order, and keeps the rules', async () => {
  const filename = join(directory, 'schema-1.db');
  databaseAtSchemaOne(filename);
  const store = await SqliteStore.open({ filename });
  try {
    assert.deepEqual(await store.schemaVersion(), { applied: migrationFiles('sqlite').length, expected: migrationFiles('sqlite').length });
    const attached = await store.attachedOperatorSids([serviceSid('1'), serviceSid('2'), serviceSid('3')]);
    assert.deepEqual(Object.fromEntries(attached), {
      [serviceSid('1')]: [sentiment, customSid('f'), customSid('0'), summary],
      [serviceSid('2')]: [customSid('f'), summary],
      [serviceSid('3')]: [],
    });
    assert.deepEqual(await store.attachedOperatorSids([serviceSid('2')]), new Map([[serviceSid('2'), [customSid('f'), summary]]]));
    assert.deepEqual(await store.probeAttachment(accountSid, serviceSid('1'), summary), { languageCode: 'en-US', attached: true });
    assert.deepEqual(await store.probeAttachment(accountSid, serviceSid('3'), summary), { languageCode: 'en-US', attached: false });

    // Versions and dates are the services' own; the migration is not an attach.
    const service = await store.findServiceBySid(accountSid, serviceSid('1'));
    assert.equal(service?.version, 7);
    assert.equal(service?.dateUpdatedMs, 20);

    // The attached custom operator names its services in attach order; the other one deletes.
    assert.deepEqual(await store.deleteCustomOperator(accountSid, customSid('f')), {
      status: 'attached',
      serviceSids: [serviceSid('2'), serviceSid('1')],
    });
    assert.deepEqual(await store.deleteCustomOperator(accountSid, customSid('d')), { status: 'deleted' });

    const exported = await store.exportAccount(accountSid);
    assert.deepEqual(exported?.attachments, [
      { serviceSid: serviceSid('1'), operatorSid: sentiment },
      { serviceSid: serviceSid('1'), operatorSid: customSid('f') },
      { serviceSid: serviceSid('1'), operatorSid: customSid('0') },
      { serviceSid: serviceSid('1'), operatorSid: summary },
      { serviceSid: serviceSid('2'), operatorSid: customSid('f') },
      { serviceSid: serviceSid('2'), operatorSid: summary },
    ]);

    // Detaching the custom operator from both services frees it.
    for (const digit of ['1', '2']) assert.equal(await store.detachOperator(accountSid, serviceSid(digit), customSid('f'), 40), 'detached');
    assert.deepEqual(await store.deleteCustomOperator(accountSid, customSid('f')), { status: 'deleted' });
    assert.deepEqual(
      await store.attachedOperatorSids([serviceSid('1')]),
      new Map([[serviceSid('1'), [sentiment, customSid('0'), summary]]]),
    );
    assert.deepEqual(await store.deleteCustomOperator(accountSid, customSid('0')), { status: 'attached', serviceSids: [serviceSid('1')] });

    const tables = store.database.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
    assert.deepEqual(tables, [
      'accounts',
      'alerts',
      'api_keys',
      'custom_operator_attachments',
      'custom_operators',
      'jobs',
      'migrations',
      'operator_results',
      'sentences',
      'services',
      'transcripts',
    ]);
  } finally {
    await store.close();
  }

  // Opened again, nothing is applied twice.
  const again = await SqliteStore.open({ filename });
  try {
    assert.deepEqual(await again.schemaVersion(), { applied: migrationFiles('sqlite').length, expected: migrationFiles('sqlite').length });
    assert.deepEqual(
      await again.attachedOperatorSids([serviceSid('1')]),
      new Map([[serviceSid('1'), [sentiment, customSid('0'), summary]]]),
    );
  } finally {
    await again.close();
  }
});

test('only custom operators keep a row per attachment; a pre-built one lives in its service row alone', async () => {
  const store = await SqliteStore.open({ filename: join(directory, 'rows.db') });
  try {
    const run = (sql: string, ...values: unknown[]) => store.database.prepare(sql).run(...values);
    run('INSERT INTO accounts (sid, friendly_name, auth_token_hash, date_created) VALUES (?, NULL, ?, 1)', accountSid, 'h');
    run(
      `INSERT INTO services (sid, account_sid, unique_name, language_code, auto_redaction, media_redaction, auto_transcribe,
         data_logging, webhook_http_method, version, date_created, date_updated)
       VALUES (?, ?, 'rows', 'en-US', 0, 0, 0, 0, 'POST', 1, 1, 1)`,
      serviceSid('1'),
      accountSid,
    );
    run(
      `INSERT INTO custom_operators (sid, account_sid, friendly_name, operator_type, config, availability, version, date_created, date_updated)
       VALUES (?, ?, 'c', 'LiteralSpot', '{}', 'public', 1, 1, 1)`,
      customSid('f'),
      accountSid,
    );
    const attach = (operatorSid: OperatorSid, isCustomOperator: boolean) =>
      store.attachOperator({ accountSid, serviceSid: serviceSid('1'), operatorSid, isCustomOperator, maxOperatorsPerService: 2, nowMs: 5 });
    assert.equal(await attach(summary, false), 'attached');
    assert.equal(await attach(customSid('f'), true), 'attached');
    assert.equal(await attach(sentiment, false), 'limit-reached');
    assert.equal(await attach(summary, false), 'already-attached');
    const row = store.database.prepare('SELECT operator_sids, version FROM services WHERE sid = ?').get(serviceSid('1'));
    assert.deepEqual(row, { operator_sids: `${summary},${customSid('f')}`, version: 3 });
    const customRows = () => store.database.prepare('SELECT service_sid, operator_sid FROM custom_operator_attachments').all();
    assert.deepEqual(customRows(), [{ service_sid: serviceSid('1'), operator_sid: customSid('f') }]);

    assert.equal(await store.detachOperator(accountSid, serviceSid('1'), summary, 6), 'detached');
    assert.equal(await store.detachOperator(accountSid, serviceSid('1'), summary, 6), 'not-attached');
    assert.deepEqual(customRows(), [{ service_sid: serviceSid('1'), operator_sid: customSid('f') }]);

    // Reset counts both attachments and leaves no rows; import restores them in order, the custom
    // one's row too.
    assert.equal(await attach(summary, false), 'attached');
    const withBoth = (await store.exportAccount(accountSid))!;
    assert.deepEqual(await store.resetAccount(accountSid), { services: 1, customOperators: 1, attachments: 2 });
    assert.deepEqual(customRows(), []);
    assert.deepEqual(await store.importAccount(accountSid, withBoth, DEFAULT_ACCOUNT_QUOTAS), { status: 'imported' });
    assert.deepEqual(await store.exportAccount(accountSid), withBoth);
    assert.deepEqual(
      withBoth.attachments.map((attachment) => attachment.operatorSid),
      [customSid('f'), summary],
    );
    assert.deepEqual(customRows(), [{ service_sid: serviceSid('1'), operator_sid: customSid('f') }]);
    assert.deepEqual(await store.deleteCustomOperator(accountSid, customSid('f')), { status: 'attached', serviceSids: [serviceSid('1')] });

    // Deleting the service deletes its custom attachment rows with it.
    assert.equal(await store.deleteService(accountSid, serviceSid('1')), true);
    assert.deepEqual(customRows(), []);
  } finally {
    await store.close();
  }
});

test('a store opening the database waits for another process that holds the write lock longer than 5 s (a big migration)', async () => {
  const filename = join(directory, 'locked.db');
  databaseAtSchemaOne(filename);
  // Another process takes the write lock for 6 s, as a process migrating a big database does.
  const holder = spawn(
    process.execPath,
    [
      '-e',
      `const db = new (require('better-sqlite3'))(process.argv[1]);
       db.exec('BEGIN IMMEDIATE');
       process.stdout.write('locked\\n');
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 6000);
       db.exec('COMMIT');`,
      filename,
    ],
    { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = once(holder, 'exit');
  await once(holder.stdout, 'data');
  const openedAt = performance.now();
  const store = await SqliteStore.open({ filename });
  try {
    assert.ok(performance.now() - openedAt > 5000, 'the store did not wait for the lock');
    assert.deepEqual(await store.schemaVersion(), { applied: migrationFiles('sqlite').length, expected: migrationFiles('sqlite').length });
    assert.deepEqual(await store.attachedOperatorSids([serviceSid('2')]), new Map([[serviceSid('2'), [customSid('f'), summary]]]));
  } finally {
    await store.close();
    await exited;
  }
});

test('a database made by the build before migration files upgrades in place: data kept, each file recorded once with its checksum', async () => {
  const filename = join(directory, 'legacy-build.db');
  const legacy = new Database(filename);
  legacy.pragma('journal_mode = WAL');
  migrateAsLegacyBuild(legacy);
  legacy.prepare('INSERT INTO accounts (sid, friendly_name, auth_token_hash, date_created) VALUES (?, NULL, ?, 1)').run(accountSid, 'hash');
  legacy
    .prepare(
      `INSERT INTO services (sid, account_sid, unique_name, friendly_name, language_code, auto_redaction, media_redaction,
         auto_transcribe, data_logging, webhook_url, webhook_http_method, encryption_credential_sid, version, date_created,
         date_updated, operator_sids)
       VALUES (?, ?, 'kept', NULL, 'en-US', 0, 0, 0, 0, NULL, 'POST', NULL, 3, 10, 20, ?)`,
    )
    .run(serviceSid('4'), accountSid, `${sentiment},${summary}`);
  assert.equal(legacy.pragma('user_version', { simple: true }), 2);
  legacy.close();

  const files = migrationFiles('sqlite');
  for (let open = 0; open < 2; open++) {
    const store = await SqliteStore.open({ filename });
    try {
      assert.deepEqual(await store.schemaVersion(), { applied: files.length, expected: files.length });
      assert.deepEqual(
        store.database.prepare('SELECT name, checksum FROM migrations ORDER BY name').all(),
        files.map((file) => ({ name: file.name, checksum: file.checksum })),
      );
      assert.equal((await store.findServiceBySid(accountSid, serviceSid('4')))?.version, 3);
      assert.deepEqual(await store.attachedOperatorSids([serviceSid('4')]), new Map([[serviceSid('4'), [sentiment, summary]]]));
    } finally {
      await store.close();
    }
  }
});

test('a migration file changed after it was applied stops the start-up, naming the file, and changes nothing', async () => {
  const filename = join(directory, 'changed.db');
  await (await SqliteStore.open({ filename })).close();
  const db = new Database(filename);
  db.prepare("UPDATE migrations SET checksum = 'f00d' WHERE name = ?").run(migrationFiles('sqlite')[0]!.name);
  db.close();
  await assert.rejects(
    SqliteStore.open({ filename }),
    /migration 0001-initial\.sql was changed after it was applied \(checksum f00d recorded/,
  );
});
