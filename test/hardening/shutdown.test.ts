// Graceful shutdown: requests in flight when the server starts closing complete (and close their
// keep-alive connection); a request arriving on a connection that is still open gets 503 20503;
// new connections are refused; and the real process exits 0 after SIGTERM as soon as its work is
// done, or by SHUTDOWN_TIMEOUT_MS when a request never finishes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { startServerProcess } from '../helpers/process.js';
import { startTestServer } from '../helpers/server.js';
import { assertError, basicAuth, Connection, sleep } from './support.js';

const accountSid = 'AC' + 'f'.repeat(32);
const authToken = 'shutdown-token-5566';
const directory = mkdtempSync(join(tmpdir(), 'intelligence-shutdown-'));
after(() => rmSync(directory, { recursive: true, force: true }));

/** The head of a form POST whose body is sent later, in pieces. */
function slowPost(authorization: string, uniqueName: string): { head: string; body: string } {
  const body = `UniqueName=${uniqueName}&FriendlyName=${'slow'.repeat(16)}`;
  return {
    head: `POST /v2/Services HTTP/1.1\r\nHost: x\r\nAuthorization: ${authorization}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`,
    body,
  };
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
  test('in-flight requests complete, a request arriving while draining gets 503 20503, new connections are refused', async () => {
    const server = await startTestServer();
    const authorization = basicAuth(server.auth.username, server.auth.password);
    const inFlight = [new Connection(server.url), new Connection(server.url)];
    const requests = [slowPost(authorization, 'in-flight-1'), slowPost(authorization, 'in-flight-2')];
    inFlight.forEach((connection, index) => connection.write(requests[index].head + requests[index].body.slice(0, 10)));
    // A request whose head is still arriving when the shutdown starts.
    const arriving = new Connection(server.url);
    arriving.write(`GET /v2/Services HTTP/1.1\r\nHost: x\r\n`);
    await sleep(200);

    let closed = false;
    const closing = server.app.close().then(() => (closed = true));
    await sleep(300);
    assert.equal(closed, false, 'close waits for the requests in flight');
    arriving.write(`Authorization: ${authorization}\r\n\r\n`);
    const draining = await arriving.response();
    assertError(draining, 503, 20503, 'request while draining');
    assert.match(JSON.parse(draining.text).message, /shutting down/);
    assert.equal(draining.headers.get('connection'), 'close');

    inFlight[0].write(requests[0].body.slice(10, 30));
    await sleep(100);
    inFlight[0].write(requests[0].body.slice(30));
    inFlight[1].write(requests[1].body.slice(10));
    for (const connection of inFlight) {
      const response = await connection.response();
      assert.equal(response.status, 201, response.text);
      assert.equal(response.headers.get('connection'), 'close', 'a keep-alive client is told not to reuse the connection');
    }
    assert.equal(await connectionRefused(server.url), true, 'new connections are refused');
    // Nobody closed a connection on the client side: the server ends them, so close() completes.
    const deadline = sleep(2000).then(() => 'still open');
    assert.equal(await Promise.race([closing.then(() => 'closed'), deadline]), 'closed');
    for (const uniqueName of ['in-flight-1', 'in-flight-2']) {
      assert.ok(await server.store.findServiceByUniqueName(server.account.sid, uniqueName), `${uniqueName} is stored`);
    }
    for (const connection of [...inFlight, arriving]) connection.close();
    await server.close();
  });
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
    const connection = new Connection(server.url);
    const request = slowPost(basicAuth(accountSid, authToken), 'during-sigterm');
    connection.write(request.head + request.body.slice(0, 5));
    await sleep(200);
    const started = Date.now();
    const exited = server.stop('SIGTERM');
    await sleep(400);
    connection.write(request.body.slice(5));
    const response = await connection.response();
    assert.equal(response.status, 201, response.text);
    assert.equal(await exited, 0);
    // The client keeps its connection: the exit must not wait for SHUTDOWN_TIMEOUT_MS.
    assert.ok(Date.now() - started < 2500, `took ${Date.now() - started} ms`);
    connection.close();

    const restarted = await startServerProcess(env('graceful', 5000));
    try {
      const fetched = await fetch(`${restarted.url}/v2/Services/during-sigterm`, { headers: { authorization: basicAuth(accountSid, authToken) } });
      assert.equal(fetched.status, 200, 'the create acknowledged during shutdown is stored');
    } finally {
      await restarted.stop();
    }
  });

  test('a request that never finishes does not hold the process past SHUTDOWN_TIMEOUT_MS', async () => {
    const server = await startServerProcess(env('stalled', 1000));
    const connection = new Connection(server.url);
    const request = slowPost(basicAuth(accountSid, authToken), 'never-finished');
    connection.write(request.head + request.body.slice(0, 5));
    await sleep(200);
    const started = Date.now();
    const code = await server.stop('SIGTERM');
    const elapsed = Date.now() - started;
    connection.close();
    assert.equal(code, 1, 'a forced exit is not a clean one');
    assert.ok(elapsed >= 900 && elapsed < 3000, `exited after ${elapsed} ms`);
    assert.match(server.output(), /shutdown took longer than 1000 ms/);
  });
});
