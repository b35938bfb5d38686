// The load generator: runs in its own process (pinned to its own core by run.ts), takes a LoadSpec
// as JSON from the file argv[2] names, drives autocannon, and prints one LoadResult as JSON on
// stdout. Latencies are taken per response (autocannon's own hrtime duration) so p50/p99 are
// exact, not 1 ms buckets.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import autocannon from 'autocannon';
import type { LoadResult, LoadSpec } from './types.js';

// autocannon appends every response body to a string, for options this load generator does not use
// (expectBody, verifyBody, a request's onResponse). On 24 KB pages that took ~5 % of the load
// generator's CPU, whose core such pages already fill: time measured on autocannon, not the server.
const PipelinedRequestsQueue = createRequire(import.meta.url)('autocannon/lib/pipelinedRequestsQueue.js') as {
  prototype: { addBody(data: Buffer): void };
};
PipelinedRequestsQueue.prototype.addBody = () => {};

const spec = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as LoadSpec;

let latencies = new Float64Array(1 << 18);
let measured = 0;
let total = 0;
let non2xx = 0;
const statuses: Record<string, number> = {};
const started = performance.now();
const measureFrom = started + spec.warmupSeconds * 1000;
let lastAnswer = measureFrom;

const staggered = <T>(cycle: T[], start: number): T[] => [...cycle.slice(start), ...cycle.slice(0, start)];

// Each connection gets its own request cycle (e.g. its own service), assigned in creation order.
let nextConnection = 0;
const setupClient = (client: autocannon.Client) => {
  const connection = nextConnection++;
  const own = spec.staggered
    ? staggered(spec.requests[0]!, Math.floor((connection * spec.requests[0]!.length) / spec.connections))
    : spec.requests[connection % spec.requests.length]!;
  client.setRequests(own.map((request) => ({ ...request, headers: { ...spec.headers, ...request.headers } })));
};

const instance = autocannon(
  {
    url: spec.url,
    connections: spec.connections,
    pipelining: 1,
    duration: spec.warmupSeconds + spec.seconds,
    headers: spec.headers,
    setupClient,
    timeout: 10,
  },
  (error, result) => {
    if (error) {
      process.stderr.write(`autocannon failed: ${error.message}\n`);
      process.exit(1);
    }
    const sorted = latencies.subarray(0, measured).sort();
    const at = (quantile: number) => sorted[Math.max(0, Math.ceil(quantile * measured) - 1)] ?? NaN;
    let sum = 0;
    for (let i = 0; i < measured; i++) sum += sorted[i]!;
    const seconds = (lastAnswer - measureFrom) / 1000;
    const output: LoadResult = {
      requests: measured,
      seconds,
      rps: seconds > 0 ? measured / seconds : 0,
      p50: at(0.5),
      p99: at(0.99),
      p90: at(0.9),
      p999: at(0.999),
      mean: measured === 0 ? NaN : sum / measured,
      max: sorted[measured - 1] ?? NaN,
      total,
      non2xx,
      statuses,
      errors: result.errors,
      timeouts: result.timeouts,
      cpuSeconds: ((usage) => (usage.user + usage.system) / 1e6)(process.cpuUsage()),
    };
    process.stdout.write(JSON.stringify(output) + '\n');
  },
);

instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
  total++;
  if (statusCode < 200 || statusCode > 299) {
    non2xx++;
  }
  statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
  const now = performance.now();
  if (now < measureFrom) return;
  lastAnswer = now;
  if (measured === latencies.length) {
    const grown = new Float64Array(latencies.length * 2);
    grown.set(latencies);
    latencies = grown;
  }
  latencies[measured++] = responseTime;
});
