// How busy the API is, for background work that gives way to requests: the transcript job waits
// between its stages while requests keep arriving (hundreds a second), or for a bounded time at
// most, so that it still advances under constant load. On one core, a transcript processed
// meanwhile otherwise takes its share of the CPU from the requests (bench/README.md). A client
// polling a few times a second is no reason to wait.
import { setTimeout as sleep } from 'node:timers/promises';

export interface ActivityLimits {
  /** Requests are counted in windows of this length… */
  windowMs: number;
  /** …and the API is busy while this many arrived in the current and the last window. */
  busyRequests: number;
  /** Background work waits at most this long for the API to be no longer busy. */
  maxDeferMs: number;
}

const DEFAULT_LIMITS: ActivityLimits = { windowMs: 10, busyRequests: 10, maxDeferMs: 50 };

export class RequestActivity {
  private windowStart = Number.NEGATIVE_INFINITY;
  private inWindow = 0;
  private inLastWindow = 0;

  constructor(private readonly limits: ActivityLimits = DEFAULT_LIMITS) {}

  /** A request arrived (called for every API request: a clock read and a few stores). */
  seen(now = performance.now()): void {
    this.turnWindow(now);
    this.inWindow++;
  }

  /** Whether requests are arriving at the busy rate now. */
  busy(now = performance.now()): boolean {
    this.turnWindow(now);
    return this.inWindow + this.inLastWindow >= this.limits.busyRequests;
  }

  /** Resolves at once while the API is not busy; otherwise once it is not, or after maxDeferMs at the latest. */
  async quiet(): Promise<void> {
    const start = performance.now();
    for (;;) {
      const now = performance.now();
      const waited = now - start;
      if (!this.busy(now) || waited >= this.limits.maxDeferMs) return;
      await sleep(Math.min(this.limits.windowMs, this.limits.maxDeferMs - waited));
    }
  }

  private turnWindow(now: number): void {
    const since = now - this.windowStart;
    if (since < this.limits.windowMs) return;
    // The window just ended becomes the last one; after a longer pause, nothing is recent.
    this.inLastWindow = since < 2 * this.limits.windowMs ? this.inWindow : 0;
    this.inWindow = 0;
    this.windowStart = since < 2 * this.limits.windowMs ? this.windowStart + this.limits.windowMs : now;
  }
}
