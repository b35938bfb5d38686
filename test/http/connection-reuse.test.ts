// One connection, many requests: a request the server answered without reading is left alone when
// its message had fully arrived, and drained when a body is still unread, so the next request on
// the connection is read from the right byte either way (src/http/internals.ts).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { internals } from '../../src/http/internals.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { createService, prebuiltSid } from './support.js';

interface RawResponse {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/** A client connection that writes raw requests and reads their responses (each with Content-Length, or none). */
class Connection {
  private buffered = Buffer.alloc(0);
  private readonly chunks: AsyncIterator<Buffer>;

  private constructor(private readonly socket: Socket) {
    this.chunks = socket[Symbol.asyncIterator]();
  }

  static async open(host: string, port: number): Promise<Connection> {
    const socket = connect({ host, port });
    await once(socket, 'connect');
    return new Connection(socket);
  }

  write(text: string): void {
    this.socket.write(text);
  }

  /** The next `count` responses. */
  async read(count: number): Promise<RawResponse[]> {
    const responses: RawResponse[] = [];
    for (;;) {
      const headerEnd = this.buffered.indexOf('\r\n\r\n');
      if (headerEnd >= 0) {
        const [statusLine = '', ...lines] = this.buffered.subarray(0, headerEnd).toString('latin1').split('\r\n');
        const headers = new Map(
          lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
        );
        const end = headerEnd + 4 + Number(headers.get('content-length') ?? 0);
        if (this.buffered.length >= end) {
          responses.push({
            status: Number(statusLine.split(' ')[1]),
            headers,
            body: this.buffered.subarray(headerEnd + 4, end).toString('utf8'),
          });
          this.buffered = this.buffered.subarray(end);
          if (responses.length === count) return responses;
          continue;
        }
      }
      const chunk = await this.chunks.next();
      if (chunk.done === true) throw new Error(`the connection closed after ${responses.length} of ${count} responses`);
      this.buffered = Buffer.concat([this.buffered, chunk.value]);
    }
  }

  /** Writes one request and reads its response. */
  async exchange(text: string): Promise<RawResponse> {
    this.write(text);
    const [response] = await this.read(1);
    assert.ok(response);
    return response;
  }

  close(): void {
    this.socket.destroy();
  }
}

describe('requests on one connection', () => {
  let server: TestServer;
  let authorization: string;
  let host: string;
  const connect = () => Connection.open('127.0.0.1', Number(new URL(server.url).port));
  before(async () => {
    server = await startTestServer();
    authorization = 'Basic ' + Buffer.from(`${server.auth.username}:${server.auth.password}`).toString('base64');
    host = new URL(server.url).host;
  });
  after(() => server.close());

  /** A request without a body, as the main account. */
  const bodiless = (method: string, path: string) =>
    `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: ${authorization}\r\n\r\n`;
  /** A form POST whose credentials are refused before its body is read. */
  const refusedPost = (body: string) =>
    `POST /v2/Services HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Basic bm9ib2R5Om5vdGhpbmc=\r\n` +
    `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;

  /** The refused POST answered 401 and created nothing; the GET after it on the connection answered its page. */
  async function assertRefusedThenAnswered(refused: RawResponse, listed: RawResponse, uniqueName: string): Promise<void> {
    assert.equal(refused.status, 401);
    assert.equal(listed.status, 200);
    assert.equal(JSON.parse(listed.body).meta.key, 'services');
    assert.equal((await server.request('GET', `/v2/Services/${uniqueName}`)).status, 404);
  }

  test('GET, POST and DELETE requests without bodies follow one another on one connection', async () => {
    const service = await createService(server);
    const operator = prebuiltSid('Sentiment Analysis');
    const path = `/v2/Services/${service.sid}/Operators/${operator}`;
    const connection = await connect();
    const fetched = await connection.exchange(bodiless('GET', `/v2/Services/${service.sid}`));
    const attached = await connection.exchange(bodiless('POST', path));
    const listed = await connection.exchange(bodiless('GET', `/v2/Services/${service.sid}/Operators`));
    const detached = await connection.exchange(bodiless('DELETE', path));
    const listedAfter = await connection.exchange(bodiless('GET', `/v2/Services/${service.sid}/Operators`));
    connection.close();
    assert.equal(fetched.status, 200);
    assert.equal(JSON.parse(fetched.body).sid, service.sid);
    assert.equal(attached.status, 202);
    assert.equal(JSON.parse(attached.body).operator_sid, operator);
    assert.deepEqual(JSON.parse(listed.body).operator_sids, [operator]);
    assert.equal(detached.status, 204);
    assert.deepEqual(JSON.parse(listedAfter.body).operator_sids, []);
  });

  test('pipelined requests without bodies are answered in the order they were sent', async () => {
    const services = [await createService(server), await createService(server), await createService(server)];
    const connection = await connect();
    connection.write(services.map((service) => bodiless('GET', `/v2/Services/${service.sid}`)).join(''));
    const answers = await connection.read(3);
    connection.close();
    assert.deepEqual(
      answers.map((answer) => [answer.status, JSON.parse(answer.body).sid]),
      services.map((service) => [200, service.sid]),
    );
  });

  test('a body the server never read (401) is discarded, and the next request on the connection is answered', async () => {
    const body = 'UniqueName=never-read&FriendlyName=' + 'x'.repeat(200);
    const connection = await connect();
    connection.write(refusedPost(body) + body + bodiless('GET', '/v2/Services?PageSize=1'));
    const [refused, listed] = await connection.read(2);
    connection.close();
    assert.ok(refused && listed);
    await assertRefusedThenAnswered(refused, listed, 'never-read');
  });

  test('a body that had not arrived when the answer went out is drained when it comes, and the next request is answered', async () => {
    const body = 'UniqueName=late-body&FriendlyName=' + 'y'.repeat(100_000);
    const connection = await connect();
    connection.write(refusedPost(body));
    const [refused] = await connection.read(1);
    assert.ok(refused);
    connection.write(body);
    const listed = await connection.exchange(bodiless('GET', '/v2/Services?PageSize=1'));
    connection.close();
    await assertRefusedThenAnswered(refused, listed, 'late-body');
  });

  test('a form POST is read and answered between requests without bodies', async () => {
    const service = await createService(server);
    const body = 'FriendlyName=renamed-on-one-connection';
    const connection = await connect();
    const fetched = await connection.exchange(bodiless('GET', `/v2/Services/${service.sid}`));
    const updated = await connection.exchange(
      `POST /v2/Services/${service.sid} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: ${authorization}\r\n` +
        `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    const fetchedAfter = await connection.exchange(bodiless('GET', `/v2/Services/${service.sid}`));
    connection.close();
    assert.equal(fetched.status, 200);
    assert.equal(updated.status, 200);
    assert.equal(JSON.parse(updated.body).friendly_name, 'renamed-on-one-connection');
    assert.equal(JSON.parse(fetchedAfter.body).friendly_name, 'renamed-on-one-connection');
  });
});

describe('the request class', () => {
  const IncomingRequest = internals.requestClass!;
  /** A bare node:http server with the class; each request is answered at once, unread. */
  const requests: IncomingMessage[] = [];
  const bare = createServer({ IncomingMessage: IncomingRequest }, (request, response) => {
    requests.push(request);
    response.end('ok');
  });
  let port: number;
  before(async () => {
    bare.listen(0, '127.0.0.1');
    await once(bare, 'listening');
    port = (bare.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => bare.close(() => resolve())));

  test('a request that fully arrived without a body is not resumed after its answer; one with an unread body is', async () => {
    const connection = await Connection.open('127.0.0.1', port);
    connection.write(
      'GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /c HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    const answers = await connection.read(3);
    connection.close();
    assert.deepEqual(
      answers.map((answer) => answer.body),
      ['ok', 'ok', 'ok'],
    );
    assert.deepEqual(
      requests.map((request) => request.url),
      ['/a', '/b', '/c'],
    );
    assert.ok(requests[0] instanceof IncomingRequest);
    // Node's drain resumes the stream (readableFlowing true); a request left alone was never resumed.
    assert.equal(requests[0].readableFlowing, null);
    assert.equal(requests[1]!.readableFlowing, true);
    assert.equal(requests[2]!.readableFlowing, null);
  });
});
