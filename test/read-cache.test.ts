// The read cache over SQLite: hot reads are answered without the database until something may
// have changed them — this process's writes at once, another connection's commits on the next
// turn of the event loop (data_version) — and a failed read is never remembered.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createAccount, createApiKey, hashSecret } from '../src/resources/accounts/rules.js';
import { readGeneration, settledAnswer, transcriptsReadGeneration, withReadCache } from '../src/store/read-cache.js';
import { SqliteStore } from '../src/store/sqlite.js';
import type { CredentialRecord, ServiceRecord } from '../src/store/store.js';
import { transcriptRecord } from './helpers/transcript-record.js';
import { testSid } from './postgres/stores.js';
import type { AccountSid, OperatorSid, ServiceSid } from '../src/sids.js';

const directory = mkdtempSync(join(tmpdir(), 'read-cache-'));
after(() => rmSync(directory, { recursive: true, force: true }));
let files = 0;
const newFile = () => join(directory, `store-${++files}.db`);

/** A SQLite store that counts the reads that reach the database, and can fail the next one. */
class CountingStore extends SqliteStore {
  credentialReads = 0;
  probeReads = 0;
  customOperatorPageReads = 0;
  servicePageReads = 0;
  failNextRead = false;

  override async findCredential(sid: string): Promise<CredentialRecord | null> {
    this.credentialReads++;
    if (this.failNextRead) {
      this.failNextRead = false;
      throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    }
    return super.findCredential(sid);
  }

  override async probeAttachment(accountSid: AccountSid, serviceSid: ServiceSid, operatorSid: OperatorSid) {
    this.probeReads++;
    return super.probeAttachment(accountSid, serviceSid, operatorSid);
  }

  override async listCustomOperators(...args: Parameters<SqliteStore['listCustomOperators']>) {
    this.customOperatorPageReads++;
    return super.listCustomOperators(...args);
  }

  override async listServices(...args: Parameters<SqliteStore['listServices']>) {
    this.servicePageReads++;
    return super.listServices(...args);
  }
}

function serviceRecord(accountSid: AccountSid, sid: ServiceSid): ServiceRecord {
  return {
    sid,
    accountSid,
    uniqueName: sid,
    friendlyName: null,
    languageCode: 'en-US',
    autoTranscribe: false,
    dataLogging: false,
    autoRedaction: false,
    mediaRedaction: false,
    webhookUrl: null,
    webhookHttpMethod: 'POST',
    encryptionCredentialSid: null,
    version: 1,
    dateCreatedMs: 1_700_000_000_000,
    dateUpdatedMs: 1_700_000_000_000,
  };
}

test('a repeated read is answered from the cache; this process’s write clears it at once', async () => {
  const raw = await CountingStore.open({ filename: newFile() });
  const store = withReadCache(raw);
  const account = await createAccount(store);
  const key = await createApiKey(store, account.sid);

  assert.equal((await store.findCredential(key.sid))?.accountSid, account.sid);
  assert.equal((await store.findCredential(key.sid))?.accountSid, account.sid);
  assert.equal(raw.credentialReads, 1, 'the second read came from the cache');

  assert.equal(await store.deleteApiKey(key.sid), true);
  assert.equal(await store.findCredential(key.sid), null, 'the revoke is seen by the very next read');
  assert.equal(raw.credentialReads, 2);
  await store.close();
});

test('an attach or detach clears the cached probe, and a credential write leaves it alone', async () => {
  const raw = await CountingStore.open({ filename: newFile() });
  const store = withReadCache(raw);
  const account = await createAccount(store);
  const serviceSid = testSid('GA', '1'.repeat(32));
  const operatorSid = testSid('LY', '2'.repeat(32));
  assert.equal(await store.insertService(serviceRecord(account.sid, serviceSid)), 'inserted');

  assert.equal((await store.probeAttachment(account.sid, serviceSid, operatorSid))?.attached, false);
  const attach = {
    accountSid: account.sid,
    serviceSid,
    operatorSid,
    isCustomOperator: false,
    maxOperatorsPerService: 5,
    nowMs: Date.now(),
  };
  // The write is committed on the next turn (group commit); a read before that sees the last
  // committed state, and must not be answered from the cache once the write is done.
  const attaching = store.attachOperator(attach);
  assert.equal((await store.probeAttachment(account.sid, serviceSid, operatorSid))?.attached, false);
  assert.equal(await attaching, 'attached');
  assert.equal((await store.probeAttachment(account.sid, serviceSid, operatorSid))?.attached, true);
  assert.equal(raw.probeReads, 3);

  await createApiKey(store, account.sid);
  assert.equal((await store.probeAttachment(account.sid, serviceSid, operatorSid))?.attached, true);
  assert.equal(raw.probeReads, 3, 'a new API key does not clear the service data');

  assert.equal(await store.detachOperator(account.sid, serviceSid, operatorSid, Date.now()), 'detached');
  assert.equal((await store.probeAttachment(account.sid, serviceSid, operatorSid))?.attached, false);
  assert.equal(raw.probeReads, 4);
  await store.close();
});

test('another connection’s commit is seen on the next turn of the event loop', async () => {
  const file = newFile();
  const raw = await CountingStore.open({ filename: file });
  const store = withReadCache(raw);
  const other = await SqliteStore.open({ filename: file }); // as the CLI would, in its own process
  const account = await createAccount(store);
  const key = await createApiKey(store, account.sid);
  assert.notEqual(await store.findCredential(key.sid), null);
  await nextTurn();
  assert.notEqual(await store.findCredential(key.sid), null);
  assert.equal(raw.credentialReads, 1);

  assert.equal(await other.deleteApiKey(key.sid), true);
  await nextTurn();
  assert.equal(await store.findCredential(key.sid), null);
  assert.equal(raw.credentialReads, 2);

  // A changed auth token, too.
  await other.close();
  const again = await SqliteStore.open({ filename: file });
  again.database.prepare('UPDATE accounts SET auth_token_hash = ? WHERE sid = ?').run(hashSecret('a new token'), account.sid);
  await nextTurn();
  assert.equal((await store.findCredential(account.sid))?.secretHash, hashSecret('a new token'));
  await again.close();
  await store.close();
});

test('a failed read is not remembered', async () => {
  const raw = await CountingStore.open({ filename: newFile() });
  const store = withReadCache(raw);
  const account = await createAccount(store);
  raw.failNextRead = true;
  await assert.rejects(store.findCredential(account.sid), /locked/);
  assert.equal((await store.findCredential(account.sid))?.accountSid, account.sid);
  assert.equal(raw.credentialReads, 2);
  await store.close();
});

test('two reads with the same arguments never share an answer', async () => {
  const store = withReadCache(await SqliteStore.open({ filename: newFile() }));
  const account = await createAccount(store);
  const serviceSid = testSid('GA', '3'.repeat(32));
  assert.equal(await store.insertService(serviceRecord(account.sid, serviceSid)), 'inserted');
  assert.equal((await store.findServiceBySid(account.sid, serviceSid))?.sid, serviceSid);
  // A service's SID asked for as an operator's: the kinds do not mix, whatever the type says.
  assert.equal(await store.findCustomOperator(account.sid, serviceSid as string as OperatorSid), null);
  await store.close();
});

test('pages are remembered only up to the row limit, so paging cannot fill the memory', async () => {
  const raw = await CountingStore.open({ filename: newFile() });
  const store = withReadCache(raw, { entries: 1000, rows: 10, listKeys: 100 });
  const account = await createAccount(store);
  for (let i = 0; i < 6; i++) {
    await store.insertCustomOperator({
      sid: testSid('LY', i.toString(16).padStart(32, '0')),
      accountSid: account.sid,
      friendlyName: `operator ${i}`,
      description: null,
      operatorType: 'Generative',
      configJson: '{"prompt":"p"}',
      availability: 'public',
      version: 1,
      dateCreatedMs: 1_700_000_000_000 + i,
      dateUpdatedMs: 1_700_000_000_000 + i,
    });
  }
  const page = (limit: number) => store.listCustomOperators(account.sid, {}, { limit });
  assert.equal((await page(6)).length, 6);
  await page(6);
  await page(6);
  assert.equal(raw.customOperatorPageReads, 2, 'a page of 6 rows is remembered from its second ask');
  await page(5);
  assert.equal((await page(5)).length, 5); // 11 rows remembered: over the limit of 10, so all are forgotten
  assert.equal(raw.customOperatorPageReads, 4);
  await page(6);
  await page(6);
  assert.equal(raw.customOperatorPageReads, 6);
  await page(6);
  assert.equal(raw.customOperatorPageReads, 6, 'and remembered again');
  await store.close();
});

test('single answers are bounded by their number, not by the row limit meant for lists', async () => {
  const raw = await CountingStore.open({ filename: newFile() });
  const store = withReadCache(raw, { entries: 1000, rows: 2, listKeys: 100 });
  const account = await createAccount(store);
  const services = ['5', '6', '7'].map((digit) => testSid('GA', digit.repeat(32)));
  for (const sid of services) assert.equal(await store.insertService(serviceRecord(account.sid, sid)), 'inserted');
  const operatorSid = testSid('LY', '0'.repeat(32));
  for (const sid of services) await store.probeAttachment(account.sid, sid, operatorSid);
  assert.equal(raw.probeReads, 3);
  // Three answers, more than the 2 rows a list may hold: all are still remembered.
  for (const sid of services) await store.probeAttachment(account.sid, sid, operatorSid);
  assert.equal(raw.probeReads, 3);
  await store.close();
});

test('a page of services is remembered until a service is written', async () => {
  const raw = await CountingStore.open({ filename: newFile() });
  const store = withReadCache(raw);
  const account = await createAccount(store);
  const first = serviceRecord(account.sid, testSid('GA', '4'.repeat(32)));
  assert.equal(await store.insertService(first), 'inserted');
  const page = async () =>
    (await store.listServices(account.sid, { limit: 10 })).map(
      ({ record, attachedOperatorSids }) => `${record.sid}@${record.version}` + attachedOperatorSids.map((sid) => `+${sid}`).join(''),
    );
  assert.deepEqual(await page(), [`${first.sid}@1`]);
  assert.deepEqual(await page(), [`${first.sid}@1`]);
  assert.deepEqual(await page(), [`${first.sid}@1`]);
  assert.equal(raw.servicePageReads, 2, 'read on its first two asks, remembered from the second');

  const second = { ...serviceRecord(account.sid, testSid('GA', '5'.repeat(32))), dateCreatedMs: first.dateCreatedMs + 1 };
  assert.equal(await store.insertService(second), 'inserted');
  assert.deepEqual(await page(), [`${first.sid}@1`, `${second.sid}@1`], 'a new service is listed at once');
  const attach = {
    accountSid: account.sid,
    serviceSid: first.sid,
    operatorSid: testSid('LY', '6'.repeat(32)),
    isCustomOperator: false,
    maxOperatorsPerService: 5,
    nowMs: Date.now(),
  };
  assert.equal(await store.attachOperator(attach), 'attached');
  assert.deepEqual(
    await page(),
    [`${first.sid}@2+${attach.operatorSid}`, `${second.sid}@1`],
    'an attach (which bumps the version) is seen at once, with the operator',
  );
  assert.equal(await store.deleteService(account.sid, second.sid), true);
  assert.deepEqual(await page(), [`${first.sid}@2+${attach.operatorSid}`]);
  assert.equal(raw.servicePageReads, 5);
  await store.close();
});

test('a page asked for only once is not kept: a walk through pages leaves none of them in memory', async () => {
  const raw = await CountingStore.open({ filename: newFile() });
  const store = withReadCache(raw);
  const account = await createAccount(store);
  for (let i = 0; i < 5; i++) {
    const record = { ...serviceRecord(account.sid, testSid('GA', String(i).repeat(32))), dateCreatedMs: 1_700_000_000_000 + i };
    assert.equal(await store.insertService(record), 'inserted');
  }
  const all = await store.listServices(account.sid, { limit: 10 });
  const walk = async () => {
    for (const { record } of all)
      await store.listServices(account.sid, { limit: 1, after: { createdMs: record.dateCreatedMs, sid: record.sid } });
  };
  const before = raw.servicePageReads;
  await walk();
  assert.equal(raw.servicePageReads - before, 5);
  await walk();
  assert.equal(raw.servicePageReads - before, 10, 'each page asked for a second time is read again, and kept');
  await walk();
  assert.equal(raw.servicePageReads - before, 10, 'asked for a third time, each is answered from memory');
  await store.close();
});

test('the pages asked for once are remembered up to listKeys of them, then forgotten', async () => {
  const raw = await CountingStore.open({ filename: newFile() });
  const store = withReadCache(raw, { entries: 1000, rows: 1000, listKeys: 2 });
  const account = await createAccount(store);
  const page = (limit: number) => store.listServices(account.sid, { limit });
  await page(1);
  await page(2);
  await page(3); // the third key asked for once: the first two are forgotten
  await page(1);
  assert.equal(raw.servicePageReads, 4);
  await page(1);
  assert.equal(raw.servicePageReads, 5, 'asked for once again, so read again and kept now');
  await page(1);
  await page(3);
  assert.equal(raw.servicePageReads, 6, 'page 3 was still known as asked for once, and is kept now');
  await page(3);
  assert.equal(raw.servicePageReads, 6);
  await store.close();
});

test('settledAnswer tells what a cached answer resolved to, and nothing of an answer not yet resolved', async () => {
  const raw = await CountingStore.open({ filename: newFile() });
  const store = withReadCache(raw);
  const account = await createAccount(store);
  const serviceSid = testSid('GA', '8'.repeat(32));
  const operatorSid = testSid('LY', '9'.repeat(32));
  assert.equal(await store.insertService(serviceRecord(account.sid, serviceSid)), 'inserted');

  const first = store.probeAttachment(account.sid, serviceSid, operatorSid);
  assert.equal(settledAnswer(first), undefined, 'not resolved yet');
  const value = await first;
  assert.equal(settledAnswer(first)?.value, value, 'the very object the promise resolved to');
  const again = store.probeAttachment(account.sid, serviceSid, operatorSid);
  assert.equal(again, first);
  assert.equal(settledAnswer(again)?.value, value);

  const attach = {
    accountSid: account.sid,
    serviceSid,
    operatorSid,
    isCustomOperator: false,
    maxOperatorsPerService: 5,
    nowMs: Date.now(),
  };
  assert.equal(await store.attachOperator(attach), 'attached');
  const afterWrite = store.probeAttachment(account.sid, serviceSid, operatorSid);
  assert.notEqual(afterWrite, first);
  assert.equal(settledAnswer(afterWrite), undefined, 'a write makes a new answer, unknown until it resolves');
  assert.equal((await afterWrite)?.attached, true);
  assert.equal(settledAnswer(afterWrite)?.value?.attached, true);

  raw.failNextRead = true;
  const failing = store.findCredential(account.sid);
  await assert.rejects(failing, /locked/);
  assert.equal(settledAnswer(failing), undefined, 'a failed read has no value');
  assert.equal(settledAnswer(Promise.resolve(1)), undefined, 'a promise the cache did not make is not known');
  await store.close();
});

test('the read generation changes with every write here, when it starts and when it settles, and with another connection’s commit', async () => {
  const file = newFile();
  const plain = await SqliteStore.open({ filename: file });
  assert.equal(readGeneration(plain), null, 'a store without the read cache has none');
  const store = withReadCache(plain);
  const other = await SqliteStore.open({ filename: file });
  const account = await createAccount(store);
  const serviceSid = testSid('GA', 'a'.repeat(32));
  const start = readGeneration(store);
  assert.equal(typeof start, 'number');
  await store.findServiceBySid(account.sid, serviceSid);
  assert.equal(readGeneration(store), start, 'reads change nothing');

  const inserting = store.insertService(serviceRecord(account.sid, serviceSid));
  const started = readGeneration(store);
  assert.notEqual(started, start, 'a write changes it when it starts');
  assert.equal(await inserting, 'inserted');
  const settled = readGeneration(store);
  assert.notEqual(settled, started, 'and again when it settles (a read in between saw the old data)');

  await nextTurn();
  assert.equal(readGeneration(store), settled);
  assert.equal(await other.deleteService(account.sid, serviceSid), true);
  await nextTurn();
  assert.notEqual(readGeneration(store), settled, 'another connection’s commit is seen on the next turn');
  assert.equal(await store.findServiceBySid(account.sid, serviceSid), null);
  await other.close();
  await store.close();
});

test('a unit of work clears only what its writes touch, and a unit of work that only reads clears nothing', async () => {
  const raw = await CountingStore.open({ filename: newFile() });
  const store = withReadCache(raw);
  const account = await createAccount(store);
  const key = await createApiKey(store, account.sid);
  const serviceSid = testSid('GA', '3'.repeat(32));
  const operatorSid = testSid('LY', '4'.repeat(32));
  assert.equal(await store.insertService(serviceRecord(account.sid, serviceSid)), 'inserted');
  await store.findCredential(key.sid);
  await store.probeAttachment(account.sid, serviceSid, operatorSid);
  assert.deepEqual([raw.credentialReads, raw.probeReads], [1, 1]);

  assert.equal(await store.transaction(async (tx) => tx.countAccounts()), 1);
  await store.findCredential(key.sid);
  await store.probeAttachment(account.sid, serviceSid, operatorSid);
  assert.deepEqual([raw.credentialReads, raw.probeReads], [1, 1], 'a unit of work that wrote nothing cleared nothing');

  const attach = {
    accountSid: account.sid,
    serviceSid,
    operatorSid,
    isCustomOperator: false,
    maxOperatorsPerService: 5,
    nowMs: Date.now(),
  };
  assert.equal(await store.transaction(async (tx) => tx.attachOperator(attach)), 'attached');
  assert.equal((await store.probeAttachment(account.sid, serviceSid, operatorSid))?.attached, true, 'the attach is seen at once');
  await store.findCredential(key.sid);
  assert.deepEqual([raw.credentialReads, raw.probeReads], [1, 2], 'service data was cleared, credentials were not');
  await store.close();
});

test('a transcript and its operator results are cached until a step of its job or a delete, which leave the read generation alone', async () => {
  const file = newFile();
  const raw = await SqliteStore.open({ filename: file });
  const store = withReadCache(raw);
  const other = await SqliteStore.open({ filename: file });
  const account = await createAccount(store);
  const sid = testSid('GT', 'b'.repeat(32));
  const operatorSid = testSid('LY', 'c'.repeat(32));
  const record = transcriptRecord({
    sid,
    accountSid: account.sid,
    serviceSid: testSid('GA', 'd'.repeat(32)),
    channelJson: '{"media_properties":{}}',
    mediaUrl: 'https://example.com/call.vtt',
    operatorSids: [operatorSid],
    dateCreatedMs: 1_000,
  });
  await store.insertTranscript(record);
  const generation = readGeneration(store);
  const first = await store.findTranscript(account.sid, sid);
  assert.equal(first?.status, 'queued');
  assert.equal(await store.findTranscript(account.sid, sid), first, 'asked again: the same answer, from the cache');
  assert.deepEqual(await store.listOperatorResults(sid), []);

  assert.equal(await store.startTranscript(sid, 2_000), true);
  assert.equal((await store.findTranscript(account.sid, sid))?.status, 'in-progress', 'a step of the job is seen at once');
  const result = {
    transcriptSid: sid,
    operatorSid,
    name: 'spot',
    position: 0,
    resultJson: '{"operator_type":"extract"}',
    redactedResultJson: null,
    dateCreatedMs: 2_000,
  };
  await store.transaction(async (tx) => {
    await tx.replaceOperatorResults(sid, [result], 2_100);
    await tx.completeTranscript(sid, 2_100);
  });
  assert.equal((await store.findTranscript(account.sid, sid))?.status, 'completed', 'so is one in a unit of work');
  assert.deepEqual(
    (await store.listOperatorResults(sid)).map((stored) => stored.operatorSid),
    [operatorSid],
  );
  assert.equal((await store.findOperatorResult(sid, operatorSid))?.name, 'spot');
  assert.equal(readGeneration(store), generation, 'transcripts’ writes leave the operator plane’s generation alone');
  const withTranscripts = transcriptsReadGeneration(store);
  await store.failTranscript(sid, 95_105, 'gone', 3_000);
  assert.notEqual(transcriptsReadGeneration(store), withTranscripts, 'and change the generation that counts them');
  assert.equal(readGeneration(store), generation);

  await nextTurn();
  assert.notEqual(await other.deleteTranscript(account.sid, sid), null);
  await nextTurn();
  assert.equal(await store.findTranscript(account.sid, sid), null, 'another connection’s delete is seen on the next turn');
  assert.deepEqual(await store.listOperatorResults(sid), []);
  await other.close();
  await store.close();
});
