// Attach throughput by store, measured in one run: one server process on SQLite, one on
// PostgreSQL, and two on one PostgreSQL database. Each gets the same load: 32 connections for
// ~5 s of POST /v2/Services/{sid}/Operators/{sid} with Basic auth, re-attaching an operator that
// is already attached (an idempotent 202 that reads the service, the operator and the attachment).
//   node --import tsx bench/attach-stores.ts [--duration=5] [--connections=32] [--rounds=1]
// PostgreSQL: TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test); a fresh
// schema per configuration, dropped afterwards.
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogSid } from '../src/catalog/sids.js';
import { freePort } from './processes.js';
import { createAccount } from '../src/resources/accounts/rules.js';
import { PostgresStore } from '../src/store/postgres.js';
import { assertPostgresReachable, dropSchema, newSchemaName, testDatabaseUrl, urlWithSearchPath } from '../test/helpers/postgres.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const option = (name: string, fallback: number) => {
  const raw = process.argv.find((arg) => arg.startsWith(`--${name}=`));
  return raw === undefined ? fallback : Number(raw.split('=')[1]);
};
const DURATION_S = option('duration', 5);
const CONNECTIONS = option('connections', 32);
const ROUNDS = option('rounds', 1);

const accountSid = 'AC' + 'b'.repeat(32);
const authToken = 'attach-bench-token-1234';
const authorization = 'Basic ' + Buffer.from(`${accountSid}:${authToken}`).toString('base64');
const operatorSid = catalogSid('LY', 'Summarization');

interface Server {
  url: string;
  child: ChildProcess;
}

async function startServer(env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
    cwd: root,
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      TWILIO_ACCOUNT_SID: accountSid,
      TWILIO_AUTH_TOKEN: authToken,
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr.on('data', (chunk) => (errors += chunk));
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 30_000; ;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${errors}`);
    try {
      await fetch(`${url}/v2/OperatorTypes`);
      return { url, child };
    } catch {
      if (Date.now() > deadline) throw new Error(`server did not start: ${errors}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function stop(server: Server): Promise<void> {
  if (server.child.exitCode !== null) return;
  const exited = once(server.child, 'exit');
  server.child.kill('SIGTERM');
  await exited;
}

async function post(url: string, path: string, form?: Record<string, string>): Promise<{ sid: string }> {
  const response = await fetch(url + path, {
    method: 'POST',
    headers: { authorization, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    body: form ? new URLSearchParams(form).toString() : undefined,
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`POST ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as { sid: string };
}

interface Measured {
  requestsPerSecond: number;
  total: number;
  non2xx: number;
  errors: number;
  p50: number;
  p99: number;
}

function load(url: string, path: string, connections: number): Promise<Measured> {
  return new Promise((resolve, reject) => {
    autocannon(
      { url: url + path, connections, duration: DURATION_S, requests: [{ method: 'POST', path, headers: { authorization } }] },
      (error, result) => {
        if (error) return reject(error);
        const full = result as unknown as {
          requests: { average: number; total: number };
          latency: { p50: number; p99: number };
          non2xx: number;
          errors: number;
          timeouts: number;
        };
        resolve({
          requestsPerSecond: full.requests.average,
          total: full.requests.total,
          non2xx: full.non2xx,
          errors: full.errors + full.timeouts,
          p50: full.latency.p50,
          p99: full.latency.p99,
        });
      },
    );
  });
}

/** Splits the connections over the servers (one autocannon per server, run together) and sums. */
async function measure(servers: Server[], path: string): Promise<Measured> {
  const share = Math.floor(CONNECTIONS / servers.length);
  const parts = await Promise.all(
    servers.map((server, index) => load(server.url, path, index === 0 ? CONNECTIONS - share * (servers.length - 1) : share)),
  );
  return {
    requestsPerSecond: parts.reduce((sum, part) => sum + part.requestsPerSecond, 0),
    total: parts.reduce((sum, part) => sum + part.total, 0),
    non2xx: parts.reduce((sum, part) => sum + part.non2xx, 0),
    errors: parts.reduce((sum, part) => sum + part.errors, 0),
    p50: Math.max(...parts.map((part) => part.p50)),
    p99: Math.max(...parts.map((part) => part.p99)),
  };
}

async function scenario(
  label: string,
  start: () => Promise<{ servers: Server[]; cleanup: () => Promise<void> }>,
): Promise<Measured & { label: string }> {
  const { servers, cleanup } = await start();
  try {
    const service = await post(servers[0]!.url, '/v2/Services', { UniqueName: `bench-${Date.now()}` });
    const path = `/v2/Services/${service.sid}/Operators/${operatorSid}`;
    await post(servers[0]!.url, path);
    await measure(servers, path).catch(() => undefined); // warm-up is the first second of a short run
    const result = await measure(servers, path);
    return { label, ...result };
  } finally {
    await Promise.all(servers.map(stop));
    await cleanup();
  }
}

function sqliteScenario() {
  return async () => {
    const directory = mkdtempSync(join(tmpdir(), 'attach-bench-'));
    const server = await startServer({ DATABASE_URL: `sqlite:${join(directory, 'bench.db')}` });
    return { servers: [server], cleanup: async () => rmSync(directory, { recursive: true, force: true }) };
  };
}

function postgresScenario(processes: number) {
  return async () => {
    const schema = newSchemaName();
    // Migrate and create the account first, so the processes start at once onto a ready schema.
    const store = await PostgresStore.open({ url: testDatabaseUrl(), poolSize: 1, schema });
    await createAccount(store, { sid: accountSid, authToken });
    await store.close();
    const servers = await Promise.all(
      Array.from({ length: processes }, () => startServer({ DATABASE_URL: urlWithSearchPath(schema), PG_POOL_SIZE: '10' })),
    );
    return { servers, cleanup: () => dropSchema(schema) };
  };
}

await assertPostgresReachable();
process.stdout.write(
  `attach throughput: POST of an already-attached operator, ${CONNECTIONS} connections, ${DURATION_S} s each (after a ${DURATION_S} s warm-up)\n`,
);
const rows: Array<Measured & { label: string }> = [];
for (let round = 1; round <= ROUNDS; round++) {
  rows.push(await scenario('1 process, SQLite', sqliteScenario()));
  rows.push(await scenario('1 process, PostgreSQL', postgresScenario(1)));
  rows.push(await scenario('2 processes, PostgreSQL', postgresScenario(2)));
}
for (const row of rows) {
  process.stdout.write(
    `${row.label.padEnd(26)} ${row.requestsPerSecond.toFixed(0).padStart(7)} req/s   p50 ${row.p50} ms   p99 ${row.p99} ms   ` +
      `${row.total} requests, ${row.non2xx} non-2xx, ${row.errors} errors\n`,
  );
}
