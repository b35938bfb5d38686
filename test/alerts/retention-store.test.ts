// Alert retention on TEST_STORE's backend, with a clock the test moves (no sleeps): start-up queues
// one run however many processes ask; a run deletes the alerts older than ALERT_RETENTION_DAYS (in
// batches), queues the next run an interval later, and the worker runs that one when it is due.
import { randomBytes } from 'node:crypto';
import { SecretKey } from '../../src/resources/accounts/secret-key.js';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { backgroundHandlers, scheduleBackgroundJobs } from '../../src/background.js';
import { indexCatalog, loadCatalog } from '../../src/catalog/load.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { JobWorker, type JobSettled } from '../../src/jobs/worker.js';
import { recordAlert } from '../../src/resources/alerts/rules.js';
import {
  ALERT_RETENTION_BATCH,
  ALERT_RETENTION_EVERY_MS,
  ALERT_RETENTION_JOB,
  deleteExpiredAlerts,
} from '../../src/resources/alerts/retention.js';
import { startServer } from '../../src/server.js';
import { createThreadPool } from '../../src/threads.js';
import { openStore } from '../../src/store/open.js';
import type { AlertOperations } from '../../src/store/store.js';
import { TEST_SECRET_KEY } from '../helpers/server.js';
import { jobStore, type JobStore } from '../jobs/stores.js';

const T = 1_764_000_000_000;
const DAY = 86_400_000;
const A1 = 'AC' + '1'.repeat(32);
const A2 = 'AC' + '2'.repeat(32);

let js: JobStore;
before(async () => {
  js = await jobStore();
});
after(() => js.dispose());

const retentionJobs = async () =>
  (await js.sql(`SELECT id, state, run_at FROM jobs WHERE name = '${ALERT_RETENTION_JOB}' ORDER BY id`)).map((row) => ({
    id: Number(row.id),
    state: String(row.state),
    runAtMs: Number(row.run_at),
  }));

const alertSids = async (accountSid: string) => (await js.store.listAlerts(accountSid, {}, { limit: 10_000 })).map((alert) => alert.sid);

function nextSettled(worker: JobWorker): Promise<JobSettled> {
  return new Promise((resolve) => {
    const listener = (settled: JobSettled) => {
      if (settled.job.name !== ALERT_RETENTION_JOB) return;
      worker.off('settled', listener);
      resolve(settled);
    };
    worker.on('settled', listener);
  });
}

test('ALERT_RETENTION_DAYS: 30 by default, a whole number of days from 1, else start-up fails naming it', () => {
  assert.equal(loadConfig({}).alertRetentionDays, 30);
  assert.equal(loadConfig({ ALERT_RETENTION_DAYS: '7' }).alertRetentionDays, 7);
  for (const bad of ['0', '-1', '1.5', 'week', '36501']) {
    assert.throws(
      () => loadConfig({ ALERT_RETENTION_DAYS: bad }),
      (error: unknown) => error instanceof ConfigError && /^ALERT_RETENTION_DAYS must be/.test(error.message),
    );
  }
});

test('deleteExpiredAlerts deletes what is older than the retention, in batches, and nothing younger', async () => {
  const old = ALERT_RETENTION_BATCH + 5;
  // The old ones in one unit of work: quicker, and each stays as recordAlert writes it.
  await js.store.transaction(async (tx) => {
    for (let index = 0; index < old; index++) {
      await recordAlert(
        tx,
        { accountSid: A2, errorCode: 95105, logLevel: 'error', alertText: `old ${index}`, generatedMs: T - 3 * DAY - 1 - index },
        T,
      );
    }
  });
  const young = await recordAlert(
    js.store,
    { accountSid: A2, errorCode: 95105, logLevel: 'error', alertText: 'exactly the retention old', generatedMs: T - 3 * DAY },
    T,
  );
  const calls: number[] = [];
  const counting: AlertOperations = {
    insertAlert: (alert) => js.store.insertAlert(alert),
    findAlert: (accountSid, sid) => js.store.findAlert(accountSid, sid),
    listAlerts: (accountSid, filter, query) => js.store.listAlerts(accountSid, filter, query),
    deleteAlertsGeneratedBefore: async (cutoffMs, limit) => {
      const deleted = await js.store.deleteAlertsGeneratedBefore(cutoffMs, limit);
      calls.push(deleted);
      return deleted;
    },
  };
  assert.equal(await deleteExpiredAlerts(counting, 3, T), old);
  assert.deepEqual(calls, [ALERT_RETENTION_BATCH, 5]);
  assert.deepEqual(await alertSids(A2), [young.sid]);
  const aborted = new AbortController();
  aborted.abort(new Error('stopping'));
  await assert.rejects(deleteExpiredAlerts(js.store, 1, T, aborted.signal), /stopping/);
  assert.deepEqual(await alertSids(A2), [young.sid], 'an aborted run deletes nothing more');
});

test('start-up queues one run; each run deletes the expired alerts and queues the next an interval later', async () => {
  let nowMs = T;
  const now = () => nowMs;
  const logs: string[] = [];
  const log = pino(
    { level: 'info' },
    new Writable({ write: (chunk, _encoding, done) => (logs.push(String(chunk)), done()) }),
  ) as unknown as FastifyBaseLogger;
  const config = loadConfig({ DATABASE_URL: js.url, ALERT_RETENTION_DAYS: '7' });
  const write = (accountSid: string, ageMs: number) =>
    recordAlert(js.store, { accountSid, errorCode: 95200, logLevel: 'warning', alertText: `age ${ageMs}`, generatedMs: T - ageMs }, T);
  const expired = [await write(A1, 8 * DAY), await write(A2, 7 * DAY + 1)];
  const youngA1 = await write(A1, 6 * DAY);
  const youngA2 = await write(A2, 7 * DAY - 1);

  // Several processes starting at once: a second store is a second process's connection.
  const second = await openStore({ ...loadConfig({ DATABASE_URL: js.url }), pgPoolSize: 2 });
  try {
    await Promise.all([
      scheduleBackgroundJobs({ store: js.store, now }),
      scheduleBackgroundJobs({ store: second, now }),
      scheduleBackgroundJobs({ store: js.store, now }),
    ]);
  } finally {
    await second.close();
  }
  const [first] = await retentionJobs();
  assert.deepEqual(await retentionJobs(), [{ id: first!.id, state: 'queued', runAtMs: T }]);

  const catalog = indexCatalog(loadCatalog());
  const threads = createThreadPool(1);
  const worker = new JobWorker({
    store: js.store,
    handlers: backgroundHandlers({ config, store: js.store, catalog, log, now, threads, secretKey: new SecretKey(randomBytes(32)) }),
    now,
    pollMs: 50,
  });
  try {
    let settled = nextSettled(worker);
    await worker.start();
    assert.equal((await settled).outcome, 'done');
    for (const alert of expired) assert.equal(await js.store.findAlert(alert.accountSid, alert.sid), null);
    assert.deepEqual(await alertSids(A1), [youngA1.sid]);
    assert.ok((await alertSids(A2)).includes(youngA2.sid));
    const afterFirst = await retentionJobs();
    assert.deepEqual(
      afterFirst.map((job) => [job.state, job.runAtMs]),
      [
        ['done', T],
        ['queued', T + ALERT_RETENTION_EVERY_MS],
      ],
    );
    const line = logs.map((text) => JSON.parse(text)).find((entry) => entry.msg === 'alert retention: deleted old alerts');
    assert.deepEqual([line?.deleted, line?.retention_days], [2, 7]);

    // A process starting now finds the next run queued and queues no other.
    await scheduleBackgroundJobs({ store: js.store, now });
    assert.deepEqual(await retentionJobs(), afterFirst);
    // Not due before its time.
    assert.deepEqual(
      await js.store.claimJobs({
        names: [ALERT_RETENTION_JOB],
        owner: 'early',
        limit: 1,
        nowMs: T + ALERT_RETENTION_EVERY_MS - 1,
        leaseMs: 1000,
      }),
      [],
    );

    // A day and an interval later the young ones have aged past seven days; the worker runs the next.
    nowMs = T + DAY + ALERT_RETENTION_EVERY_MS;
    settled = nextSettled(worker);
    worker.wake();
    assert.equal((await settled).outcome, 'done');
    assert.deepEqual(await alertSids(A1), []);
    assert.ok(!(await alertSids(A2)).includes(youngA2.sid));
    assert.deepEqual(
      (await retentionJobs()).map((job) => [job.state, job.runAtMs]),
      [
        ['done', T],
        ['done', T + ALERT_RETENTION_EVERY_MS],
        ['queued', nowMs + ALERT_RETENTION_EVERY_MS],
      ],
    );
  } finally {
    await worker.stop(5_000);
    await threads.close();
  }
});

test('a served process (startServer, as `serve`) queues the run before it listens, and its worker runs it', async () => {
  const own = await jobStore();
  try {
    const old = await recordAlert(
      own.store,
      { accountSid: A1, errorCode: 95105, logLevel: 'error', alertText: 'old', generatedMs: T - 31 * DAY },
      T,
    );
    const kept = await recordAlert(
      own.store,
      { accountSid: A1, errorCode: 95105, logLevel: 'error', alertText: 'kept', generatedMs: T - 29 * DAY },
      T,
    );
    // A named bootstrap account: a generated one would be written to a credentials file.
    const config = loadConfig({
      DATABASE_URL: own.url,
      PORT: '0',
      LOG_LEVEL: 'silent',
      TWILIO_ACCOUNT_SID: A1,
      TWILIO_AUTH_TOKEN: 'retention-test-auth-token',
      // PostgreSQL refuses to start without one (the SQLite run makes a key file beside its database).
      SECRET_KEY: TEST_SECRET_KEY,
    });
    const server = await startServer(config, { jobOptions: { now: () => T, pollMs: 50 } });
    try {
      const ran = nextSettled(server.jobs!);
      // The first run may have settled before the listener: then its job is done already.
      const queued = (await own.sql(`SELECT id, state FROM jobs WHERE name = '${ALERT_RETENTION_JOB}' ORDER BY id`))[0];
      assert.ok(queued, 'the start-up queued a run');
      if ((await own.store.findJob(Number(queued.id)))?.state !== 'done') assert.equal((await ran).outcome, 'done');
      assert.equal(await own.store.findAlert(A1, old.sid), null);
      assert.notEqual(await own.store.findAlert(A1, kept.sid), null);
    } finally {
      await server.stop();
    }
  } finally {
    await own.dispose();
  }
});
