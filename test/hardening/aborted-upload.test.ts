// A client that gives up on its upload half way is the client's business: it must not be logged as
// a database outage (Node reports the abort as ECONNRESET, as it does a dropped database
// connection), and the server goes on answering.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { basicAuth } from './support.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

test('an upload the client aborts is not logged as "database unavailable"', async () => {
  const serverSide = once(server.app.server, 'connection') as Promise<[Socket]>;
  const { port } = new URL(server.url);
  const client = connect(Number(port), '127.0.0.1');
  await once(client, 'connect');
  client.write(
    'POST /v2/Services HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
      `Authorization: ${basicAuth(server.auth.username, server.auth.password)}\r\n` +
      'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nUniqueName=half',
  );
  const [socket] = await serverSide;
  // The server has the request once its first body bytes are read: then the client goes away.
  await once(socket, 'data');
  client.destroy();
  await once(socket, 'close');
  await new Promise((resolve) => setImmediate(resolve)); // the abort's error is handled in the same turn
  const logs = server.logs.join('');
  assert.doesNotMatch(logs, /database unavailable/);
  assert.equal((await server.request('GET', '/v2/Services')).status, 200);
});
