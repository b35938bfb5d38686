// The database going away: PostgreSQL stopped (a TCP proxy in front of it drops every connection
// and refuses new ones) and an SQLite file that can no longer be written (its filesystem is full).
// Requests answer 503 20503 at once, a log line says the database is unavailable, nothing is half
// written, and service resumes without a restart when the database comes back.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  assertPostgresReachable,
  createSchema,
  dropSchema,
  newSchemaName,
  testDatabaseUrl,
  urlWithSearchPath,
} from '../helpers/postgres.js';
import { assertError, sleep } from './support.js';

/** Forwards 127.0.0.1:<port> to the database; stop() drops every connection and refuses new ones. */
class TcpProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<void> {
    const server = createServer((client) => {
      const upstream = createConnection(this.target);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    if (server !== null) await new Promise((resolve) => server.close(resolve));
  }
}

/** GET /v2/Services until `status` comes back (or the time is up); every answer on the way is 200 or 503. */
async function pollFor(server: TestServer, status: number, withinMs: number) {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const response = await server.request('GET', '/v2/Services');
    assert.ok(response.status === 200 || response.status === 503, `answered ${response.status}: ${response.text}`);
    if (response.status === status || Date.now() > deadline) return response;
    await sleep(50);
  }
}

const unavailableLogged = (server: TestServer) =>
  server.logs.some((line) => line.includes('"level":50') && line.includes('database unavailable'));

describe('PostgreSQL stopped and restarted', () => {
  test('requests get 503 20503 while PostgreSQL is unreachable and succeed again without a restart', async () => {
    await assertPostgresReachable();
    const upstream = new URL(testDatabaseUrl());
    const proxy = new TcpProxy({ host: upstream.hostname, port: Number(upstream.port || 5432) });
    await proxy.start();
    const schema = newSchemaName();
    await createSchema(schema);
    const proxied = new URL(testDatabaseUrl());
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    const server = await startTestServer({ env: { DATABASE_URL: urlWithSearchPath(schema, proxied.toString()) } });
    try {
      assert.equal((await server.request('POST', '/v2/Services', { form: { UniqueName: 'before-outage' } })).status, 201);

      await proxy.stop();
      const started = Date.now();
      const refused = await pollFor(server, 503, 5000);
      assertError(refused, 503, 20503, 'database stopped');
      assert.match(refused.body.message, /database is unavailable/);
      assert.ok(Date.now() - started < 5000, 'the 503 comes at once, not after a long hang');
      const write = await server.request('POST', '/v2/Services', { form: { UniqueName: 'during-outage' } });
      assertError(write, 503, 20503, 'write while stopped');
      assert.ok(unavailableLogged(server), 'an error line says the database is unavailable');

      await proxy.start();
      const back = await pollFor(server, 200, 10_000);
      assert.equal(back.status, 200, `after the database returned: ${back.status} ${back.text}`);
      assert.deepEqual(
        back.body.services.map((service: { unique_name: string }) => service.unique_name),
        ['before-outage'],
      );
      assert.equal((await server.request('POST', '/v2/Services', { form: { UniqueName: 'after-outage' } })).status, 201);
    } finally {
      await server.close();
      await proxy.stop();
      await dropSchema(schema);
    }
  });
});

describe('SQLite file that cannot be written', () => {
  const mountPoint = mkdtempSync(join(tmpdir(), 'intelligence-full-'));
  after(() => rmSync(mountPoint, { recursive: true, force: true }));

  /** A small tmpfs of our own, so "disk full" is real and touches nothing else. */
  function mountSmallFilesystem(): string | null {
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mountPoint], { stdio: 'pipe' });
      return null;
    } catch (error) {
      return String((error as { stderr?: Buffer }).stderr ?? error).trim();
    }
  }

  test('writes get 503 20503 while the filesystem is full, reads go on, and writes succeed once space returns', async (t) => {
    const refusal = mountSmallFilesystem();
    if (refusal !== null) {
      t.skip(`cannot mount a small tmpfs here (needs root and CAP_SYS_ADMIN): ${refusal}`);
      return;
    }
    const filler = join(mountPoint, 'filler');
    let server: TestServer | null = null;
    try {
      mkdirSync(join(mountPoint, 'data'));
      server = await startTestServer({ env: { DATABASE_URL: `sqlite:${join(mountPoint, 'data', 'intelligence.db')}` } });
      assert.equal((await server.request('POST', '/v2/Services', { form: { UniqueName: 'before-full' } })).status, 201);

      const fd = openSync(filler, 'w');
      for (const size of [1 << 20, 4096, 1]) {
        try {
          for (;;) writeSync(fd, Buffer.alloc(size));
        } catch (error) {
          assert.equal((error as NodeJS.ErrnoException).code, 'ENOSPC');
        }
      }
      closeSync(fd);

      let refused = null;
      for (let attempt = 0; attempt < 200 && refused === null; attempt++) {
        const response = await server.request('POST', '/v2/Services', {
          form: { UniqueName: `while-full-${attempt}`, FriendlyName: 'x'.repeat(64) },
        });
        if (response.status !== 201) refused = { response, uniqueName: `while-full-${attempt}` };
      }
      assert.ok(refused !== null, 'a write failed once the filesystem was full');
      assertError(refused.response, 503, 20503, 'write on a full filesystem');
      assert.ok(unavailableLogged(server), 'an error line says the database is unavailable');
      assert.equal((await server.request('GET', '/v2/Services/before-full')).status, 200, 'reads go on');

      rmSync(filler);
      assert.equal((await server.request('POST', '/v2/Services', { form: { UniqueName: 'after-full' } })).status, 201);
      assert.equal((await server.request('GET', `/v2/Services/${refused.uniqueName}`)).status, 404, 'the refused write left nothing');
    } finally {
      await server?.close();
      execFileSync('umount', ['-l', mountPoint]);
    }
  });
});
