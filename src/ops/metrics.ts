// Prometheus metrics (prom-client): requests and their latency by route template, method and
// status; database call latency; attachments made and removed; process metrics. One registry per
// app, so several apps in one process (the tests) never share or clash.
// prom-client loads many modules, so it is imported a second after listen (or by the first GET
// /metrics); our own series count without it, and the process metrics are observed from then on.
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { methodNames } from '../store/method-names.js';
import type { Store } from '../store/store.js';
import { requireBearer } from './bearer.js';
import { FastCounter } from './counter.js';
import { FastHistogram } from './histogram.js';
import { droppedLogLines } from './log-destination.js';
import { operationsRouteConfig } from './route-config.js';

type Observe = (seconds: number) => void;

/** How long after listen prom-client is imported: well after a cold start's first requests. */
const PROM_CLIENT_DELAY_MS = 1000;

export class Metrics {
  private readonly requestDuration = new FastHistogram(
    'http_request_duration_seconds',
    'HTTP requests by route template, method and status: latency in seconds (_count counts the requests)',
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  );
  private readonly databaseDuration = new FastHistogram(
    'intelligence_db_query_duration_seconds',
    'Storage calls (one transaction each) by store operation: latency in seconds',
    [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  );
  readonly attachmentsCreated = new FastCounter(
    'intelligence_operator_attachments_created_total',
    'Operators attached to services (re-attaching an attached operator is not counted)',
  );
  readonly attachmentsRemoved = new FastCounter('intelligence_operator_attachments_removed_total', 'Operators detached from services');
  /** Observers by route, method and status: labels are handled once per series, not per request. */
  private readonly requestSeries = new Map<string, Map<string, Map<number, Observe>>>();
  private registryLoaded: Promise<Registry> | undefined;

  constructor(private readonly version: string) {}

  /** prom-client's registry holding every metric; the first call imports prom-client. */
  registry(): Promise<Registry> {
    this.registryLoaded ??= this.loadRegistry();
    return this.registryLoaded;
  }

  private async loadRegistry(): Promise<Registry> {
    const promClient = await import('prom-client');
    const registry = new promClient.Registry();
    // Registered in the order the text has always had: ours, the process metrics, the build.
    for (const metric of [this.requestDuration, this.databaseDuration, this.attachmentsCreated, this.attachmentsRemoved]) {
      metric.registerIn(registry);
    }
    new promClient.Counter({
      name: 'intelligence_log_lines_dropped_total',
      help: 'Log lines dropped because the reader of stdout fell behind',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(droppedLogLines());
      },
    });
    promClient.collectDefaultMetrics({ register: registry });
    // A gauge, as Prometheus' convention for *_info metrics has it.
    new promClient.Gauge({
      name: 'intelligence_build_info',
      help: 'Always 1; the labels say which build is running',
      labelNames: ['version'] as const,
      registers: [registry],
    }).set({ version: this.version }, 1);
    return registry;
  }

  /** `route` is the route template (undefined: no route matched). */
  observeRequest(route: string | undefined, method: string, status: number, seconds: number): void {
    const template = route ?? 'unmatched';
    // Nested maps rather than one key string: no string is built per request.
    let byMethod = this.requestSeries.get(template);
    if (byMethod === undefined) this.requestSeries.set(template, (byMethod = new Map<string, Map<number, Observe>>()));
    let byStatus = byMethod.get(method);
    if (byStatus === undefined) byMethod.set(method, (byStatus = new Map<number, Observe>()));
    let observe = byStatus.get(status);
    if (observe === undefined) {
      observe = this.requestDuration.observer(`${method} ${status} ${template}`, { route: template, method, status_code: String(status) });
      byStatus.set(status, observe);
    }
    observe(seconds);
  }

  databaseTimer(operation: string): Observe {
    return this.databaseDuration.observer(operation, { operation });
  }
}

const isPromise = (value: unknown): value is Promise<unknown> => typeof (value as Promise<unknown> | null)?.then === 'function';

/**
 * The store, timing every call and counting attach and detach outcomes that changed something.
 * Generic over its methods: every method of the store's class is wrapped, so a method added to
 * Store is measured without a change here. The wrappers are own properties of an object whose
 * prototype is the store (not a Proxy, which would slow every property access of the callers).
 * SQLite does all its work synchronously inside the call, so its calls are timed without waiting
 * on the promise; PostgreSQL's complete later and are timed when they settle.
 */
export function instrumentStore(store: Store, metrics: Metrics): Store {
  const synchronous = store.kind === 'sqlite';
  const counters: Record<string, [outcome: string, counter: FastCounter]> = {
    attachOperator: ['attached', metrics.attachmentsCreated],
    detachOperator: ['detached', metrics.attachmentsRemoved],
  };
  const instrumented = Object.create(store) as Record<string, unknown>;
  for (const name of methodNames(store)) {
    if (name === 'close') continue;
    // methodNames lists only names whose value is a function.
    const method = (store as unknown as Record<string, (...args: unknown[]) => unknown>)[name]!;
    const counted = counters[name];
    let observe: Observe | undefined;
    instrumented[name] = (...args: unknown[]) => {
      const started = performance.now();
      const result = method.apply(store, args);
      observe ??= metrics.databaseTimer(name);
      const record = observe;
      if (!isPromise(result) || (synchronous && counted === undefined)) {
        record((performance.now() - started) / 1000);
        return result;
      }
      return result.then(
        (outcome) => {
          record((performance.now() - started) / 1000);
          if (counted !== undefined && outcome === counted[0]) counted[1].inc();
          return outcome;
        },
        (error: unknown) => {
          record((performance.now() - started) / 1000);
          throw error;
        },
      );
    };
  }
  return instrumented as unknown as Store;
}

const metricsResponse = {
  200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } },
};

/** The metrics and GET /metrics (behind `Authorization: Bearer <METRICS_TOKEN>` when it is set); the app's onResponse hook observes each request. */
export function installMetrics(app: FastifyInstance, token: string | null, version: string): Metrics {
  const metrics = new Metrics(version);
  let loadTimer: NodeJS.Timeout | undefined;
  app.addHook('onListen', (done) => {
    loadTimer = setTimeout(() => {
      metrics.registry().catch((error: unknown) => app.log.error({ err: error }, 'prom-client could not be loaded'));
    }, PROM_CLIENT_DELAY_MS).unref();
    done();
  });
  app.addHook('onClose', (_instance, done) => {
    clearTimeout(loadTimer);
    done();
  });
  app.get(
    '/metrics',
    {
      schema: {
        operationId: 'FetchMetrics',
        tags: ['operations'],
        summary: 'Prometheus metrics',
        ...(token === null ? {} : { security: [{ metricsToken: [] }] }),
        response: metricsResponse,
      },
      config: operationsRouteConfig,
      ...(token === null ? {} : { onRequest: requireBearer(token, 'METRICS_TOKEN') }),
    },
    async (_request, reply) => {
      const registry = await metrics.registry();
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
  return metrics;
}
