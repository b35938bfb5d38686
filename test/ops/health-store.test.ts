// GET /livez, /healthz and /readyz: no credentials, 503 when the database does not answer (or,
// for readyz, its schema is behind), and never rate limited.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildApp } from '../../src/app.js';
import { indexCatalog, loadCatalog } from '../../src/catalog/load.js';
import { loadConfig } from '../../src/config.js';
import { startTestServer } from '../helpers/server.js';
import { assertTwilioError } from '../http/support.js';

test('livez and healthz answer 200 without credentials while the database answers', async () => {
  const server = await startTestServer();
  try {
    for (const path of ['/livez', '/healthz']) {
      const response = await server.request('GET', path, { auth: null });
      assert.equal(response.status, 200);
      assert.deepEqual(response.body, { status: 'ok' });
      assert.match(response.headers.get('twilio-request-id') ?? '', /^RQ[0-9a-f]{32}$/);
    }
  } finally {
    await server.close();
  }
});

test('readyz answers 200 with the store and its applied migrations when the database answers', async () => {
  const server = await startTestServer();
  try {
    const response = await server.request('GET', '/readyz', { auth: null });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.status, 'ready');
    assert.equal(response.body.database, server.store.kind);
    assert.equal(response.body.migrations.applied, response.body.migrations.expected);
  } finally {
    await server.close();
  }
});

test('healthz and readyz answer 503 20503 when the database does not answer, and livez still 200', async () => {
  const server = await startTestServer();
  try {
    await server.store.close();
    assertTwilioError(await server.request('GET', '/readyz', { auth: null }), 503, 20503, /database does not answer/);
    assertTwilioError(await server.request('GET', '/healthz', { auth: null }), 503, 20503, /database does not answer/);
    assert.equal((await server.request('GET', '/livez', { auth: null })).status, 200);
  } finally {
    await server.close();
  }
});

test('readyz answers 503 20503 while migrations are pending', async () => {
  const server = await startTestServer();
  const behind = new Proxy(server.store, {
    get: (target, name) => (name === 'schemaVersion' ? async () => ({ applied: 0, expected: 1 }) : Reflect.get(target, name, target)),
  });
  const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'silent' });
  const app = await buildApp({ config, store: behind, catalog: indexCatalog(loadCatalog()) });
  try {
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(response.statusCode, 503);
    assert.match(response.json().message, /migration 0, this server needs 1/);
  } finally {
    await app.close();
    await server.close();
  }
});

test('readyz stays ready when a newer process has migrated the database ahead of this build', async () => {
  const server = await startTestServer();
  const ahead = new Proxy(server.store, {
    get: (target, name) => (name === 'schemaVersion' ? async () => ({ applied: 2, expected: 1 }) : Reflect.get(target, name, target)),
  });
  const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'silent' });
  const app = await buildApp({ config, store: ahead, catalog: indexCatalog(loadCatalog()) });
  try {
    assert.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
  } finally {
    await app.close();
    await server.close();
  }
});

test('readyz answers 503 20503 once the server starts shutting down', async () => {
  const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'silent' });
  const server = await startTestServer();
  const app = await buildApp({ config, store: server.store, catalog: indexCatalog(loadCatalog()) });
  let whileDraining: { status: number; body: string } | undefined;
  // Hooks run in order: this one runs after the health module's, while the server still listens,
  // and probes it as a load balancer would.
  app.addHook('preClose', async () => {
    const response = await fetch(`${url}/readyz`, { headers: { connection: 'close' } });
    whileDraining = { status: response.status, body: await response.text() };
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    assert.equal((await fetch(`${url}/readyz`, { headers: { connection: 'close' } })).status, 200);
  } finally {
    await app.close();
    await server.close();
  }
  assert.equal(whileDraining?.status, 503, whileDraining?.body);
  assert.match(whileDraining?.body ?? '', /shutting down/);
});

test('health endpoints are not rate limited nor need credentials when /v2 is limited', async () => {
  const server = await startTestServer({ env: { RATE_LIMIT_REQUESTS: '2', RATE_LIMIT_WINDOW_SECONDS: '60' } });
  try {
    for (let i = 0; i < 10; i++) {
      assert.equal((await server.request('GET', '/healthz', { auth: null })).status, 200);
      assert.equal((await server.request('GET', '/readyz', { auth: null })).status, 200);
      assert.equal((await server.request('GET', '/metrics', { auth: null })).status, 200);
    }
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await server.request('GET', '/v2/Services')).status);
    assert.deepEqual(statuses, [200, 200, 429], 'the /v2 limit is in force meanwhile');
  } finally {
    await server.close();
  }
});
