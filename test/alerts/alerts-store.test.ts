// Alerts in the store, on TEST_STORE's backend: recordAlert (checks, limits, units of work), the
// newest-first keyset lists with their filters, account scoping, deletion by age, and the job
// queue's enqueueJobUnlessQueued that keeps one retention run pending across processes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { enqueueUnlessQueued } from '../../src/jobs/queue.js';
import { MAX_ALERT_DETAIL_LENGTH, MAX_ALERT_TEXT_LENGTH, recordAlert, type NewAlert } from '../../src/resources/alerts/rules.js';
import { openStore } from '../../src/store/open.js';
import { loadConfig } from '../../src/config.js';
import type { AlertRecord, AlertSummary, Store } from '../../src/store/store.js';
import { jobStore, type JobStore } from '../jobs/stores.js';

const T = 1_764_000_000_000;
const A1 = 'AC' + '1'.repeat(32);
const A2 = 'AC' + '2'.repeat(32);
const GT = 'GT' + 'a'.repeat(32);

const alertOf = (sid: string, accountSid: string, generatedMs: number, extra: Partial<AlertRecord> = {}): AlertRecord => ({
  sid,
  accountSid,
  serviceSid: null,
  resourceSid: null,
  errorCode: 95105,
  logLevel: 'error',
  alertText: `alert ${sid.slice(-4)}`,
  apiVersion: null,
  requestMethod: null,
  requestUrl: null,
  requestVariables: null,
  requestHeaders: null,
  responseBody: null,
  responseHeaders: null,
  dateGeneratedMs: generatedMs,
  dateCreatedMs: generatedMs + 1,
  dateUpdatedMs: generatedMs + 1,
  ...extra,
});

const summaryOf = (alert: AlertRecord): AlertSummary => {
  const { requestVariables: _v, requestHeaders: _rh, responseBody: _b, responseHeaders: _h, ...summary } = alert;
  return summary;
};

const sids = (alerts: AlertSummary[]) => alerts.map((alert) => alert.sid);
const valid: NewAlert = {
  accountSid: A1,
  errorCode: 95106,
  logLevel: 'error',
  alertText: 'no speech recogniser configured: set TRANSCRIBER',
};

describe('alerts in the store', { timeout: 60_000 }, () => {
  let js: JobStore;
  let store: Store;
  before(async () => {
    js = await jobStore();
    store = js.store;
  });
  after(() => js.dispose());

  // Sids tie on their time and differ in case: byte order puts 'B' before 'a' on both stores.
  const NO_a = 'NO' + '0'.repeat(31) + 'a';
  const NO_B = 'NO' + '0'.repeat(31) + 'B';
  const older = alertOf('NO' + '1'.repeat(32), A1, T - 1000, {
    logLevel: 'warning',
    requestMethod: 'POST',
    requestUrl: 'https://h.example.com/x',
  });
  const tieA = alertOf(NO_a, A1, T, { serviceSid: 'GA' + '3'.repeat(32), resourceSid: GT, responseBody: 'body', responseHeaders: 'h: 1' });
  const tieB = alertOf(NO_B, A1, T, { logLevel: 'debug', requestVariables: 'v', requestHeaders: 'r' });
  const newer = alertOf('NO' + 'f'.repeat(32), A1, T + 1000, { apiVersion: 'v2', errorCode: 95200 });
  const otherAccount = alertOf('NO' + '9'.repeat(32), A2, T + 500);

  test('insert, then find by account and SID: every field back as written', async () => {
    for (const alert of [older, tieA, tieB, newer, otherAccount]) await store.insertAlert(alert);
    assert.deepEqual(await store.findAlert(A1, tieA.sid), tieA);
    assert.deepEqual(await store.findAlert(A1, tieB.sid), tieB);
    assert.deepEqual(await store.findAlert(A1, older.sid), older);
    assert.equal(await store.findAlert(A2, tieA.sid), null, "another account's alert is not found");
    assert.equal(await store.findAlert(A1, 'NO' + '5'.repeat(32)), null);
    assert.equal(await store.findAlert(A1, 'NO\0'), null);
    await assert.rejects(store.insertAlert(tieA), 'a SID is written once');
  });

  test('lists newest first, ties by SID descending (byte order), the summary fields only', async () => {
    const listed = await store.listAlerts(A1, {}, { limit: 10 });
    assert.deepEqual(listed, [newer, tieA, tieB, older].map(summaryOf));
    assert.deepEqual(sids(await store.listAlerts(A2, {}, { limit: 10 })), [otherAccount.sid]);
    assert.deepEqual(await store.listAlerts('AC' + '8'.repeat(32), {}, { limit: 10 }), []);
  });

  test('keyset: after a cursor is older, before it newer, both in list order, limit rows at most', async () => {
    const cursorOf = (alert: AlertRecord) => ({ createdMs: alert.dateGeneratedMs, sid: alert.sid });
    assert.deepEqual(sids(await store.listAlerts(A1, {}, { limit: 2 })), [newer.sid, tieA.sid]);
    assert.deepEqual(sids(await store.listAlerts(A1, {}, { limit: 2, after: cursorOf(tieA) })), [tieB.sid, older.sid]);
    assert.deepEqual(sids(await store.listAlerts(A1, {}, { limit: 2, after: cursorOf(older) })), []);
    assert.deepEqual(sids(await store.listAlerts(A1, {}, { limit: 2, before: cursorOf(older) })), [tieA.sid, tieB.sid]);
    assert.deepEqual(sids(await store.listAlerts(A1, {}, { limit: 5, before: cursorOf(tieB) })), [newer.sid, tieA.sid]);
    assert.deepEqual(sids(await store.listAlerts(A1, {}, { limit: 5, before: cursorOf(newer) })), []);
  });

  test('filters: log level, generated from (inclusive) and before (exclusive), with a cursor', async () => {
    assert.deepEqual(sids(await store.listAlerts(A1, { logLevel: 'debug' }, { limit: 10 })), [tieB.sid]);
    assert.deepEqual(sids(await store.listAlerts(A1, { logLevel: 'notice' }, { limit: 10 })), []);
    assert.deepEqual(sids(await store.listAlerts(A1, { generatedFromMs: T }, { limit: 10 })), [newer.sid, tieA.sid, tieB.sid]);
    assert.deepEqual(sids(await store.listAlerts(A1, { generatedBeforeMs: T }, { limit: 10 })), [older.sid]);
    assert.deepEqual(sids(await store.listAlerts(A1, { generatedFromMs: T, generatedBeforeMs: T + 1 }, { limit: 10 })), [
      tieA.sid,
      tieB.sid,
    ]);
    assert.deepEqual(
      sids(
        await store.listAlerts(
          A1,
          { logLevel: 'error', generatedFromMs: T - 1000 },
          { limit: 10, after: { createdMs: T + 1000, sid: newer.sid } },
        ),
      ),
      [tieA.sid],
    );
    // A cursor and a date filter together: whichever bound is tighter holds.
    const cursorOf = (alert: AlertRecord) => ({ createdMs: alert.dateGeneratedMs, sid: alert.sid });
    assert.deepEqual(sids(await store.listAlerts(A1, { generatedBeforeMs: T + 1 }, { limit: 10, after: cursorOf(newer) })), [
      tieA.sid,
      tieB.sid,
      older.sid,
    ]);
    assert.deepEqual(sids(await store.listAlerts(A1, { generatedBeforeMs: T }, { limit: 10, after: cursorOf(tieA) })), [older.sid]);
    assert.deepEqual(sids(await store.listAlerts(A1, { generatedBeforeMs: T }, { limit: 10, before: cursorOf(older) })), []);
    assert.deepEqual(sids(await store.listAlerts(A1, { generatedFromMs: T }, { limit: 10, before: cursorOf(older) })), [
      newer.sid,
      tieA.sid,
      tieB.sid,
    ]);
    assert.deepEqual(sids(await store.listAlerts(A1, { generatedFromMs: T - 1000 }, { limit: 10, before: cursorOf(tieA) })), [newer.sid]);
  });

  test('deletes alerts generated before a cutoff, of every account, at most `limit` at a time', async () => {
    assert.equal(await store.deleteAlertsGeneratedBefore(T - 1000, 10), 0, 'strictly before');
    assert.equal(await store.deleteAlertsGeneratedBefore(T + 1000, 1), 1);
    assert.equal(await store.findAlert(A1, older.sid), null, 'the oldest goes first');
    assert.equal(await store.deleteAlertsGeneratedBefore(T + 1000, 10), 3);
    assert.deepEqual(sids(await store.listAlerts(A1, {}, { limit: 10 })), [newer.sid]);
    assert.deepEqual(await store.listAlerts(A2, {}, { limit: 10 }), []);
  });
});

describe('recordAlert', { timeout: 60_000 }, () => {
  let js: JobStore;
  before(async () => {
    js = await jobStore();
  });
  after(() => js.dispose());

  test('writes an NO… alert with its dates and answers it', async () => {
    const written = await recordAlert(
      js.store,
      { ...valid, resourceSid: GT, requestUrl: 'https://m.example.com/a.wav', requestMethod: 'GET' },
      T,
    );
    assert.match(written.sid, /^NO[0-9a-f]{32}$/);
    assert.deepEqual(
      [written.dateGeneratedMs, written.dateCreatedMs, written.dateUpdatedMs, written.serviceSid, written.responseBody],
      [T, T, T, null, null],
    );
    assert.deepEqual(await js.store.findAlert(A1, written.sid), written);
    const earlier = await recordAlert(js.store, { ...valid, generatedMs: T - 5000 }, T);
    assert.deepEqual([earlier.dateGeneratedMs, earlier.dateCreatedMs], [T - 5000, T]);
  });

  test('inside a unit of work it commits with the unit, or not at all', async () => {
    let undone: AlertRecord | undefined;
    await assert.rejects(
      js.store.transaction(async (tx) => {
        undone = await recordAlert(tx, { ...valid, alertText: 'undone' }, T);
        throw new Error('the unit fails');
      }),
      /the unit fails/,
    );
    assert.equal(await js.store.findAlert(A1, undone!.sid), null);
    const kept = await js.store.transaction((tx) => recordAlert(tx, { ...valid, alertText: 'kept' }, T));
    assert.equal((await js.store.findAlert(A1, kept.sid))?.alertText, 'kept');
  });

  test('a malformed alert is a RangeError that writes nothing', async () => {
    const before = await js.store.listAlerts(A1, {}, { limit: 1000 });
    const bad: Array<Partial<NewAlert>> = [
      { accountSid: 'AC123' },
      { errorCode: 0 },
      { errorCode: 95105.5 },
      { logLevel: 'fatal' as NewAlert['logLevel'] },
      { alertText: '  ' },
      { resourceSid: 'GT123' },
      { serviceSid: 'not a sid' },
      { requestMethod: 'PUT' as NewAlert['requestMethod'] },
      { generatedMs: Number.NaN },
    ];
    for (const change of bad) {
      await assert.rejects(recordAlert(js.store, { ...valid, ...change }, T), RangeError, JSON.stringify(change));
    }
    assert.deepEqual(await js.store.listAlerts(A1, {}, { limit: 1000 }), before);
  });

  test('long texts are cut (the cut marked) and NUL becomes U+FFFD, the same on both stores', async () => {
    const written = await recordAlert(
      js.store,
      { ...valid, alertText: 'x'.repeat(MAX_ALERT_TEXT_LENGTH + 10), responseBody: `a\0b${'y'.repeat(MAX_ALERT_DETAIL_LENGTH)}` },
      T,
    );
    const found = await js.store.findAlert(A1, written.sid);
    assert.equal(found?.alertText.length, MAX_ALERT_TEXT_LENGTH);
    assert.ok(found?.alertText.endsWith('x…'));
    assert.equal(found?.responseBody?.length, MAX_ALERT_DETAIL_LENGTH);
    assert.ok(found?.responseBody?.startsWith('a\uFFFDb'));
  });
});

describe('enqueueJobUnlessQueued', { timeout: 60_000 }, () => {
  let js: JobStore;
  before(async () => {
    js = await jobStore();
  });
  after(() => js.dispose());

  const queued = async (name: string) =>
    (await js.sql(`SELECT id, run_at FROM jobs WHERE name = '${name}' AND state = 'queued'`)).map((row) => [
      Number(row.id),
      Number(row.run_at),
    ]);

  test('queues a job only while none of that name is queued', async () => {
    const first = await enqueueUnlessQueued(js.store, 'test.once', {}, { nowMs: T, delayMs: 10 });
    assert.equal(typeof first, 'number');
    assert.equal(await enqueueUnlessQueued(js.store, 'test.once', {}, { nowMs: T }), null);
    assert.deepEqual(await queued('test.once'), [[first, T + 10]]);
    // Claimed (running), it no longer counts: the next run may be queued.
    const [claimed] = await js.store.claimJobs({ names: ['test.once'], owner: 'w', limit: 1, nowMs: T + 10, leaseMs: 1000 });
    assert.equal(claimed?.id, first);
    const next = await enqueueUnlessQueued(js.store, 'test.once', {}, { nowMs: T + 10, delayMs: 100 });
    assert.notEqual(next, null);
    assert.deepEqual(await queued('test.once'), [[next, T + 110]]);
  });

  test('asked at once by two processes, many times each, one job is queued', async () => {
    const second = await openStore({ ...loadConfig({ DATABASE_URL: js.url }), pgPoolSize: 4 });
    try {
      const asks = Array.from({ length: 12 }, (_, index) =>
        enqueueUnlessQueued(index % 2 === 0 ? js.store : second, 'test.race', {}, { nowMs: T }),
      );
      const ids = (await Promise.all(asks)).filter((id) => id !== null);
      assert.equal(ids.length, 1);
      assert.deepEqual(await queued('test.race'), [[ids[0], T]]);
    } finally {
      await second.close();
    }
  });

  test('inside a unit of work that rolls back, nothing is queued', async () => {
    await assert.rejects(
      js.store.transaction(async (tx) => {
        await enqueueUnlessQueued(tx, 'test.unit-once', {}, { nowMs: T });
        throw new Error('undone');
      }),
      /undone/,
    );
    assert.deepEqual(await queued('test.unit-once'), []);
  });
});
