// A cold start loads only what the first API request needs: @fastify/swagger (for /openapi.json)
// and prom-client (for /metrics) are imported when first needed. A child process, so that the
// modules this test process has loaded do not count.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const source = (path: string) => JSON.stringify(new URL(`../../src/${path}`, import.meta.url).href);

// Never listens (app.inject): prom-client's timed load after listen cannot run before the check.
const script = `
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
const { buildApp } = await import(${source('app.ts')});
const { indexCatalog, loadCatalog } = await import(${source('catalog/load.ts')});
const { loadConfig } = await import(${source('config.ts')});
const { createAccount } = await import(${source('resources/accounts/rules.ts')});
const { openStore } = await import(${source('store/open.ts')});
const directory = mkdtempSync(join(tmpdir(), 'intelligence-startup-'));
const config = loadConfig({ DATABASE_URL: 'sqlite:' + join(directory, 'intelligence.db'), ADMIN_TOKEN: 'admin-token-0123456789abcdef', METRICS_ENABLED: 'true' });
const store = await openStore(config);
const logStream = new Writable({ write: (_chunk, _encoding, done) => done() });
const app = await buildApp({ config, store, catalog: indexCatalog(loadCatalog()), logStream });
const account = await createAccount(store);
const authorization = 'Basic ' + Buffer.from(account.sid + ':' + account.secret).toString('base64');
const packages = () => new Set(Object.keys(createRequire(import.meta.url).cache).map((file) => file.match(/node_modules\\/((@[^/]+\\/)?[^/]+)/)?.[1]));
const api = await app.inject({ method: 'GET', url: '/v2/Services', headers: { authorization, host: 'localhost' } });
const atFirstRequest = packages();
const openapi = await app.inject({ method: 'GET', url: '/openapi.json', headers: { host: 'localhost' } });
const metrics = await app.inject({ method: 'GET', url: '/metrics', headers: { host: 'localhost' } });
const afterwards = packages();
await app.close();
await store.close();
rmSync(directory, { recursive: true, force: true });
const loaded = (set) => ['@fastify/swagger', 'yaml', 'prom-client', '@opentelemetry/api'].filter((name) => set.has(name));
process.stdout.write(JSON.stringify({ statuses: [api.statusCode, openapi.statusCode, metrics.statusCode], atFirstRequest: loaded(atFirstRequest), afterwards: loaded(afterwards) }));
`;

test('the first API request loads neither @fastify/swagger nor prom-client; /openapi.json and /metrics load them', async () => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], { cwd: root });
  const outcome = JSON.parse(stdout) as { statuses: number[]; atFirstRequest: string[]; afterwards: string[] };
  assert.deepEqual(outcome.statuses, [200, 200, 200]);
  assert.deepEqual(outcome.atFirstRequest, []);
  assert.deepEqual(outcome.afterwards, ['@fastify/swagger', 'yaml', 'prom-client', '@opentelemetry/api']);
});
