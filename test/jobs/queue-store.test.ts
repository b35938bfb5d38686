// The job queue in one process, on TEST_STORE's backend: enqueue inside units of work, the lease
// (claim, heartbeat, expiry, recovery), retry with backoff until dead, and the worker's stop.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { backoffMs, enqueue } from '../../src/jobs/queue.js';
import { JobAttemptFailed, JobWorker, type JobSettled } from '../../src/jobs/worker.js';
import { LEASE_EXPIRED_ERROR } from '../../src/store/jobs/row.js';
import { jobStore, type JobStore } from './stores.js';
import { testSid } from '../postgres/stores.js';

const T = 1_714_521_600_000;
const ACCOUNT = testSid('AC', '7'.repeat(32));

/** The first 'settled' event of `worker` that `match` accepts. */
function settledWhere(worker: JobWorker, match: (settled: JobSettled) => boolean): Promise<JobSettled> {
  return new Promise((resolve) => {
    const listener = (settled: JobSettled) => {
      if (!match(settled)) return;
      worker.off('settled', listener);
      resolve(settled);
    };
    worker.on('settled', listener);
  });
}

/** A promise and its resolver. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('job queue', { timeout: 60_000 }, () => {
  let js: JobStore;
  before(async () => {
    js = await jobStore();
  });
  after(() => js.dispose());

  test('backoff doubles from its base up to its cap, half of it random', () => {
    const backoff = { baseMs: 100, maxMs: 500 };
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((attempts) => backoffMs(attempts, backoff, () => 1)),
      [100, 200, 400, 500, 500],
    );
    assert.deepEqual(
      [1, 2, 3].map((attempts) => backoffMs(attempts, backoff, () => 0)),
      [50, 100, 200],
    );
  });

  test('enqueue refuses a payload JSON cannot hold and a max attempts below one', async () => {
    assert.throws(() => enqueue(js.store, 'test.bad', undefined), TypeError);
    assert.throws(() => enqueue(js.store, 'test.bad', {}, { maxAttempts: 0 }), RangeError);
    assert.deepEqual(await js.store.claimJobs({ names: ['test.bad'], owner: 'a', limit: 5, nowMs: Date.now(), leaseMs: 1000 }), []);
  });

  test('a job enqueued in a unit of work that rolls back does not exist; one that commits does', async () => {
    await assert.rejects(
      js.store.transaction(async (tx) => {
        await tx.insertAccount({ sid: ACCOUNT, friendlyName: null, authTokenHash: 'h', dateCreatedMs: T });
        await enqueue(tx, 'test.unit', { n: 1 });
        throw new Error('undone');
      }),
      /undone/,
    );
    assert.equal(await js.store.findCredential(ACCOUNT), null);
    assert.deepEqual(await js.store.claimJobs({ names: ['test.unit'], owner: 'a', limit: 5, nowMs: Date.now(), leaseMs: 1000 }), []);

    const id = await js.store.transaction(async (tx) => {
      await tx.insertAccount({ sid: ACCOUNT, friendlyName: null, authTokenHash: 'h', dateCreatedMs: T });
      return enqueue(tx, 'test.unit', { n: 2 });
    });
    assert.notEqual(await js.store.findCredential(ACCOUNT), null);
    const claimed = await js.store.claimJobs({ names: ['test.unit'], owner: 'a', limit: 5, nowMs: Date.now(), leaseMs: 1000 });
    assert.deepEqual(
      claimed.map((job) => [job.id, job.payloadJson, job.state, job.attempts, job.leaseOwner]),
      [[id, '{"n":2}', 'running', 1, 'a']],
    );
  });

  test('a lease: only its owner extends or settles it; once expired, another claims the job (an attempt)', async () => {
    const { store } = js;
    const id = await enqueue(store, 'test.lease', { k: 1 }, { maxAttempts: 2, nowMs: T });
    await enqueue(store, 'test.other', { k: 2 }, { nowMs: T });
    assert.deepEqual(
      await store.claimJobs({ names: ['test.lease'], owner: 'A', limit: 5, nowMs: T - 1, leaseMs: 1000 }),
      [],
      'not due yet',
    );
    const [first, ...rest] = await store.claimJobs({ names: ['test.lease'], owner: 'A', limit: 5, nowMs: T, leaseMs: 1000 });
    assert.deepEqual(rest, [], 'only the names asked for');
    assert.deepEqual([first?.id, first?.attempts, first?.leaseOwner, first?.leaseExpiresMs], [id, 1, 'A', T + 1000]);
    assert.deepEqual(await store.claimJobs({ names: ['test.lease'], owner: 'B', limit: 5, nowMs: T + 999, leaseMs: 1000 }), []);
    assert.equal(await store.extendJobLease(id, 'B', T + 2000, T + 500), false);
    assert.equal(await store.extendJobLease(id, 'A', T + 1500, T + 500), true);
    assert.deepEqual(await store.claimJobs({ names: ['test.lease'], owner: 'B', limit: 5, nowMs: T + 1499, leaseMs: 1000 }), []);
    const [second] = await store.claimJobs({ names: ['test.lease'], owner: 'B', limit: 5, nowMs: T + 1500, leaseMs: 1000 });
    assert.deepEqual([second?.id, second?.attempts, second?.leaseOwner], [id, 2, 'B']);
    assert.equal(await store.completeJob(id, 'A', T + 1600), false, 'the first owner lost it');
    assert.equal(await store.failJob(id, 'A', 'late', T + 5000, T + 1600), false);
    assert.equal(await store.completeJob(id, 'B', T + 1600), true);
    assert.equal(await store.completeJob(id, 'B', T + 1700), false, 'done once');
    const done = await store.findJob(id);
    assert.deepEqual(
      [done?.state, done?.attempts, done?.leaseOwner, done?.leaseExpiresMs, done?.updatedMs],
      ['done', 2, null, null, T + 1600],
    );

    // A lease that expires after the last attempt: dead, and why is kept.
    const last = await enqueue(store, 'test.lease', { k: 3 }, { maxAttempts: 1, nowMs: T });
    assert.equal((await store.claimJobs({ names: ['test.lease'], owner: 'A', limit: 5, nowMs: T, leaseMs: 1000 })).length, 1);
    assert.deepEqual(await store.claimJobs({ names: ['test.lease'], owner: 'B', limit: 5, nowMs: T + 1000, leaseMs: 1000 }), []);
    const dead = await store.findJob(last);
    assert.deepEqual([dead?.state, dead?.attempts, dead?.lastError, dead?.leaseOwner], ['dead', 1, LEASE_EXPIRED_ERROR, null]);
    assert.equal(await store.findJob(999_999), null);
  });

  test('hasDueJobs answers whether a claim of those names would find a job, and claims nothing', async () => {
    const { store } = js;
    assert.equal(await store.hasDueJobs(['test.due'], T), false, 'no job of that name');
    const id = await enqueue(store, 'test.due', {}, { nowMs: T, delayMs: 100 });
    await enqueue(store, 'test.due-other', {}, { nowMs: T });
    assert.equal(await store.hasDueJobs(['test.due'], T + 99), false, 'queued, not due yet');
    assert.equal(await store.hasDueJobs(['test.due'], T + 100), true, 'due');
    assert.equal(await store.hasDueJobs(['test.due', 'test.nothing'], T + 100), true);
    assert.equal(await store.hasDueJobs(['test.nothing'], T + 100), false, 'only the names asked for');
    const looked = await store.findJob(id);
    assert.deepEqual([looked?.state, looked?.attempts], ['queued', 0], 'nothing claimed');
    await store.claimJobs({ names: ['test.due'], owner: 'A', limit: 1, nowMs: T + 100, leaseMs: 1000 });
    assert.equal(await store.hasDueJobs(['test.due'], T + 1099), false, 'running, its lease held');
    assert.equal(await store.hasDueJobs(['test.due'], T + 1100), true, 'running, its lease expired');
    await store.claimJobs({ names: ['test.due'], owner: 'B', limit: 1, nowMs: T + 1100, leaseMs: 1000 });
    assert.equal(await store.completeJob(id, 'B', T + 1200), true);
    assert.equal(await store.hasDueJobs(['test.due'], T + 5000), false, 'done');
  });

  test("a handler's prepare runs once, when its first job is due and before that job is claimed", async () => {
    const order: string[] = [];
    let stateWhilePreparing: string | undefined;
    // The enqueue may wake the worker before it answers the job's id: prepare waits for the id.
    const enqueued = gate();
    const worker = new JobWorker({
      store: js.store,
      handlers: {
        'test.prepared': Object.assign(
          async (payload: unknown) => {
            order.push(`run ${JSON.stringify(payload)}`);
          },
          {
            prepare: async () => {
              order.push('prepare');
              await enqueued.opened;
              stateWhilePreparing = (await js.store.findJob(first))?.state;
            },
          },
        ),
      },
      pollMs: 600_000,
    });
    let first = 0;
    await worker.start();
    assert.deepEqual(order, [], 'no job due: nothing prepared');
    const done = settledWhere(worker, (each) => each.job.id === first);
    first = await enqueue(js.store, 'test.prepared', 1);
    enqueued.open();
    await done;
    assert.equal(stateWhilePreparing, 'queued', 'prepared before the claim, with no lease running');
    const second = await enqueue(js.store, 'test.prepared', 2);
    await settledWhere(worker, (each) => each.job.id === second);
    assert.deepEqual(order, ['prepare', 'run 1', 'run 2']);
    assert.deepEqual([(await js.store.findJob(first))?.attempts, (await js.store.findJob(second))?.attempts], [1, 1]);
    await worker.stop(1000);
  });

  test('a job its own process claims again (its lease ran out while it ran) is not run a second time', async () => {
    let clock = Date.now();
    const release = gate();
    const started = gate();
    let runs = 0;
    const worker = new JobWorker({
      store: js.store,
      handlers: {
        'test.held': async () => {
          runs++;
          started.open();
          await release.opened;
        },
      },
      now: () => clock,
      // No heartbeat in the test's time: the clock moving past the lease stands for an event loop held that long.
      leaseMs: 600_000,
      pollMs: 600_000,
    });
    await worker.start();
    const id = await enqueue(js.store, 'test.held', {}, { nowMs: clock });
    await started.opened;
    clock += 600_001;
    const reclaimed = once(worker, 'reclaimed');
    worker.wake();
    await reclaimed;
    const held = await js.store.findJob(id);
    assert.deepEqual([held?.state, held?.attempts, held?.leaseOwner], ['running', 2, worker.owner], 'claimed again by its own process');
    const settled = settledWhere(worker, (each) => each.job.id === id);
    release.open();
    assert.equal((await settled).outcome, 'done');
    assert.equal(runs, 1, 'the attempt under way went on; none was started beside it');
    await worker.stop(1000);
  });

  test('a handler that throws is retried after a growing backoff, then the job is dead with its last error', async () => {
    const calledAt: number[] = [];
    const worker = new JobWorker({
      store: js.store,
      handlers: {
        'test.fail': async (_payload, { job }) => {
          calledAt.push(Date.now());
          throw new Error(`boom ${job.attempts}`);
        },
      },
      backoff: { baseMs: 20, maxMs: 30 },
      random: () => 1,
      // Only the enqueue's wake-up and the retries' own timers can start the attempts.
      pollMs: 600_000,
    });
    const settled: JobSettled[] = [];
    worker.on('settled', (each: JobSettled) => settled.push(each));
    const dead = settledWhere(worker, (each) => each.outcome === 'dead');
    await worker.start();
    const id = await enqueue(js.store, 'test.fail', { why: 'always fails' }, { maxAttempts: 3 });
    await dead;
    await worker.stop(1000);
    assert.deepEqual(
      settled.map((each) => [each.job.id, each.outcome, each.error, each.retryAtMs === undefined ? null : each.retryAtMs - each.nowMs]),
      [
        [id, 'retry', 'Error: boom 1', 20],
        [id, 'retry', 'Error: boom 2', 30],
        [id, 'dead', 'Error: boom 3', null],
      ],
    );
    assert.ok(calledAt[1]! >= settled[0]!.retryAtMs!, 'the second attempt waited for its backoff');
    assert.ok(calledAt[2]! >= settled[1]!.retryAtMs!, 'the third attempt waited for its backoff');
    const job = await js.store.findJob(id);
    assert.deepEqual([job?.state, job?.attempts, job?.maxAttempts, job?.lastError, job?.leaseOwner], ['dead', 3, 3, 'Error: boom 3', null]);
  });

  test('the heartbeat extends the lease of a running job; a lease lost to another aborts the handler', async () => {
    const started = gate();
    let signal: AbortSignal | undefined;
    const worker = new JobWorker({
      store: js.store,
      handlers: {
        'test.long': async (_payload, context) => {
          signal = context.signal;
          started.open();
          if (!context.signal.aborted) await once(context.signal, 'abort');
        },
      },
      leaseMs: 3000,
      pollMs: 600_000,
    });
    const lost = settledWhere(worker, () => true);
    await worker.start();
    const id = await enqueue(js.store, 'test.long', {});
    await started.opened;
    const claimed = await js.store.findJob(id);
    let extended = claimed;
    // A heartbeat comes every second: wait for one, at most 20 looks.
    for (let look = 0; look < 20 && extended?.leaseExpiresMs === claimed?.leaseExpiresMs; look++) {
      await delay(250);
      extended = await js.store.findJob(id);
    }
    assert.ok(extended!.leaseExpiresMs! > claimed!.leaseExpiresMs!, 'the lease was extended');
    assert.deepEqual(
      await js.store.claimJobs({ names: ['test.long'], owner: 'other', limit: 1, nowMs: claimed!.leaseExpiresMs!, leaseMs: 60_000 }),
      [],
      'not claimable when the first lease would have expired',
    );
    const [taken] = await js.store.claimJobs({
      names: ['test.long'],
      owner: 'other',
      limit: 1,
      nowMs: extended!.leaseExpiresMs! + 1,
      leaseMs: 600_000,
    });
    assert.equal(taken?.id, id);
    const outcome = await lost;
    assert.equal(signal?.aborted, true);
    assert.deepEqual([outcome.job.id, outcome.outcome], [id, 'lost']);
    const job = await js.store.findJob(id);
    assert.deepEqual([job?.state, job?.leaseOwner, job?.attempts], ['running', 'other', 2]);
    await worker.stop(1000);
  });

  test('stop waits for running handlers up to the drain time, then leaves the rest to their leases', async () => {
    const release = gate();
    const startedFinishing = gate();
    const startedHanging = gate();
    let hangingSignal: AbortSignal | undefined;
    const worker = new JobWorker({
      store: js.store,
      handlers: {
        'test.finishing': async () => {
          startedFinishing.open();
          await release.opened;
        },
      },
      pollMs: 600_000,
    });
    await worker.start();
    const finishing = await enqueue(js.store, 'test.finishing', {});
    await startedFinishing.opened;
    let stopped = false;
    const stopping = worker.stop(60_000).then(() => (stopped = true));
    await delay(0);
    assert.equal(stopped, false, 'stop waits for the running handler');
    release.open();
    await stopping;
    assert.equal((await js.store.findJob(finishing))?.state, 'done');

    const hanging = new JobWorker({
      store: js.store,
      handlers: {
        'test.hanging': async (_payload, { signal }) => {
          hangingSignal = signal;
          startedHanging.open();
          await new Promise(() => undefined);
        },
      },
      pollMs: 600_000,
    });
    await hanging.start();
    const left = await enqueue(js.store, 'test.hanging', {});
    await startedHanging.opened;
    await hanging.stop(0);
    assert.equal(hangingSignal?.aborted, true);
    const job = await js.store.findJob(left);
    assert.deepEqual([job?.state, job?.leaseOwner, job?.attempts], ['running', hanging.owner, 1], 'left to its lease');
  });
  test('a job in a lane runs in its own slots: lane jobs that hang leave the shared slots to the others', async () => {
    const release = gate();
    let hung = 0;
    const hungOne = gate();
    const worker = new JobWorker({
      store: js.store,
      handlers: {
        'test.lane-slow': async () => {
          hung++;
          hungOne.open();
          await release.opened;
        },
        'test.lane-other': async () => undefined,
      },
      concurrency: 1,
      lanes: { 'test.lane-slow': 1 },
      pollMs: 50,
    });
    await worker.start();
    try {
      const slow = [await enqueue(js.store, 'test.lane-slow', {}), await enqueue(js.store, 'test.lane-slow', {})];
      await hungOne.opened;
      const other = await enqueue(js.store, 'test.lane-other', {});
      const settled = await settledWhere(worker, (each) => each.job.id === other);
      assert.equal(settled.outcome, 'done', 'the other job ran while the lane was full');
      assert.equal(hung, 1, 'the lane ran one job at a time');
      assert.equal((await js.store.findJob(slow[1]!))?.state, 'queued');
      release.open();
      await settledWhere(worker, (each) => each.job.id === slow[1]);
    } finally {
      release.open();
      await worker.stop(5_000);
    }
  });

  test('a handler may choose its retry delay, or that there is none (JobAttemptFailed)', async () => {
    const worker = new JobWorker({
      store: js.store,
      handlers: {
        'test.decides': async (payload) => {
          const { retryInMs } = payload as { retryInMs: number | null };
          throw new JobAttemptFailed(`told ${retryInMs}`, retryInMs);
        },
      },
      pollMs: 600_000,
      backoff: { baseMs: 60_000, maxMs: 60_000 },
    });
    await worker.start();
    try {
      const later = await enqueue(js.store, 'test.decides', { retryInMs: 123_456 });
      const retried = await settledWhere(worker, (each) => each.job.id === later);
      assert.deepEqual([retried.outcome, retried.retryAtMs! - retried.nowMs], ['retry', 123_456]);
      const never = await enqueue(js.store, 'test.decides', { retryInMs: null });
      const dead = await settledWhere(worker, (each) => each.job.id === never);
      assert.equal(dead.outcome, 'dead');
      const job = await js.store.findJob(never);
      assert.deepEqual([job?.state, job?.attempts, job?.lastError], ['dead', 1, 'JobAttemptFailed: told null']);
    } finally {
      await worker.stop(5_000);
    }
  });
});
