// Connection floods: connections are capped in total (MAX_CONNECTIONS, by default the open-file
// limit less a reserve) and per client address (MAX_CONNECTIONS_PER_CLIENT); idle and slow
// connections are closed when REQUEST_TIMEOUT_MS / KEEP_ALIVE_TIMEOUT_MS say, not up to a minute
// later; and bodies held half-sent count against MAX_BUFFERED_BODY_BYTES.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { basicAuth } from './support.js';

/** Deadline for what must happen within a second or so; the bug kept connections for 60–90 s. */
const DEADLINE_MS = 20_000;

/** Server-side sockets, to wait until the server has accepted (or closed) a connection. */
function watchConnections(server: TestServer) {
  const open = new Set<Socket>();
  let waiters: Array<() => void> = [];
  const changed = () => {
    for (const waiter of waiters) waiter();
    waiters = [];
  };
  server.app.server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => {
      open.delete(socket);
      changed();
    });
    changed();
  });
  return {
    async until(condition: (open: number) => boolean): Promise<void> {
      const deadline = Date.now() + DEADLINE_MS;
      while (!condition(open.size)) {
        assert.ok(Date.now() < deadline, `the server holds ${open.size} connections`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 500).unref();
        });
      }
    },
  };
}

async function openFrom(server: TestServer, localAddress: string): Promise<Socket> {
  const socket = connect({ host: '127.0.0.1', port: Number(new URL(server.url).port), localAddress });
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  return socket;
}

/** What the server does with a request on `socket`: its status line, or 'closed' without an answer. */
function outcomeOf(socket: Socket, request = 'GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    socket.on('data', (chunk) => {
      received += String(chunk);
      if (received.includes('\r\n')) resolve(received.split('\r\n')[0]!);
    });
    socket.once('close', () => resolve(received === '' ? 'closed' : (received.split('\r\n')[0] ?? '')));
    if (!socket.destroyed) socket.write(request);
  });
}

describe('connections per client address', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { MAX_CONNECTIONS_PER_CLIENT: '3' } });
  });
  after(() => server.close());

  test('past MAX_CONNECTIONS_PER_CLIENT an address is refused; other addresses are not; a closed one frees its place', async () => {
    const connections = watchConnections(server);
    const held = [await openFrom(server, '127.0.0.2'), await openFrom(server, '127.0.0.2'), await openFrom(server, '127.0.0.2')];
    await connections.until((open) => open === 3);
    assert.equal(await outcomeOf(await openFrom(server, '127.0.0.2')), 'closed');
    const other = await openFrom(server, '127.0.0.3');
    assert.equal(await outcomeOf(other), 'HTTP/1.1 200 OK');
    other.destroy();
    held[0]!.destroy();
    await connections.until((open) => open === 2);
    assert.equal(await outcomeOf(await openFrom(server, '127.0.0.2')), 'HTTP/1.1 200 OK');
    for (const socket of held) socket.destroy();
  });
});

describe('connections in total', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { MAX_CONNECTIONS: '4', MAX_CONNECTIONS_PER_CLIENT: '0' } });
  });
  after(() => server.close());

  test('past MAX_CONNECTIONS a connection is closed at once, and the refusals are logged in one line', async () => {
    const connections = watchConnections(server);
    const held = await Promise.all(['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'].map((address) => openFrom(server, address)));
    await connections.until((open) => open === 4);
    assert.equal(await outcomeOf(await openFrom(server, '127.0.0.6')), 'closed');
    held[0]!.destroy();
    await connections.until((open) => open === 3);
    assert.equal(await outcomeOf(await openFrom(server, '127.0.0.6')), 'HTTP/1.1 200 OK');
    for (const socket of held) socket.destroy();
  });
});

describe('timeouts', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { REQUEST_TIMEOUT_MS: '500', KEEP_ALIVE_TIMEOUT_MS: '300' } });
  });
  after(() => server.close());

  const closedWithin = async (socket: Socket) => {
    const closed = once(socket, 'close');
    const timer = setTimeout(() => socket.destroy(new Error('still open at the deadline')), DEADLINE_MS);
    await closed;
    clearTimeout(timer);
    assert.ok(!socket.errored, 'the server closed the connection before the deadline');
  };

  test('a connection that sends nothing, or half a request, gets 408 and is closed by REQUEST_TIMEOUT_MS', async () => {
    for (const sent of [
      '',
      'GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n',
      'POST /v2/Services HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\nab',
    ]) {
      const socket = await openFrom(server, '127.0.0.2');
      let received = '';
      socket.on('data', (chunk) => (received += String(chunk)));
      socket.write(sent);
      await closedWithin(socket);
      assert.match(received, /^HTTP\/1\.1 (408|401)/, JSON.stringify(sent));
    }
  });

  test('an idle keep-alive connection is closed after KEEP_ALIVE_TIMEOUT_MS', async () => {
    const socket = await openFrom(server, '127.0.0.2');
    assert.equal(await outcomeOf(socket), 'HTTP/1.1 200 OK');
    await closedWithin(socket);
  });
});

describe('buffered bodies', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { MAX_BUFFERED_BODY_BYTES: '65536', REQUEST_TIMEOUT_MS: '0' } });
  });
  after(() => server.close());

  test('half-sent bodies beyond MAX_BUFFERED_BODY_BYTES together get 503 20503 at once, and the budget is freed after', async () => {
    const authorization = basicAuth(server.auth.username, server.auth.password);
    const head = `POST /v2/Services HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${authorization}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 50000\r\n\r\n`;
    const uploads = [await openFrom(server, '127.0.0.2'), await openFrom(server, '127.0.0.2')];
    // Each sends 40,000 of its 50,000 bytes and stops: together they pass the 65,536-byte budget.
    const outcomes = uploads.map((socket) => outcomeOf(socket, head + 'UniqueName=' + 'a'.repeat(40_000 - 11)));
    const first = await Promise.race(outcomes);
    assert.equal(first, 'HTTP/1.1 503 Service Unavailable');
    for (const socket of uploads) socket.destroy();
    const created = await server.request('POST', '/v2/Services', { form: { UniqueName: 'after-the-flood' } });
    assert.equal(created.status, 201, created.text);
  });
});
