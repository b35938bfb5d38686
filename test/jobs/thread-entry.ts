// The worker entry of the thread pool's tests: the tasks of thread-tasks.ts.
import { getPriority } from 'node:os';
import { threadId } from 'node:worker_threads';
import { implement, serveThreadTasks, Transferring } from '../../src/jobs/thread-host.js';
import { crash, doubleBytes, echo, fail, priority, spin } from './thread-tasks.js';

class TestFailure extends Error {
  override name = 'TestFailure';
  readonly code = 'E_TEST';
  readonly attempt = 3;
}

serveThreadTasks([
  implement(echo, (input) => ({ input, threadId })),
  implement(doubleBytes, ({ bytes }) => {
    const view = new Uint8Array(bytes);
    const doubled = new Uint8Array(view.length);
    let sum = 0;
    view.forEach((byte, i) => {
      sum += byte;
      doubled[i] = byte * 2;
    });
    return new Transferring({ sum, doubled: doubled.buffer }, [doubled.buffer]);
  }),
  implement(fail, ({ message }) => {
    throw new TestFailure(message);
  }),
  implement(crash, ({ message }) => {
    setImmediate(() => {
      throw new Error(message);
    });
    return new Promise<never>(() => undefined);
  }),
  implement(spin, ({ counters, index, until }) => {
    const view = new Int32Array(counters);
    Atomics.add(view, 0, 1);
    let looks = 0;
    while (Atomics.load(view, index) < until) looks++;
    return looks;
  }),
  implement(priority, () => getPriority()),
]);
