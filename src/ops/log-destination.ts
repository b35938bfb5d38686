// Log lines batched per turn of the event loop into one write to stdout (pino's sonic-boom costs
// more per line than a request's own work); lines are never reordered, pending ones are written at
// exit, and a reader that falls behind gets a bounded backlog, then loses lines (counted), never
// the server's time.
import { writeSync } from 'node:fs';
import { hostname } from 'node:os';

/** Bytes kept for a reader that has fallen behind; lines that would go past it are dropped. */
const MAX_BACKLOG_BYTES = 256 * 1024;
/** Retries of a full descriptor back off from 1 ms to this. */
const MAX_RETRY_MS = 100;
/** How often at most the warning about dropped lines is written. */
const WARNING_INTERVAL_MS = 10_000;
/** At exit there is no later: a full descriptor is waited for this long at most. */
const MAX_EXIT_WAIT_MS = 1000;

/** pino's number for warn. */
const WARN = 40;

type Chunk = string | Buffer;

class TurnBatchedDestination {
  private pending: string[] = [];
  private scheduled = false;
  private closed = false;
  /** What the reader has not taken yet, in order; the first chunk may be a line's unwritten rest. */
  private backlog: Chunk[] = [];
  private backlogBytes = 0;
  private retry: NodeJS.Timeout | null = null;
  private retryMs = 1;
  private droppedLines = 0;
  private droppedSinceWarning = 0;
  private lastWarningMs = -Infinity;
  /** Whether the warning about dropped lines is written (LOG_LEVEL at warn or below). */
  warnings = true;

  constructor(private readonly fd: number) {
    process.once('exit', () => this.flushAtExit());
  }

  /** Bytes waiting for the reader. */
  get backlogged(): number {
    return this.backlogBytes;
  }

  /** Lines dropped so far because the reader fell too far behind. */
  get dropped(): number {
    return this.droppedLines;
  }

  write(line: string): boolean {
    if (this.closed) return true;
    this.pending.push(line);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return true;
  }

  /** Writes every pending line now, or keeps it in the backlog, or drops it; never waits. */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0 || this.closed) return;
    const lines = this.pending.length;
    const batch = this.pending.join('');
    this.pending = [];
    if (this.backlog.length === 0) {
      // The common case: the text goes to the descriptor as it is (no Buffer of its own).
      const written = this.writeSome(batch);
      if (written === null) return;
      if (written === Buffer.byteLength(batch)) return this.warnIfDropped();
      this.keep(written === 0 ? batch : Buffer.from(batch, 'utf8').subarray(written));
    } else if (this.backlogBytes + Buffer.byteLength(batch) <= MAX_BACKLOG_BYTES) {
      this.keep(batch);
    } else {
      this.droppedLines += lines;
      this.droppedSinceWarning += lines;
    }
  }

  /** Bytes of `data` the descriptor took (0 when full); null when it is gone for good. */
  private writeSome(data: Chunk): number | null {
    try {
      return typeof data === 'string' ? writeSync(this.fd, data) : writeSync(this.fd, data);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') return 0;
      // EPIPE, EBADF or worse: nobody reads this log any more, and nothing is kept for it.
      this.closed = true;
      this.backlog = [];
      this.backlogBytes = 0;
      return null;
    }
  }

  private keep(chunk: Chunk): void {
    this.backlog.push(chunk);
    this.backlogBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    if (this.retry === null) this.retry = setTimeout(() => this.drainBacklog(), this.retryMs).unref();
  }

  /** Writes what the descriptor takes of the backlog; comes back later, more slowly each time it took nothing. */
  private drainBacklog(): void {
    this.retry = null;
    let progressed = false;
    for (let chunk = this.backlog[0]; chunk !== undefined; chunk = this.backlog[0]) {
      const size = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      const written = this.writeSome(chunk);
      if (written === null) return;
      if (written > 0) progressed = true;
      if (written === size) {
        this.backlog.shift();
        this.backlogBytes -= size;
        continue;
      }
      this.backlog[0] = (typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk).subarray(written);
      this.backlogBytes -= written;
      this.retryMs = progressed ? 1 : Math.min(this.retryMs * 2, MAX_RETRY_MS);
      this.retry = setTimeout(() => this.drainBacklog(), this.retryMs).unref();
      return;
    }
    this.retryMs = 1;
    this.warnIfDropped();
  }

  /** Once the reader has caught up, says how many lines it missed (at most every WARNING_INTERVAL_MS). */
  private warnIfDropped(): void {
    if (this.droppedSinceWarning === 0 || !this.warnings) return;
    const now = Date.now();
    if (now - this.lastWarningMs < WARNING_INTERVAL_MS) return;
    this.lastWarningMs = now;
    const dropped = this.droppedSinceWarning;
    this.droppedSinceWarning = 0;
    this.write(
      `{"level":${WARN},"time":${now},"pid":${process.pid},"hostname":${JSON.stringify(hostname())},` +
        `"dropped_lines":${dropped},"msg":"log lines dropped: the log reader fell behind"}\n`,
    );
  }

  /** On exit: the backlog and every pending line, waiting a bounded time for a full descriptor. */
  private flushAtExit(): void {
    if (this.retry !== null) clearTimeout(this.retry);
    const rest = [...this.backlog, this.pending.join('')];
    this.backlog = [];
    this.pending = [];
    const deadline = Date.now() + MAX_EXIT_WAIT_MS;
    for (let chunk of rest) {
      while (chunk.length > 0 && !this.closed) {
        const written = this.writeSome(chunk);
        if (written === null) return;
        if (written === 0) {
          if (Date.now() > deadline) return;
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
          continue;
        }
        chunk = (typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk).subarray(written);
      }
    }
  }
}

let stdout: TurnBatchedDestination | null = null;

/** The one batched destination for stdout in this process (it flushes on exit, so only one is made). */
export function batchedStdout(): TurnBatchedDestination {
  stdout ??= new TurnBatchedDestination(1);
  return stdout;
}

/** Log lines stdout's destination dropped because its reader fell behind (0 if it is not in use). */
export function droppedLogLines(): number {
  return stdout?.dropped ?? 0;
}
