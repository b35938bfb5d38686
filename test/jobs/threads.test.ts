// The worker thread pool (src/jobs/threads.ts) with the test tasks of thread-entry.ts: results and
// transfers, parallel threads and the queue, errors, a thread that dies, abort, close, and an event
// loop that keeps turning while a thread is busy.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { getPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, describe, test } from 'node:test';
import { BACKGROUND_NICE, threadNice } from '../../src/jobs/priority.js';
import { threadTask, ThreadPool } from '../../src/jobs/threads.js';
import { crash, doubleBytes, echo, fail, priority, spin } from './thread-tasks.js';

const entry = new URL('./thread-entry.js', import.meta.url);
const pools: ThreadPool[] = [];
function newPool(size: number): ThreadPool {
  const pool = new ThreadPool({ entry, size });
  pools.push(pool);
  return pool;
}
after(() => Promise.all(pools.map((pool) => pool.close())));

/** Counters shared with the spin task: [0] tasks started, [1] and [2] what a task waits for. */
const newCounters = () => {
  const counters = new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT);
  return { counters, view: new Int32Array(counters) };
};

/** Looks at `condition` on every turn of the event loop until it holds, for 10 s at most. */
async function eventually(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within 10 s: ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('tasks and results', () => {
  test('a task answers its result, copied across', async () => {
    const pool = newPool(1);
    const input = { text: 'hello', list: [1, 2, { deep: null }], when: new Date(0) };
    const answer = await pool.run(echo, input);
    assert.deepEqual(answer.input, input);
    assert.ok(answer.threadId > 0, 'it ran on a worker thread');
  });

  test('buffers listed for transfer move to the thread, and the result moves its own back', async () => {
    const pool = newPool(1);
    const bytes = new Uint8Array([1, 2, 3, 250]).buffer;
    const pending = pool.run(doubleBytes, { bytes }, { transfer: [bytes] });
    assert.equal(bytes.byteLength, 0, 'the caller no longer holds the bytes');
    const { sum, doubled } = await pending;
    assert.equal(sum, 256);
    assert.deepEqual([...new Uint8Array(doubled)], [2, 4, 6, 244]);
  });

  test('tasks run at the same time on as many threads as the pool has', async () => {
    const pool = newPool(2);
    const { counters } = newCounters();
    // Each waits until both have started: they finish only if both run at once.
    const both = await Promise.all([0, 1].map(() => pool.run(spin, { counters, index: 0, until: 2 })));
    assert.equal(both.length, 2);
    assert.equal(pool.stats.threads, 2);
  });

  test('beyond the pool size tasks wait in order, then run on the thread that is free', async () => {
    const pool = newPool(1);
    const { counters, view } = newCounters();
    const first = pool.run(spin, { counters, index: 1, until: 1 });
    const second = pool.run(echo, 'second');
    await eventually(() => Atomics.load(view, 0) === 1, 'the first task started');
    assert.deepEqual(pool.stats, { threads: 1, busy: 1, waiting: 1 });
    Atomics.store(view, 1, 1);
    await first;
    assert.equal((await second).input, 'second');
    assert.deepEqual(pool.stats, { threads: 1, busy: 0, waiting: 0 });
  });
});

describe('failures', () => {
  test('an error thrown by a task rejects with its name, message and fields, and the thread goes on', async () => {
    const pool = newPool(1);
    const before = await pool.run(echo, 1);
    await assert.rejects(pool.run(fail, { message: 'no such order' }), (error: Error & { code?: string; attempt?: number }) => {
      assert.equal(error.name, 'TestFailure');
      assert.equal(error.message, 'no such order');
      assert.equal(error.code, 'E_TEST');
      assert.equal(error.attempt, 3);
      assert.match(error.stack ?? '', /thread-entry/, 'the stack is where it was thrown, in the thread');
      return true;
    });
    assert.equal((await pool.run(echo, 2)).threadId, before.threadId);
  });

  test('a thread that dies fails its task with its error and is replaced by the next task', async () => {
    const pool = newPool(1);
    const before = await pool.run(echo, 1);
    await assert.rejects(pool.run(crash, { message: 'the thread fell over' }), /the thread fell over/);
    const after = await pool.run(echo, 2);
    assert.notEqual(after.threadId, before.threadId);
    assert.equal(pool.stats.threads, 1);
  });

  test('input that cannot be copied rejects without reaching the thread, which stays usable', async () => {
    const pool = newPool(1);
    await assert.rejects(pool.run(echo, { callback: () => 1 }), { name: 'DataCloneError' });
    assert.equal((await pool.run(echo, 'still here')).input, 'still here');
  });

  test('a task the entry does not serve is an error', async () => {
    const pool = newPool(1);
    await assert.rejects(pool.run(threadTask<null, null>('test.missing'), null), /no task named "test\.missing"/);
  });

  test('a pool whose entry does not exist, or of no threads, cannot be made', () => {
    assert.throws(() => new ThreadPool({ entry: new URL('./no-such-entry.js', import.meta.url) }), /no-such-entry\.js does not exist/);
    assert.throws(() => new ThreadPool({ entry, size: 0 }), /at least 1 thread/);
  });
});

describe('abort and close', () => {
  test('aborting a waiting task takes it from the queue; aborting a running one ends its thread', async () => {
    const pool = newPool(1);
    const { counters, view } = newCounters();
    const runningAbort = new AbortController();
    const waitingAbort = new AbortController();
    const running = pool.run(spin, { counters, index: 1, until: 1 }, { signal: runningAbort.signal });
    const waiting = pool.run(echo, 'never', { signal: waitingAbort.signal });
    await eventually(() => Atomics.load(view, 0) === 1, 'the first task started');
    waitingAbort.abort(new Error('transcript deleted'));
    await assert.rejects(waiting, /transcript deleted/);
    assert.equal(pool.stats.waiting, 0);
    // Spinning forever: only terminating its thread stops it.
    runningAbort.abort(new Error('lease lost'));
    await assert.rejects(running, /lease lost/);
    await eventually(() => pool.stats.threads === 0, 'the thread ended');
    assert.equal((await pool.run(echo, 'next')).input, 'next');
    await assert.rejects(pool.run(echo, 'late', { signal: AbortSignal.abort(new Error('already aborted')) }), /already aborted/);
  });

  test('close refuses new tasks, lets running and waiting ones finish, then ends every thread', async () => {
    const pool = newPool(2);
    const { counters, view } = newCounters();
    const running = [pool.run(spin, { counters, index: 1, until: 1 }), pool.run(spin, { counters, index: 1, until: 1 })];
    const waiting = pool.run(echo, 'queued before close');
    await eventually(() => Atomics.load(view, 0) === 2, 'both threads busy');
    const closed = pool.close();
    await assert.rejects(pool.run(echo, 'after close'), /thread pool is closed: test\.echo was not run/);
    Atomics.store(view, 1, 1);
    await Promise.all(running);
    assert.equal((await waiting).input, 'queued before close');
    await closed;
    assert.deepEqual(pool.stats, { threads: 0, busy: 0, waiting: 0 });
  });

  test('idle threads do not keep the process alive', async () => {
    // A process that runs a task and never closes its pool ends on its own.
    const script = `
      import { ThreadPool } from ${JSON.stringify(new URL('../../src/jobs/threads.ts', import.meta.url).href)};
      import { echo } from ${JSON.stringify(new URL('./thread-tasks.ts', import.meta.url).href)};
      const pool = new ThreadPool({ entry: new URL(${JSON.stringify(entry.href)}), size: 1 });
      const answer = await pool.run(echo, 'ran');
      process.stdout.write(answer.input);`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      timeout: 30_000,
    });
    assert.equal(stdout, 'ran');
  });
});

describe('the event loop while a thread works', () => {
  test('keeps turning: a thread busy without yielding waits for 1,000 turns of this loop', async () => {
    const pool = newPool(1);
    const { counters, view } = newCounters();
    const busy = pool.run(spin, { counters, index: 1, until: 1_000 });
    let done = false;
    void busy.finally(() => (done = true));
    await eventually(() => Atomics.load(view, 0) === 1, 'the thread started spinning');
    // From here the thread stops spinning only once this loop has turned 1,000 times: were the work
    // on this thread, that could never happen.
    while (!done) {
      Atomics.add(view, 1, 1);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await busy;
    assert.ok(Atomics.load(view, 1) >= 1_000);
  });

  test('threads run at the lowest CPU priority (on Linux), this loop at its own', async () => {
    const own = getPriority();
    if (process.platform === 'linux') assert.equal(threadNice(), BACKGROUND_NICE);
    assert.equal(await newPool(1).run(priority, null), threadNice() ?? own);
    assert.equal(getPriority(), own, 'the event loop keeps its priority');
  });
});
