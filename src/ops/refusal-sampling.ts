// A flood of bad requests is mostly refusals (401 bad credentials, 404 guessed paths, 429 limits),
// each worth one log line: 152,000 of them in 5 s wrote 29 MB. Per status, the first lines of each
// second are written; the rest are counted, and one line a second says how many were left out.
import type { FastifyBaseLogger } from 'fastify';
import type { RequestLogger } from './request-log.js';

const SAMPLED_STATUSES = [401, 404, 429];
/** Lines written per sampled status per second. */
const LINES_PER_SECOND = 10;

interface Second {
  second: number;
  written: number;
  left: number;
}

export class RefusalSampler {
  private readonly seconds = new Map<number, Second>(SAMPLED_STATUSES.map((status) => [status, { second: 0, written: 0, left: 0 }]));
  private timer: NodeJS.Timeout | null = null;
  /** The request logger to use: refusals sampled, everything else written. */
  readonly log: RequestLogger;

  constructor(
    write: RequestLogger,
    private readonly logger: FastifyBaseLogger,
  ) {
    this.log = (request, status, route, durationMs) => {
      const counted = this.seconds.get(status);
      if (counted === undefined) return write(request, status, route, durationMs);
      const second = Math.floor(Date.now() / 1000);
      if (counted.second !== second) {
        counted.second = second;
        counted.written = 0;
      }
      if (counted.written < LINES_PER_SECOND) {
        counted.written++;
        return write(request, status, route, durationMs);
      }
      counted.left++;
      if (this.timer === null) {
        this.timer = setTimeout(() => this.flush(), 1000);
        this.timer.unref();
      }
    };
  }

  /** Writes how many lines of each status were left out since the last report. */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    for (const [status, counted] of this.seconds) {
      if (counted.left === 0) continue;
      this.logger.info({ status, not_logged: counted.left }, 'repeated refusals not logged one by one');
      counted.left = 0;
    }
  }
}
