// CPU-heavy background work runs at the lowest CPU priority, so that when the machine is busy the
// kernel runs the HTTP event loop first: the pool's worker threads (thread-host.ts) and the
// recogniser's child processes. At the same priority a thread woken on the event loop's core took
// it over for the milliseconds its task lasted (bench/README.md, "Background work at nice 19").
import { setPriority } from 'node:os';
import { isMainThread } from 'node:worker_threads';

/** The nice value of background threads and processes: the lowest priority. */
export const BACKGROUND_NICE = 19;

/**
 * The nice value a worker thread gives itself: on Linux, setpriority(2) on "0" is the calling
 * thread; elsewhere it is the whole process, event loop included, so there it is null (left alone).
 */
export const threadNice = (): number | null => (process.platform === 'linux' ? BACKGROUND_NICE : null);

/** Lowers the calling worker thread's priority (never the main thread's). */
export function lowerThisThreadPriority(): void {
  const nice = threadNice();
  if (nice === null || isMainThread) return;
  try {
    setPriority(nice);
  } catch {
    // A sandbox that refuses setpriority: the thread keeps the process's priority.
  }
}

/** Lowers a child process's priority (nothing when it never started or has ended already). */
export function lowerProcessPriority(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    setPriority(pid, BACKGROUND_NICE);
  } catch {
    // The process ended before it could be reniced.
  }
}
