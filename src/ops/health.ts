// GET /livez (the process answers), GET /healthz (the process and its database answer: the load
// balancer's check) and GET /readyz (the database answers and its schema is current; not while
// draining). 503 otherwise. No credentials; marked `operations` so rate limits leave them alone.
import type { FastifyInstance } from 'fastify';
import { serviceUnavailable } from '../errors.js';
import type { Store } from '../store/store.js';
import { operationsRouteConfig } from './route-config.js';

/** How long /readyz waits for the database before it answers 503. */
export const READINESS_TIMEOUT_MS = 2000;

const statusSchema = {
  type: 'object',
  properties: { status: { type: 'string' } },
  required: ['status'],
} as const;

const readySchema = {
  type: 'object',
  properties: {
    status: { type: 'string' },
    database: { type: 'string' },
    migrations: { type: 'object', properties: { applied: { type: 'integer' }, expected: { type: 'integer' } } },
  },
  required: ['status', 'database', 'migrations'],
} as const;

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(app: FastifyInstance, store: Store): void {
  const config = operationsRouteConfig;
  // While the server drains (SIGTERM), /readyz says so, and load balancers stop sending traffic.
  let draining = false;
  app.addHook('preClose', async () => {
    draining = true;
  });

  app.get(
    '/livez',
    {
      schema: { operationId: 'FetchLiveness', tags: ['operations'], summary: 'The process is alive', response: { 200: statusSchema } },
      config,
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/healthz',
    {
      schema: {
        operationId: 'FetchHealth',
        tags: ['operations'],
        summary: 'The process is alive and its database answers (503 otherwise)',
        response: { 200: statusSchema },
      },
      config,
    },
    async (request) => {
      try {
        await withTimeout(store.ping(), READINESS_TIMEOUT_MS);
      } catch (error) {
        request.log.warn({ err: error }, 'health check: the database does not answer');
        throw serviceUnavailable('Unhealthy: the database does not answer');
      }
      return { status: 'ok' };
    },
  );

  app.get(
    '/readyz',
    {
      schema: {
        operationId: 'FetchReadiness',
        tags: ['operations'],
        summary: 'The database answers and its migrations are applied (503 otherwise)',
        response: { 200: readySchema },
      },
      config,
    },
    async (request) => {
      if (draining) throw serviceUnavailable('Not ready: the server is shutting down');
      let migrations: { applied: number; expected: number };
      try {
        migrations = await withTimeout(
          store.ping().then(() => store.schemaVersion()),
          READINESS_TIMEOUT_MS,
        );
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check: the database does not answer');
        throw serviceUnavailable('Not ready: the database does not answer');
      }
      // A newer process may have migrated ahead (rolling upgrade); only a schema behind this build is unready.
      if (migrations.applied < migrations.expected) {
        throw serviceUnavailable(
          `Not ready: the database schema is at migration ${migrations.applied}, this server needs ${migrations.expected}`,
        );
      }
      return { status: 'ready', database: store.kind, migrations };
    },
  );
}
