// The attach rule behind the read cache: a re-attach of a pre-built operator whose read the cache has
// already answered is known at once (no promise); anything that may have changed it — a write in this
// process, another connection's commit — sends the next attach to the database again.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { indexCatalog, loadCatalog } from '../src/catalog/load.js';
import { DEFAULT_ACCOUNT_QUOTAS } from '../src/resources/accounts/quotas.js';
import { createAccount } from '../src/resources/accounts/rules.js';
import { AttachmentRules } from '../src/resources/attachments/rules.js';
import { OperatorRules } from '../src/resources/operators/rules.js';
import { ServiceRules } from '../src/resources/services/rules.js';
import { withReadCache } from '../src/store/read-cache.js';
import { SqliteStore } from '../src/store/sqlite.js';
import type { Store } from '../src/store/store.js';
import type { OperatorSid } from '../src/sids.js';
import { testSid } from './postgres/stores.js';

const directory = mkdtempSync(join(tmpdir(), 'attachment-rules-'));
after(() => rmSync(directory, { recursive: true, force: true }));
let files = 0;
const newFile = () => join(directory, `store-${++files}.db`);

const catalog = indexCatalog(loadCatalog());
const prebuiltSid = (name: string) => catalog.prebuiltOperators.find((operator) => operator.friendlyName === name)!.sid as OperatorSid;
const SUMMARIZATION = prebuiltSid('Summarization');

async function setUp(store: Store) {
  const account = await createAccount(store);
  const operators = new OperatorRules(store, catalog, DEFAULT_ACCOUNT_QUOTAS.customOperators);
  const rules = new AttachmentRules(store, operators, 5);
  const service = await new ServiceRules(store, DEFAULT_ACCOUNT_QUOTAS.services).create(account.sid, { uniqueName: `rules-${files}` });
  return { account, operators, rules, serviceSid: service.record.sid };
}

test('behind the read cache a re-attach of an attached pre-built operator is answered at once, until a write', async () => {
  const store = withReadCache(await SqliteStore.open({ filename: newFile() }));
  const { account, rules, serviceSid } = await setUp(store);
  const first = rules.attach(account.sid, serviceSid, SUMMARIZATION);
  assert.ok(first instanceof Promise, 'attaching writes');
  await first;
  const probing = rules.attach(account.sid, serviceSid, SUMMARIZATION);
  assert.ok(probing instanceof Promise, 'the read after the write is not known yet');
  await probing;
  const known = rules.attach(account.sid, serviceSid, SUMMARIZATION);
  assert.ok(!(known instanceof Promise), 'a re-attach the cache has answered needs no promise');
  assert.equal(known.attached, true);
  assert.equal(rules.attach(account.sid, serviceSid, SUMMARIZATION), known, 'the same read while nothing changed');

  await rules.detach(account.sid, serviceSid, SUMMARIZATION);
  const again = rules.attach(account.sid, serviceSid, SUMMARIZATION);
  assert.ok(again instanceof Promise, 'after a detach the operator is attached again, through the database');
  await again;
  assert.deepEqual(await store.attachedOperatorSids([serviceSid]), new Map([[serviceSid, [SUMMARIZATION]]]));
  await store.close();
});

test('behind the read cache a detach by another connection is seen by the next attach, on the next turn', async () => {
  const file = newFile();
  const store = withReadCache(await SqliteStore.open({ filename: file }));
  const other = await SqliteStore.open({ filename: file });
  const { account, rules, serviceSid } = await setUp(store);
  await rules.attach(account.sid, serviceSid, SUMMARIZATION);
  await rules.attach(account.sid, serviceSid, SUMMARIZATION);
  assert.ok(!(rules.attach(account.sid, serviceSid, SUMMARIZATION) instanceof Promise));

  assert.equal(await other.detachOperator(account.sid, serviceSid, SUMMARIZATION, Date.now()), 'detached');
  await nextTurn();
  const again = rules.attach(account.sid, serviceSid, SUMMARIZATION);
  assert.ok(again instanceof Promise, "another connection's commit empties the cache");
  await again;
  assert.deepEqual(await store.attachedOperatorSids([serviceSid]), new Map([[serviceSid, [SUMMARIZATION]]]));
  await other.close();
  await store.close();
});

test('unknown services, custom operators and stores without the read cache always take the promise', async () => {
  const cached = withReadCache(await SqliteStore.open({ filename: newFile() }));
  const { account, operators, rules, serviceSid } = await setUp(cached);
  const missing = testSid('GA', '0'.repeat(32));
  for (let i = 0; i < 2; i++) {
    const attaching = rules.attach(account.sid, missing, SUMMARIZATION);
    assert.ok(attaching instanceof Promise);
    await assert.rejects(attaching, { code: 20404 });
  }
  const custom = await operators.createCustomOperator(account.sid, {
    friendlyName: 'refunds',
    operatorType: 'Generative',
    config: '{"prompt":"p"}',
  });
  const customSid = custom.sid as OperatorSid;
  for (let i = 0; i < 3; i++) assert.ok(rules.attach(account.sid, serviceSid, customSid) instanceof Promise);
  await rules.attach(account.sid, serviceSid, customSid);
  await cached.close();

  const plain = await SqliteStore.open({ filename: newFile() });
  const direct = await setUp(plain);
  for (let i = 0; i < 3; i++) {
    const attaching = direct.rules.attach(direct.account.sid, direct.serviceSid, SUMMARIZATION);
    assert.ok(attaching instanceof Promise, 'without the read cache every attach reads the database');
    await attaching;
  }
  await plain.close();
});
