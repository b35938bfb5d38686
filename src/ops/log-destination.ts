// Where log lines go when stdout is not a terminal: collected during one turn of the event loop and
// written to the file descriptor with one write at the end of it. pino's default destination
// (sonic-boom) hands every line to the libuv thread pool, or, when buffering, measures the whole
// buffer again for each line; at one line per request either way costs more than the request's own
// work. A line waits at most until the end of the current turn; lines are never reordered; on
// exit whatever is pending is written synchronously.
import { writeSync } from 'node:fs';

/** Gives up on a descriptor that stays full this long (a stuck log reader must not stop the server for good). */
const MAX_BLOCKED_MS = 1000;

class TurnBatchedDestination {
  private pending: string[] = [];
  private scheduled = false;
  private closed = false;

  constructor(private readonly fd: number) {
    process.once('exit', () => this.flush());
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

  /** Writes every pending line now. */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    // The text goes to the descriptor as it is (no Buffer of its own); only what a partial write
    // left over is made bytes, to go on from the right byte.
    let data: string | Buffer = this.pending.join('');
    this.pending = [];
    let blockedSince: number | null = null;
    while (data.length > 0) {
      try {
        if (typeof data === 'string') {
          const written = writeSync(this.fd, data);
          if (written === Buffer.byteLength(data)) return;
          data = Buffer.from(data, 'utf8').subarray(written);
        } else {
          data = data.subarray(writeSync(this.fd, data));
        }
        blockedSince = null;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') {
          // A non-blocking pipe is full: wait for the reader, as pino's synchronous mode does.
          blockedSince ??= Date.now();
          if (Date.now() - blockedSince < MAX_BLOCKED_MS) {
            Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
            continue;
          }
        } else if (code === 'EPIPE' || code === 'EBADF') {
          this.closed = true;
        }
        // The lines are dropped: a log that cannot be written must not stop the server.
        return;
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
