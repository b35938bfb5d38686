// SQLite group commit: writes arriving together share one transaction, yet each keeps its own
// outcome, a failing one leaves the others, and every answered write is on disk.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { catalogSid } from '../../src/catalog/sids.js';
import { createAccount } from '../../src/resources/accounts/rules.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { service as serviceRecord, testSid } from '../postgres/stores.js';
import type { OperatorSid } from '../../src/sids.js';

test('concurrent writes on one store each get their own outcome and all are durable', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'intelligence-group-commit-'));
  const filename = join(directory, 'db.sqlite');
  try {
    const store = await SqliteStore.open({ filename });
    const { sid: accountSid } = await createAccount(store);
    const serviceSid = testSid('GA', '1'.repeat(32));
    await store.insertService(serviceRecord(serviceSid, accountSid, 'one', 1));
    const operators = ['Sentiment Analysis', 'Summarization', 'Call Transfer', 'Password Reset'].map((name) => catalogSid('LY', name));
    const attach = (operatorSid: OperatorSid) =>
      store.attachOperator({ accountSid, serviceSid, operatorSid, isCustomOperator: false, maxOperatorsPerService: 3, nowMs: 2 });

    // Issued in one tick: they land in one batch. Four distinct operators against a limit of 3, each
    // twice, and an update whose expected version is stale.
    const outcomes = await Promise.all([
      ...operators.map(attach),
      ...operators.map(attach),
      store.updateService(accountSid, serviceSid, serviceRecord(serviceSid, accountSid, 'renamed', 1), 99, 3),
      store.detachOperator(accountSid, testSid('GA', '2'.repeat(32)), operators[0]!, 3),
    ]);
    assert.deepEqual(outcomes.slice(0, 8), [
      'attached',
      'attached',
      'attached',
      'limit-reached',
      'already-attached',
      'already-attached',
      'already-attached',
      'limit-reached',
    ]);
    assert.deepEqual(outcomes[8], { status: 'version-mismatch', currentVersion: 4 });
    assert.equal(outcomes[9], 'service-not-found');
    await store.close();

    const reopened = await SqliteStore.open({ filename });
    assert.deepEqual((await reopened.attachedOperatorSids([serviceSid])).get(serviceSid), operators.slice(0, 3));
    assert.equal((await reopened.findServiceBySid(accountSid, serviceSid))?.version, 4);
    await reopened.close();
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('a write that fails in a batch fails alone: the others are committed and answered', async () => {
  const store = await SqliteStore.open({ filename: ':memory:' });
  const { sid: accountSid } = await createAccount(store);
  const serviceSid = testSid('GA', '3'.repeat(32));
  await store.insertService(serviceRecord(serviceSid, accountSid, 'three', 1));
  const keySid = 'SK' + '4'.repeat(32);
  const key = { sid: keySid, accountSid, friendlyName: null, secretHash: 'x'.repeat(64), dateCreatedMs: 1 };
  const operatorSid = catalogSid('LY', 'Summarization');

  const [first, duplicate, attached] = await Promise.allSettled([
    store.insertApiKey(key),
    store.insertApiKey(key), // the same SID again: its INSERT throws a constraint error
    store.attachOperator({ accountSid, serviceSid, operatorSid, isCustomOperator: false, maxOperatorsPerService: 5, nowMs: 2 }),
  ]);
  assert.deepEqual(first, { status: 'fulfilled', value: 'inserted' });
  assert.equal(duplicate.status, 'rejected');
  assert.deepEqual(attached, { status: 'fulfilled', value: 'attached' });
  assert.equal((await store.findCredential(keySid))?.accountSid, accountSid);
  assert.deepEqual((await store.attachedOperatorSids([serviceSid])).get(serviceSid), [operatorSid]);
  assert.equal((await store.findServiceBySid(accountSid, serviceSid))?.version, 2);
  await store.close();
});
