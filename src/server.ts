// Starts the server for real: configuration, catalog, store, bootstrap account, listen, and a
// graceful stop on SIGTERM/SIGINT (in-flight requests finish, the database is closed).
import type { FastifyInstance } from 'fastify';
import { buildApp, requestActivity, servingStore } from './app.js';
import { BACKGROUND_LANES, backgroundHandlers, scheduleBackgroundJobs } from './background.js';
import { indexCatalog, loadCatalog } from './catalog/load.js';
import type { Config } from './config.js';
import { JobWorker, type JobHandler, type JobWorkerOptions } from './jobs/worker.js';
import { handOverCredentials } from './ops/bootstrap-credentials.js';
import { authTokenMatches, ensureBootstrapAccount } from './resources/accounts/rules.js';
import type { ThreadPool } from './jobs/threads.js';
import { resolveSecretKey } from './resources/accounts/secret-key.js';
import { openStore } from './store/open.js';
import type { JobRecord, Store } from './store/store.js';
import { createThreadPool } from './threads.js';

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  url: string;
  /** The background job worker; null when no job handler is registered. */
  jobs: JobWorker | null;
  /** The worker threads for CPU-heavy work (threads start when a task first needs one). */
  threads: ThreadPool;
  stop(): Promise<void>;
}

export interface ServerParts {
  /** More background job handlers by name (src/jobs), beside src/background.ts's; with none at all, no worker runs. */
  jobHandlers?: Record<string, JobHandler>;
  jobOptions?: Omit<JobWorkerOptions, 'store' | 'handlers'>;
}

/** What the shutdown keeps for closing the database after waiting for running jobs. */
const CLOSE_MARGIN_MS = 500;

export async function startServer(config: Config, parts: ServerParts = {}): Promise<RunningServer> {
  const catalog = indexCatalog(loadCatalog(config.catalogFile ?? undefined));
  // Before the store opens: a package built without its worker entry fails here, at once.
  const threads = createThreadPool(config.workerThreads);
  // Before the database is opened: PostgreSQL without SECRET_KEY stops here.
  const secretKey = resolveSecretKey(config);
  const store = await openStore(config);
  const generated = await ensureBootstrapAccount(
    store,
    { accountSid: config.bootstrapAccountSid, authToken: config.bootstrapAuthToken },
    secretKey,
  );
  const credentialsFile = generated === null ? null : handOverCredentials(generated, config.database);
  // Before listening: a database that cannot take it fails the start-up, as the migrations would.
  await scheduleBackgroundJobs({ store, now: parts.jobOptions?.now });
  const app = await buildApp({ config, store, catalog, secretKey });
  if (credentialsFile !== null) {
    app.log.warn(
      { credentials_file: credentialsFile },
      'created the first account: its credentials are in this file, readable by this user only',
    );
  }
  const { bootstrapAccountSid: sid, bootstrapAuthToken: token } = config;
  if (generated === null && sid !== null && token !== null && !(await authTokenMatches(store, sid, token))) {
    // The account existed already with another token, which stays the valid one.
    app.log.warn(
      `TWILIO_AUTH_TOKEN is not the auth token of ${sid} in this database: it was set when the account was created, ` +
        `and requests with the new one are refused (401). Change it with: intelligence-server accounts set-token --account ${sid}`,
    );
  }
  const url = await app.listen({ port: config.port, host: config.host });
  // Background work writes through the routes' read cache, which then sees each write at once.
  const served = servingStore(app);
  const handlers = {
    ...backgroundHandlers({
      config,
      store: served,
      catalog,
      log: app.log,
      threads,
      secretKey,
      now: parts.jobOptions?.now,
      activity: requestActivity(app),
    }),
    ...parts.jobHandlers,
  };
  const jobs =
    Object.keys(handlers).length === 0
      ? null
      : new JobWorker({
          onError: (error, doing) => app.log.error({ err: error }, `job worker: ${doing}`),
          lanes: BACKGROUND_LANES,
          ...parts.jobOptions,
          store: served,
          handlers,
        });
  jobs?.on('reclaimed', (job: JobRecord) =>
    app.log.warn(
      { job_id: job.id, job: job.name, attempt: job.attempts },
      'job worker: a job outlived its lease while this process ran it (the event loop was held past the lease); its attempt goes on',
    ),
  );
  await jobs?.start();

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      const timer = setTimeout(() => {
        app.log.error(`shutdown took longer than ${config.shutdownTimeoutMs} ms; exiting`);
        process.exit(1);
      }, config.shutdownTimeoutMs);
      timer.unref();
      // Running jobs get the drain time too; those still running then are left to their leases.
      await Promise.all([app.close(), jobs?.stop(Math.max(0, config.shutdownTimeoutMs - CLOSE_MARGIN_MS))]);
      // Jobs still running were aborted, which ended their threads' tasks.
      await threads.close();
      await store.close();
      clearTimeout(timer);
    })();
    return stopping;
  };
  return { app, store, url, jobs, threads, stop };
}
