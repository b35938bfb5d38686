// The process's one pool of worker threads (src/jobs/threads.ts), running ./thread-tasks.ts: made by
// the server at start, handed to the background handlers, closed when the server stops. This module
// sits in src/ itself so that the URL below names the entry from the sources (src/thread-tasks.ts)
// and from the bundle (dist/thread-tasks.cjs beside dist/server.cjs) alike.
import { ThreadPool } from './jobs/threads.js';

export const THREAD_ENTRY = new URL('./thread-tasks.cjs', import.meta.url);

export const createThreadPool = (size?: number): ThreadPool =>
  new ThreadPool({ entry: THREAD_ENTRY, ...(size === undefined ? {} : { size }) });
