// A histogram for the request path: each label set is resolved to its series once, not at every
// observe as prom-client's does; exported through prom-client's Registry (same `get()` contract),
// which it needs only then.
import type { Registry } from 'prom-client';

type Observe = (seconds: number) => void;

interface Series {
  labels: Record<string, string>;
  /** Per bucket, not cumulative; the last slot counts values above every bound. */
  counts: Float64Array;
  sum: number;
  count: number;
}

export class FastHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: number[],
  ) {}

  /** Exports this histogram, with what it counted so far, through `registry`. */
  registerIn(registry: Registry): void {
    registry.registerMetric(this as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  /** The observer of one label set; keep it, and observing costs no label handling. */
  observer(key: string, labels: Record<string, string>): Observe {
    let series = this.series.get(key);
    if (series === undefined) {
      series = { labels, counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 };
      this.series.set(key, series);
    }
    const { bounds } = this;
    const target = series;
    return (value) => {
      let bucket = 0;
      // counts has bounds.length + 1 entries: the last is +Inf.
      while (bucket < bounds.length && value > bounds[bucket]!) bucket++;
      target.counts[bucket]!++;
      target.sum += value;
      target.count++;
    };
  }

  async get() {
    const values: Array<{ labels: Record<string, string | number>; value: number; metricName: string }> = [];
    for (const { labels, counts, sum, count } of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += counts[i]!;
        values.push({ labels: { le: bound, ...labels }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { le: '+Inf', ...labels }, value: count, metricName: `${this.name}_bucket` });
      values.push({ labels, value: sum, metricName: `${this.name}_sum` });
      values.push({ labels, value: count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    for (const series of this.series.values()) {
      series.counts.fill(0);
      series.sum = 0;
      series.count = 0;
    }
  }
}
