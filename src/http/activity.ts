// When the API was last asked something, for background work that gives way to requests: the
// transcript job waits between its stages until no request has arrived for a moment, or for a
// bounded time at most, so that it still advances under constant load. On one core, a transcript
// processed meanwhile otherwise takes its share of the CPU from the requests (bench/README.md).
import { setTimeout as sleep } from 'node:timers/promises';

/** No request for this long is a quiet moment. */
const QUIET_MS = 2;
/** Background work waits at most this long for one. */
const MAX_DEFER_MS = 20;

export class RequestActivity {
  private lastMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly quietMs = QUIET_MS,
    private readonly maxDeferMs = MAX_DEFER_MS,
  ) {}

  /** A request arrived (called for every API request: a clock read and a store). */
  seen(): void {
    this.lastMs = performance.now();
  }

  /** Resolves once no request has arrived for quietMs, or after maxDeferMs at the latest. */
  async quiet(): Promise<void> {
    const start = performance.now();
    for (;;) {
      const now = performance.now();
      const idleFor = now - this.lastMs;
      const waited = now - start;
      if (idleFor >= this.quietMs || waited >= this.maxDeferMs) return;
      await sleep(Math.min(this.quietMs - idleFor, this.maxDeferMs - waited));
    }
  }
}
