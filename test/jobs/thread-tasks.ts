// Tasks for the thread pool's tests (threads.test.ts): what they take and answer, shared by the
// test and the worker entry thread-entry.ts.
import { threadTask } from '../../src/jobs/threads.js';

export const echo = threadTask<unknown, { input: unknown; threadId: number }>('test.echo');
/** Sums the bytes it is given and answers them doubled, in a buffer moved back. */
export const doubleBytes = threadTask<{ bytes: ArrayBuffer }, { sum: number; doubled: ArrayBuffer }>('test.double-bytes');
export const fail = threadTask<{ message: string }, never>('test.fail');
/** Throws outside the task (an uncaught error ends the thread) and never answers. */
export const crash = threadTask<{ message: string }, never>('test.crash');
/**
 * Adds 1 to counters[0] on starting, then is busy (never yielding) until counters[index] reaches
 * `until`. Answers how many times it looked.
 */
export const spin = threadTask<{ counters: SharedArrayBuffer; index: number; until: number }, number>('test.spin');
/** Answers the thread's CPU priority (its nice value). */
export const priority = threadTask<null, number>('test.priority');
