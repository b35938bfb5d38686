// A counter without labels that counts before prom-client is loaded (metrics.ts keeps it off the
// start-up path); exported through prom-client's Registry by the same `get()` contract as
// prom-client's Counter.
import type { Registry } from 'prom-client';

export class FastCounter {
  readonly type = 'counter';
  readonly aggregator = 'sum';
  private value = 0;

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(): void {
    this.value++;
  }

  /** Exports this counter, with what it counted so far, through `registry`. */
  registerIn(registry: Registry): void {
    registry.registerMetric(this as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  async get() {
    const values = [{ value: this.value, labels: {} }];
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    this.value = 0;
  }
}
