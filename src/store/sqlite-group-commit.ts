// Group commit for the SQLite store: the writes that arrive in one turn of the event loop run one
// after another in one transaction and are all answered after its single COMMIT. Each is still
// atomic and serial, and nothing is acknowledged before it is committed; the commit, the costliest
// part of a write, is shared. Should any write throw, the whole transaction is rolled back and the
// batch replayed one write per transaction, so a failing write fails alone. When another process
// holds the file's write lock, the batch waits for it off the event loop (a timer between short
// attempts) and fails with the busy error once BUSY_DEADLINE_MS have passed (answered 503 20503).
import type Database from 'better-sqlite3';
import { isBusy } from './sqlite-context.js';

/** How long a write waits for another process's write lock, in all, before it fails. */
export const BUSY_DEADLINE_MS = 2_000;
/** How long the event loop waits for the lock in one attempt (the connection's busy_timeout). */
export const BUSY_ATTEMPT_MS = 20;
/** The pause between attempts, on a timer. */
export const BUSY_RETRY_MS = 10;

interface PendingWrite {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** When the write first found the file locked. */
  busySinceMs?: number;
}

export class GroupCommit {
  private pending: PendingWrite[] = [];
  private scheduled = false;
  /** True while a unit of work holds the transaction open: batches wait for its end. */
  held = false;
  /** True while a batch waits on a timer for another process's lock. */
  private waitingForLock = false;

  /**
   * `sql` prepares (and caches) a statement; `afterBatch` runs after each batch that reached the
   * database, committed or not.
   */
  constructor(
    private readonly db: Database.Database,
    private readonly sql: (text: string) => Database.Statement,
    private readonly afterBatch: () => void,
  ) {}

  /** Runs `work` inside this turn's write transaction; resolves with its value once committed. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (!this.scheduled && !this.waitingForLock) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Keeps batches out while a unit of work has its own transaction open. */
  hold(): void {
    this.held = true;
  }

  /** Lets batches run again, and runs the writes that waited. */
  release(): void {
    this.held = false;
    if (this.pending.length > 0) this.schedule();
  }

  /** Runs the writes waiting for the end of the turn now (the store calls it before closing). */
  flush(): void {
    this.scheduled = false;
    if (this.held) return;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    if (!this.db.open) {
      for (const write of batch) write.reject(new Error('The database connection is not open'));
      return;
    }
    this.runBatch(batch);
    this.afterBatch();
  }

  private runBatch(batch: PendingWrite[]): void {
    let values: unknown[];
    try {
      values = this.inOneTransaction(batch);
    } catch (error) {
      if (isBusy(error)) {
        this.waitForLock(batch, error);
        return;
      }
      const [only] = batch;
      if (batch.length === 1 && only !== undefined) {
        only.reject(error);
        return;
      }
      for (const [index, write] of batch.entries()) {
        try {
          write.resolve(this.inOneTransaction([write])[0]);
        } catch (writeError) {
          if (isBusy(writeError)) {
            this.waitForLock(batch.slice(index), writeError);
            return;
          }
          write.reject(writeError);
        }
      }
      return;
    }
    batch.forEach((write, index) => write.resolve(values[index]));
  }

  /** Puts `writes` first in line for another attempt on a timer; fails those that waited too long. */
  private waitForLock(writes: PendingWrite[], error: unknown): void {
    const now = Date.now();
    const retry: PendingWrite[] = [];
    for (const write of writes) {
      write.busySinceMs ??= now;
      if (now - write.busySinceMs >= BUSY_DEADLINE_MS) write.reject(error);
      else retry.push(write);
    }
    this.pending = [...retry, ...this.pending];
    if (this.pending.length === 0 || this.waitingForLock) return;
    this.waitingForLock = true;
    setTimeout(() => {
      this.waitingForLock = false;
      this.flush();
    }, BUSY_RETRY_MS);
  }

  /** Runs the writes in one IMMEDIATE transaction; throws, with everything rolled back, if any fails. */
  private inOneTransaction(writes: PendingWrite[]): unknown[] {
    this.sql('BEGIN IMMEDIATE').run();
    try {
      const values = writes.map((write) => write.work());
      this.sql('COMMIT').run();
      return values;
    } catch (error) {
      try {
        if (this.db.inTransaction) this.sql('ROLLBACK').run();
      } catch {
        // Already rolled back by SQLite itself.
      }
      throw error;
    }
  }
}
