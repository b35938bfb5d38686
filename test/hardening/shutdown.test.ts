// Graceful shutdown: requests in flight when the server starts closing complete (and close their
// keep-alive connection); a request arriving on a connection that is still open gets 503 20503;
// new connections are refused; and the real process exits 0 after SIGTERM as soon as its work is
// done, or by SHUTDOWN_TIMEOUT_MS when a request never finishes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { startServerProcess } from '../helpers/process.js';
import { startTestServer } from '../helpers/server.js';
import { assertError, basicAuth, Connection } from './support.js';
import { testSid } from '../postgres/stores.js';

const accountSid = testSid('AC', 'f'.repeat(32));
const authToken = 'shutdown-token-5566';
const directory = mkdtempSync(join(tmpdir(), 'intelligence-shutdown-'));
after(() => rmSync(directory, { recursive: true, force: true }));

/** The head of a form POST whose body is sent later, in pieces. */
function slowPost(authorization: string, uniqueName: string): { head: string; body: string } {
  const body = `UniqueName=${uniqueName}&FriendlyName=${'slow'.repeat(16)}`;
  return {
    // Expect: 100-continue: the server's 100 Continue says that it has the request.
    head: `POST /v2/Services HTTP/1.1\r\nHost: x\r\nAuthorization: ${authorization}\r\nExpect: 100-continue\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`,
    body,
  };
}

/** Waits until one of the server's connections has read exactly `bytes` bytes (its parser has them). */
async function serverHasRead(sockets: Set<Socket>, bytes: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (![...sockets].some((socket) => socket.bytesRead === bytes)) {
    assert.ok(Date.now() < deadline, `no connection of the server read ${bytes} bytes`);
    await nextTurn();
  }
}

const connectionRefused = (url: string) =>
  new Promise<boolean>((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    socket.on('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });

describe('graceful shutdown in process', () => {
  test(
    'in-flight requests complete, a request arriving while draining gets 503 20503, new connections are refused',
    { timeout: 60_000 },
    async () => {
      const server = await startTestServer();
      const authorization = basicAuth(server.auth.username, server.auth.password);
      const serverSockets = new Set<Socket>();
      server.app.server.on('connection', (socket: Socket) => serverSockets.add(socket));
      const inFlight = [new Connection(server.url), new Connection(server.url)];
      const requests = [slowPost(authorization, 'in-flight-1'), slowPost(authorization, 'in-flight-2')];
      for (const [index, connection] of inFlight.entries()) {
        connection.write(requests[index]!.head);
        assert.equal((await connection.response()).status, 100, 'the server has the request');
        connection.write(requests[index]!.body.slice(0, 10));
      }
      // A request whose head is still arriving when the shutdown starts.
      const arriving = new Connection(server.url);
      const partialHead = `GET /v2/Services HTTP/1.1\r\nHost: x\r\n`;
      arriving.write(partialHead);
      await serverHasRead(serverSockets, partialHead.length);

      let closed = false;
      const closing = server.app.close().then(() => (closed = true));
      arriving.write(`Authorization: ${authorization}\r\n\r\n`);
      const draining = await arriving.response();
      assertError(draining, 503, 20503, 'request while draining');
      assert.match(JSON.parse(draining.text).message, /shutting down/);
      assert.equal(draining.headers.get('connection'), 'close');
      assert.equal(closed, false, 'close waits for the requests in flight');

      await new Promise<void>((resolve) => inFlight[0]!.write(requests[0]!.body.slice(10, 30), resolve));
      inFlight[0]!.write(requests[0]!.body.slice(30));
      inFlight[1]!.write(requests[1]!.body.slice(10));
      for (const connection of inFlight) {
        const response = await connection.response();
        assert.equal(response.status, 201, response.text);
        assert.equal(response.headers.get('connection'), 'close', 'a keep-alive client is told not to reuse the connection');
      }
      assert.equal(await connectionRefused(server.url), true, 'new connections are refused');
      // Nobody closed a connection on the client side: the server ends them, so close() completes.
      await closing;
      for (const uniqueName of ['in-flight-1', 'in-flight-2']) {
        assert.ok(await server.store.findServiceByUniqueName(server.account.accountSid, uniqueName), `${uniqueName} is stored`);
      }
      for (const connection of [...inFlight, arriving]) connection.close();
      await server.close();
    },
  );
});

describe('graceful shutdown of the real process', () => {
  const env = (name: string, timeoutMs: number) => ({
    DATABASE_URL: `sqlite:${join(directory, `${name}.db`)}`,
    TWILIO_ACCOUNT_SID: accountSid,
    TWILIO_AUTH_TOKEN: authToken,
    SHUTDOWN_TIMEOUT_MS: String(timeoutMs),
  });

  test('SIGTERM lets the in-flight request finish and exits 0 within SHUTDOWN_TIMEOUT_MS', async () => {
    const server = await startServerProcess(env('graceful', 5000));
    const authorization = basicAuth(accountSid, authToken);
    const connection = new Connection(server.url);
    const request = slowPost(authorization, 'during-sigterm');
    connection.write(request.head);
    assert.equal((await connection.response()).status, 100, 'the server has the request');
    connection.write(request.body.slice(0, 5));
    // An idle keep-alive connection: the server closes it when it starts draining.
    const idle = new Connection(server.url);
    idle.write(`GET /v2/OperatorTypes HTTP/1.1\r\nHost: x\r\nAuthorization: ${authorization}\r\n\r\n`);
    assert.equal((await idle.response()).status, 200);
    const started = Date.now();
    const exited = server.stop('SIGTERM');
    await assert.rejects(idle.response(), /connection closed/, 'the server is draining');
    connection.write(request.body.slice(5));
    const response = await connection.response();
    assert.equal(response.status, 201, response.text);
    assert.equal(await exited, 0);
    // The client keeps its connection: the exit must not wait for SHUTDOWN_TIMEOUT_MS.
    assert.ok(Date.now() - started < 2500, `took ${Date.now() - started} ms`);
    connection.close();

    const restarted = await startServerProcess(env('graceful', 5000));
    try {
      const fetched = await fetch(`${restarted.url}/v2/Services/during-sigterm`, {
        headers: { authorization: basicAuth(accountSid, authToken) },
      });
      assert.equal(fetched.status, 200, 'the create acknowledged during shutdown is stored');
    } finally {
      await restarted.stop();
    }
  });

  test('a request that never finishes does not hold the process past SHUTDOWN_TIMEOUT_MS', async () => {
    const server = await startServerProcess(env('stalled', 1000));
    const connection = new Connection(server.url);
    const request = slowPost(basicAuth(accountSid, authToken), 'never-finished');
    connection.write(request.head);
    assert.equal((await connection.response()).status, 100, 'the server has the request');
    connection.write(request.body.slice(0, 5));
    const started = Date.now();
    const code = await server.stop('SIGTERM');
    const elapsed = Date.now() - started;
    connection.close();
    assert.equal(code, 1, 'a forced exit is not a clean one');
    assert.ok(elapsed >= 900 && elapsed < 3000, `exited after ${elapsed} ms`);
    assert.match(server.output(), /shutdown took longer than 1000 ms/);
  });
});
