// A real server on a loopback port over a real database, with a known account, for tests. The store
// is SQLite (a file in a fresh directory) unless TEST_STORE=postgres: then it is a fresh schema in
// TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), dropped on close().
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { Agent, request as httpRequest } from 'node:http';
import { buildApp, requestActivity, servingStore } from '../../src/app.js';
import { createThreadPool } from '../../src/threads.js';
import { BACKGROUND_LANES, backgroundHandlers, scheduleBackgroundJobs } from '../../src/background.js';
import { JobWorker, type JobWorkerOptions } from '../../src/jobs/worker.js';
import type { Internals } from '../../src/http/internals.js';
import { indexCatalog, loadCatalog } from '../../src/catalog/load.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { AccountSid } from '../../src/sids.js';
import { createAccount, createApiKey, type IssuedCredential } from '../../src/resources/accounts/rules.js';
import { resolveSecretKey, type SecretKey } from '../../src/resources/accounts/secret-key.js';
import { openStore } from '../../src/store/open.js';
import { PostgresStore } from '../../src/store/postgres.js';
import type { Store } from '../../src/store/store.js';
import { assertPostgresReachable, dropSchema, newSchemaName, testDatabaseUrl } from './postgres.js';

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

export interface RequestOptions {
  form?: Record<string, string | number | boolean | Array<string>>;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  /** Credentials to send; null sends none. Defaults to the main account. */
  auth?: { username: string; password: string } | null;
}

export interface TestServer {
  url: string;
  app: FastifyInstance;
  store: Store;
  config: Config;
  /** The server key auth tokens are encrypted under (SQLite: the key file beside the database). */
  secretKey: SecretKey;
  /** The background job worker, when started with `jobs`. */
  jobs: JobWorker | null;
  directory: string;
  databaseFile: string;
  account: IssuedCredential & { sid: AccountSid };
  logs: string[];
  auth: { username: string; password: string };
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  newAccount(): Promise<{ account: IssuedCredential & { sid: AccountSid }; auth: { username: string; password: string } }>;
  newApiKey(accountSid: string): Promise<IssuedCredential>;
  close(): Promise<void>;
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** An HTTP request with the path sent exactly as given (no URL normalisation, unlike fetch). */
export function rawRequest(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string | Uint8Array,
): Promise<{ status: number; headers: Headers; text: string }> {
  const target = new URL(base);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: target.hostname, port: target.port, method, path, headers, agent }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(incoming.headers)) {
          if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
        }
        resolve({ status: incoming.statusCode ?? 0, headers: responseHeaders, text: Buffer.concat(chunks).toString('utf8') });
      });
      incoming.on('error', reject);
    });
    outgoing.on('error', reject);
    if (body !== undefined) outgoing.end(body);
    else outgoing.end();
  });
}

export function encodeForm(form: RequestOptions['form']): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(form ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) params.append(name, String(item));
  }
  return params.toString();
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Reuse a directory (and so its database file) from an earlier server. */
  directory?: string;
  /** Node's and Fastify's internals as the app finds them (the real ones unless a test simulates others). */
  internals?: Internals;
  /** Runs the background job worker (src/background.ts's handlers) in this server, as `serve` does. */
  jobs?: boolean | Omit<JobWorkerOptions, 'store' | 'handlers'>;
  /** The server's secret key (SECRET_KEY); unset, as `serve` resolves it (SQLite's key file, or TEST_SECRET_KEY on PostgreSQL). */
  secretKey?: SecretKey;
}

/** The SECRET_KEY PostgreSQL test servers get unless a test sets its own (PostgreSQL refuses to start without one). */
export const TEST_SECRET_KEY = '5ec7e7'.padEnd(64, '0');

/** Which store the test servers use: TEST_STORE=sqlite (the default) or TEST_STORE=postgres. */
export function testStoreKind(): 'sqlite' | 'postgres' {
  const kind = process.env.TEST_STORE || 'sqlite';
  if (kind !== 'sqlite' && kind !== 'postgres') throw new Error(`TEST_STORE must be sqlite or postgres, got "${kind}"`);
  return kind;
}

/** Schemas of servers started on a caller's directory: kept across restarts, dropped when the process ends. */
const keptSchemas = new Set<string>();
let dropKeptSchemasOnExit = false;
function dropOnExit(schema: string): void {
  keptSchemas.add(schema);
  if (dropKeptSchemasOnExit) return;
  dropKeptSchemasOnExit = true;
  process.once('beforeExit', () => {
    void Promise.all([...keptSchemas].map((name) => dropSchema(name).catch(() => undefined)));
  });
}

/**
 * The PostgreSQL schema for a server: a fresh one, or — when the caller passed a directory, as a
 * restart test does — the one recorded in that directory by an earlier server, so data survives.
 */
function postgresSchemaFor(directory: string, reused: boolean): { schema: string; owned: boolean } {
  const marker = join(directory, 'postgres-schema');
  if (reused && existsSync(marker)) return { schema: readFileSync(marker, 'utf8').trim(), owned: false };
  const schema = newSchemaName();
  writeFileSync(marker, schema + '\n');
  if (reused) dropOnExit(schema);
  return { schema, owned: !reused };
}

export async function startTestServer(options: StartOptions = {}): Promise<TestServer> {
  const directory = options.directory ?? mkdtempSync(join(tmpdir(), 'intelligence-test-'));
  const databaseFile = join(directory, 'intelligence.db');
  // A test that names its own DATABASE_URL gets exactly that; otherwise TEST_STORE decides.
  const postgres = options.env?.DATABASE_URL === undefined && testStoreKind() === 'postgres';
  const config = loadConfig({
    DATABASE_URL: postgres ? testDatabaseUrl() : `sqlite:${databaseFile}`,
    LOG_LEVEL: 'info',
    PORT: '0',
    PG_POOL_SIZE: '5',
    // Media in the server's own directory (PostgreSQL's default, ./media, would be the working directory).
    MEDIA_DIR: join(directory, 'media'),
    // The event-loop guard measures the machine as much as the server: on a loaded test machine it
    // answered 503 to ordinary tests. Tests of the guard set it themselves.
    MAX_EVENT_LOOP_DELAY_MS: '0',
    // PostgreSQL refuses to start without SECRET_KEY: every PostgreSQL test server gets one, a test naming its own DATABASE_URL too.
    ...(postgres || /^postgres(ql)?:/.test(options.env?.DATABASE_URL ?? '') ? { SECRET_KEY: TEST_SECRET_KEY } : {}),
    ...options.env,
  });
  const secretKey = options.secretKey ?? resolveSecretKey(config);
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  let ownStore: Store;
  let ownedSchema: string | null = null;
  if (postgres) {
    await assertPostgresReachable();
    const { schema, owned } = postgresSchemaFor(directory, options.directory !== undefined);
    if (owned) ownedSchema = schema;
    ownStore = await PostgresStore.open({ url: testDatabaseUrl(), poolSize: config.pgPoolSize, schema });
  } else {
    ownStore = await openStore(config);
  }
  const catalog = indexCatalog(loadCatalog(config.catalogFile ?? undefined));
  const app = await buildApp({ config, store: ownStore, catalog, logStream, internals: options.internals, secretKey });
  // The test writes, and the jobs run, through the store as the routes read it (with its read cache).
  const store = servingStore(app);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  let jobs: JobWorker | null = null;
  // As `serve` has: threads start only when a handler first needs one.
  const threads = createThreadPool(config.workerThreads);
  if (options.jobs) {
    const jobOptions = options.jobs === true ? {} : options.jobs;
    const handlers = backgroundHandlers({
      config,
      store,
      catalog,
      log: app.log,
      threads,
      secretKey,
      now: jobOptions.now,
      activity: requestActivity(app),
    });
    jobs = new JobWorker({ pollMs: 50, lanes: BACKGROUND_LANES, ...jobOptions, store, handlers });
    await jobs.start();
    await scheduleBackgroundJobs({ store, now: jobOptions.now });
  }
  const account = await createAccount(store, { secretKey });
  const auth = { username: account.sid, password: account.secret };

  async function request(method: string, path: string, requestOptions: RequestOptions = {}): Promise<TestResponse> {
    const headers: Record<string, string> = { ...requestOptions.headers };
    const credentials = requestOptions.auth === undefined ? auth : requestOptions.auth;
    if (credentials !== null) {
      headers.authorization = 'Basic ' + Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
    }
    let body: string | Uint8Array | undefined = requestOptions.body;
    if (requestOptions.form !== undefined) {
      body = encodeForm(requestOptions.form);
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    }
    const response = await rawRequest(url, method, path, headers, body);
    const text = response.text;
    let parsed: unknown = undefined;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    return { status: response.status, headers: response.headers, text, body: parsed };
  }

  return {
    url,
    app,
    store,
    config,
    secretKey,
    jobs,
    directory,
    databaseFile,
    account,
    logs,
    auth,
    request,
    async newAccount() {
      const other = await createAccount(store, { secretKey });
      return { account: other, auth: { username: other.sid, password: other.secret } };
    },
    newApiKey: (accountSid: string) => createApiKey(store, accountSid),
    async close() {
      await jobs?.stop(5_000);
      await threads.close();
      await app.close();
      await store.close();
      if (ownedSchema !== null) await dropSchema(ownedSchema);
      if (options.directory === undefined) rmSync(directory, { recursive: true, force: true });
    },
  };
}
