// What the orchestrator (run.ts) hands the load generator (load.ts) and what comes back.

export interface RequestSpec {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

export interface LoadSpec {
  name: string;
  /** http://host:port */
  url: string;
  connections: number;
  /** Answers in the first warmupSeconds are not measured (non-2xx are still counted). */
  warmupSeconds: number;
  seconds: number;
  /** Sent with every request (Authorization). */
  headers: Record<string, string>;
  /**
   * Connection i cycles through requests[i % requests.length], in order, one request at a time; with
   * `staggered`, every connection cycles through requests[0], connection i starting i/connections of
   * the way into it (so that they do not ask for the same thing at the same time).
   */
  requests: RequestSpec[][];
  staggered?: boolean;
}

export interface LoadResult {
  /** Answers inside the measured window. */
  requests: number;
  seconds: number;
  rps: number;
  /** Milliseconds, from per-response latencies (exact, not bucketed). */
  p50: number;
  p99: number;
  p90: number;
  p999: number;
  mean: number;
  max: number;
  /** Over the whole run, warm-up included. */
  total: number;
  non2xx: number;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  /** CPU seconds the load generator itself used (its whole life, warm-up included). */
  cpuSeconds: number;
}
