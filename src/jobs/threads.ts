// CPU-heavy work (decoding audio, reading transcripts) on a small pool of worker threads, so that
// the HTTP event loop stays free. A task is a name; the pool's entry module (a worker's body, see
// thread-host.ts) holds what each name does. A thread runs one task at a time; the others wait in
// order. A thread that dies is replaced by the next task; an aborted task's thread is terminated
// (synchronous work cannot be interrupted otherwise). Idle threads do not keep the process alive.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker, type TransferListItem } from 'node:worker_threads';

/** An error as a thread reports it: its name, message, stack and own fields (`code`, …). */
export interface ReportedError {
  name: string;
  message: string;
  stack?: string;
  fields: Record<string, unknown>;
}

/** A task's name, and, for the type checker only, what it takes and what it answers. */
export interface ThreadTask<I, O> {
  readonly name: string;
  /** Makes the caller's own kind of error from one the thread reported (default: reviveError). */
  readonly revive?: (error: ReportedError) => Error;
  readonly types?: { input: I; output: O };
}

export const threadTask = <I, O>(name: string, revive?: (error: ReportedError) => Error): ThreadTask<I, O> =>
  revive === undefined ? { name } : { name, revive };

export type TaskRequest = { id: number; task: string; input: unknown };
export type TaskReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: ReportedError };

/** An Error with the thread's name, message, fields and stack. */
export function reviveError(reported: ReportedError): Error {
  const error = Object.assign(new Error(reported.message), reported.fields);
  error.name = reported.name;
  if (reported.stack !== undefined) error.stack = reported.stack;
  return error;
}

export interface RunOptions {
  /** Aborting rejects with the signal's reason: a waiting task leaves the queue, a running one's thread is terminated. */
  signal?: AbortSignal;
  /** Moved to the thread rather than copied (ArrayBuffers, MessagePorts); unusable here afterwards. */
  transfer?: readonly TransferListItem[];
}

export interface ThreadPoolOptions {
  /** The worker's entry module: a compiled .js or .cjs file, or in its place the .ts source (run through tsx). */
  entry: URL;
  /** Threads at most (default: the CPU cores less one, at least 1). */
  size?: number;
}

export const defaultThreadCount = (): number => Math.max(1, availableParallelism() - 1);

interface Waiting {
  id: number;
  task: ThreadTask<unknown, unknown>;
  input: unknown;
  transfer: readonly TransferListItem[];
  signal: AbortSignal | undefined;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  onAbort: (() => void) | null;
}

interface Thread {
  worker: Worker;
  running: Waiting | null;
  /** An uncaught error of the thread, reported before its exit. */
  failure: Error | null;
}

export class ThreadPool {
  readonly size: number;
  private readonly start: () => Worker;
  private readonly threads = new Set<Thread>();
  private readonly idle: Thread[] = [];
  private readonly queue: Waiting[] = [];
  private nextId = 1;
  private closed: Promise<void> | null = null;
  private onClosed: (() => void) | null = null;

  constructor(options: ThreadPoolOptions) {
    this.size = options.size ?? defaultThreadCount();
    if (!Number.isInteger(this.size) || this.size < 1) throw new Error(`A thread pool needs at least 1 thread, not ${this.size}`);
    this.start = workerStarter(options.entry);
  }

  /** Runs `task` on a thread with `input` (copied, or moved when listed in `transfer`) and answers its result. */
  run<I, O>(task: ThreadTask<I, O>, input: I, options: RunOptions = {}): Promise<O> {
    if (this.closed !== null) return Promise.reject(new Error(`The thread pool is closed: ${task.name} was not run`));
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<O>((resolve, reject) => {
      const waiting: Waiting = {
        id: this.nextId++,
        task: task,
        input,
        transfer: options.transfer ?? [],
        signal,
        resolve: resolve,
        reject,
        onAbort: null,
      };
      if (signal !== undefined) {
        waiting.onAbort = () => this.abort(waiting);
        signal.addEventListener('abort', waiting.onAbort, { once: true });
      }
      this.queue.push(waiting);
      this.dispatch();
    });
  }

  /** Threads started and not yet ended, and how many of them run a task; tasks waiting for one. */
  get stats(): { threads: number; busy: number; waiting: number } {
    let busy = 0;
    for (const thread of this.threads) if (thread.running !== null) busy++;
    return { threads: this.threads.size, busy, waiting: this.queue.length };
  }

  /** Takes no more tasks; those waiting or running finish, then every thread ends. */
  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => (this.onClosed = resolve));
    this.dispatch();
    return this.closed;
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const thread = this.idle.pop() ?? (this.threads.size < this.size ? this.spawn() : undefined);
      if (thread === undefined) return;
      this.begin(thread, this.queue.shift()!);
    }
    if (this.closed === null) return;
    for (const thread of this.idle.splice(0)) void thread.worker.terminate();
    if (this.threads.size === 0) this.onClosed?.();
  }

  private spawn(): Thread {
    const thread: Thread = { worker: this.start(), running: null, failure: null };
    this.threads.add(thread);
    thread.worker.on('message', (reply: TaskReply) => this.answered(thread, reply));
    thread.worker.on('messageerror', (error) => this.settle(thread, (waiting) => waiting.reject(error)));
    thread.worker.on('error', (error) => (thread.failure = error));
    thread.worker.on('exit', (code) => this.exited(thread, code));
    return thread;
  }

  private begin(thread: Thread, waiting: Waiting): void {
    thread.running = waiting;
    thread.worker.ref();
    const request: TaskRequest = { id: waiting.id, task: waiting.task.name, input: waiting.input };
    try {
      thread.worker.postMessage(request, waiting.transfer);
    } catch (error) {
      // Input that cannot be copied (a function, a class instance's methods): the thread never saw it.
      this.settle(thread, (failed) => failed.reject(error));
    }
  }

  private answered(thread: Thread, reply: TaskReply): void {
    if (thread.running?.id !== reply.id) return;
    this.settle(thread, (waiting) =>
      reply.ok ? waiting.resolve(reply.value) : waiting.reject((waiting.task.revive ?? reviveError)(reply.error)),
    );
  }

  /** Ends the thread's task with `outcome` and hands the thread the next one. */
  private settle(thread: Thread, outcome: (waiting: Waiting) => void): void {
    const waiting = thread.running;
    if (waiting === null) return;
    thread.running = null;
    forget(waiting);
    outcome(waiting);
    thread.worker.unref();
    this.idle.push(thread);
    this.dispatch();
  }

  private exited(thread: Thread, code: number): void {
    this.threads.delete(thread);
    const at = this.idle.indexOf(thread);
    if (at >= 0) this.idle.splice(at, 1);
    const waiting = thread.running;
    thread.running = null;
    if (waiting !== null) {
      forget(waiting);
      waiting.reject(thread.failure ?? new Error(`The worker thread stopped (exit code ${code}) while running ${waiting.task.name}`));
    }
    // A replacement starts when a task needs one.
    this.dispatch();
  }

  private abort(waiting: Waiting): void {
    const reason: unknown = waiting.signal?.reason;
    const queued = this.queue.indexOf(waiting);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      forget(waiting);
      waiting.reject(reason);
      this.dispatch();
      return;
    }
    for (const thread of this.threads) {
      if (thread.running !== waiting) continue;
      thread.running = null;
      forget(waiting);
      waiting.reject(reason);
      // Its exit frees the place for another thread.
      void thread.worker.terminate();
    }
  }
}

function forget(waiting: Waiting): void {
  if (waiting.onAbort !== null) waiting.signal?.removeEventListener('abort', waiting.onAbort);
  waiting.onAbort = null;
}

/**
 * Starts the entry: the compiled file when it exists, else the .ts source under tsx, whose loader a
 * Node 20 worker does not inherit, so the thread registers it first.
 */
function workerStarter(entry: URL): () => Worker {
  if (existsSync(fileURLToPath(entry))) return () => new Worker(entry);
  const source = new URL(entry.href.replace(/\.c?js$/, '.ts'));
  if (source.href === entry.href || !existsSync(fileURLToPath(source))) {
    throw new Error(`The worker thread entry ${fileURLToPath(entry)} does not exist (is the package built completely?)`);
  }
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source.href)}); });`;
  return () => new Worker(bootstrap, { eval: true });
}
