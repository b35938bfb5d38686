// Overload protection: when the event loop lags or the heap grows past its limits, new API
// requests get 503 20503 at once instead of queueing until the process falls over.
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';

export interface OverloadSettings {
  /** Event-loop delay (ms: mean over the last sample, or the sampler's own lateness) above which the server is overloaded; 0 = off. */
  maxEventLoopDelayMs: number;
  /** Heap used (bytes) above which the server is overloaded; 0 = off. */
  maxHeapUsedBytes: number;
  sampleIntervalMs?: number;
}

const RESOLUTION_MS = 10;

export class OverloadMonitor {
  private overloaded = false;
  private readonly histogram: IntervalHistogram;
  private readonly timer: NodeJS.Timeout;
  private readonly intervalMs: number;
  private lastSampleMs = performance.now();

  constructor(private readonly settings: OverloadSettings) {
    this.histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.histogram.enable();
    this.intervalMs = settings.sampleIntervalMs ?? 500;
    this.timer = setInterval(() => {
      // A throw in a timer would end the process: whatever fails, the last state stands.
      try {
        this.sample();
      } catch {
        // Nothing to do: the next sample decides again.
      }
    }, this.intervalMs);
    this.timer.unref();
  }

  private sample(): void {
    // The sampler's own lateness: a stall the histogram can miss when reset() lands before the
    // histogram's tick after the stall (a reset forgets the interval in progress).
    const now = performance.now();
    const lateMs = now - this.lastSampleMs - this.intervalMs;
    this.lastSampleMs = now;
    // The histogram records whole timer intervals: the delay is what exceeds its resolution.
    const meanDelayMs = (this.histogram.mean / 1e6 || RESOLUTION_MS) - RESOLUTION_MS;
    const delayMs = Math.max(meanDelayMs, lateMs);
    this.histogram.reset();
    const { maxEventLoopDelayMs, maxHeapUsedBytes } = this.settings;
    this.overloaded =
      (maxEventLoopDelayMs > 0 && delayMs > maxEventLoopDelayMs) ||
      // Not process.memoryUsage(): it reads /proc/self/stat, which needs a file descriptor, and out
      // of descriptors it threw (EMFILE) in this timer and the process exited.
      (maxHeapUsedBytes > 0 && getHeapStatistics().used_heap_size > maxHeapUsedBytes);
  }

  get isOverloaded(): boolean {
    return this.overloaded;
  }

  stop(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }
}
