// Checkpoints of the embedded store's write-ahead log, run by a worker thread on its own connection.
// A checkpoint copies the log into the database file and syncs both to disk. SQLite runs it inside
// the commit that crosses 1,000 log pages, on the thread that commits: here that is the event loop,
// and every request in flight would wait the milliseconds an fsync takes (measured: ~6 ms stalls,
// about once a second under a steady write load, doubling the 99th percentile). So the server's
// connection never checkpoints by itself; the worker, started with the first commit, runs a PASSIVE
// checkpoint (it never blocks a reader or a writer) a moment after commits. Should the worker fail, the connection checkpoints
// by itself again, as SQLite does by default.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How soon after a commit the log is checkpointed. */
const CHECKPOINT_DELAY_MS = 200;
/** SQLite's own default, restored on the server's connection when the worker is gone. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = ' + workerData.synchronous);
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ busy: result.busy === 1, logPages: result.log, checkpointedPages: result.checkpointed });
  } catch (error) {
    // Another connection is checkpointing (SQLITE_BUSY), or the file is gone: try again later.
    parentPort.postMessage({ error: String(error && error.message) });
  }
});
`;

export interface CheckpointResult {
  busy?: boolean;
  logPages?: number;
  checkpointedPages?: number;
  error?: string;
}

export interface CheckpointerOptions {
  filename: string;
  synchronous: 'NORMAL' | 'FULL';
  /** Called when the worker is gone for good: the connection must checkpoint by itself again. */
  onFailure: (autocheckpointPages: number) => void;
  /** The better-sqlite3 module to load in the worker (a test can name one that fails). */
  driver?: string;
}

export class SqliteCheckpointer {
  /** Started with the first commit: a process that only reads (or starts up) does not pay for it. */
  private worker: Worker | null = null;
  private exited: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private alive = true;
  private waiting: Array<(result: CheckpointResult) => void> = [];

  constructor(private readonly options: CheckpointerOptions) {}

  private started(): Worker {
    if (this.worker !== null) return this.worker;
    const driver = this.options.driver ?? createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { filename: this.options.filename, synchronous: this.options.synchronous, driver },
    });
    worker.on('message', (result: CheckpointResult) => this.finished(result));
    worker.on('error', () => this.fail());
    this.exited = new Promise((resolve) =>
      worker.once('exit', () => {
        this.fail();
        resolve();
      }),
    );
    // After the listeners: adding a 'message' listener refs the worker again. An idle worker must
    // not keep the process alive.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  /** A commit happened: checkpoint soon (one pending checkpoint covers every commit until it runs). */
  committed(): void {
    if (this.timer !== null || !this.alive) return;
    this.started();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.start();
    }, CHECKPOINT_DELAY_MS);
    this.timer.unref();
  }

  /** Checkpoints now and answers SQLite's report (for tests and tools). */
  checkpoint(): Promise<CheckpointResult> {
    return new Promise((resolve) => {
      if (!this.alive) return resolve({ error: 'the checkpoint worker is not running' });
      this.waiting.push(resolve);
      this.start();
    });
  }

  private start(): void {
    if (this.running || !this.alive) return;
    const worker = this.started();
    this.running = true;
    // Referenced while a checkpoint runs (its caller may be waiting for it), unreferenced after.
    worker.ref();
    worker.postMessage('checkpoint');
  }

  private finished(result: CheckpointResult): void {
    this.running = false;
    if (this.alive) this.worker?.unref();
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve(result);
  }

  private fail(): void {
    if (!this.alive) return;
    this.alive = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.finished({ error: 'the checkpoint worker stopped' });
    this.options.onFailure(DEFAULT_AUTOCHECKPOINT_PAGES);
  }

  /** Closes the worker's connection and ends the worker; the server's connection closes after it. */
  async close(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.alive && this.worker !== null) {
      // Referenced again, so that the process waits for the worker's connection to close.
      this.worker.ref();
      this.worker.postMessage('close');
    }
    this.alive = false;
    this.finished({ error: 'the checkpoint worker is closing' });
    await this.exited;
  }
}
