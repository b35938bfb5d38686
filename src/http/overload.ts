// Overload protection: when the event loop lags or the heap grows past its limits, new API
// requests get 503 20503 at once instead of queueing until the process falls over.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface OverloadSettings {
  /** Event-loop delay (ms, mean over the last sample) above which the server is overloaded; 0 = off. */
  maxEventLoopDelayMs: number;
  /** Heap used (bytes) above which the server is overloaded; 0 = off. */
  maxHeapUsedBytes: number;
  sampleIntervalMs?: number;
}

export class OverloadMonitor {
  private overloaded = false;
  private readonly histogram: IntervalHistogram;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly settings: OverloadSettings) {
    this.histogram = monitorEventLoopDelay({ resolution: 10 });
    this.histogram.enable();
    this.timer = setInterval(() => this.sample(), settings.sampleIntervalMs ?? 500);
    this.timer.unref();
  }

  private sample(): void {
    const delayMs = this.histogram.mean / 1e6;
    this.histogram.reset();
    const { maxEventLoopDelayMs, maxHeapUsedBytes } = this.settings;
    this.overloaded =
      (maxEventLoopDelayMs > 0 && delayMs > maxEventLoopDelayMs) ||
      (maxHeapUsedBytes > 0 && process.memoryUsage().heapUsed > maxHeapUsedBytes);
  }

  get isOverloaded(): boolean {
    return this.overloaded;
  }

  stop(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }
}
