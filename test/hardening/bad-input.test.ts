// Hostile and malformed requests across every endpoint: each gets a clear Twilio error, changes
// nothing in the database, and leaves the process answering normally.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodeForm, startTestServer, type TestServer } from '../helpers/server.js';
import { protocolRequests } from './bad-protocol.js';
import { resourceRequests, type BadRequest } from './bad-requests.js';
import { createFixture, type Fixture } from './fixture.js';
import { assertError, basicAuth, dumpTables, rawHttp } from './support.js';

let server: TestServer;
let fixture: Fixture;

before(async () => {
  server = await startTestServer();
  fixture = await createFixture(server);
});
after(() => server.close());

async function send(request: BadRequest) {
  if (request.raw !== undefined) {
    const response = await rawHttp(server.url, request.raw.replace('{auth}', basicAuth(server.auth.username, server.auth.password)));
    return { status: response.status, text: response.text, header: (name: string) => response.headers.get(name) ?? null };
  }
  const headers: Record<string, string> = { ...request.headers };
  if (request.body !== undefined && request.contentType !== null) {
    headers['content-type'] = request.contentType ?? 'application/x-www-form-urlencoded';
  }
  const response = await server.request(request.method, request.path, {
    body: request.body,
    headers,
    ...(request.anonymous ? { auth: null } : {}),
  });
  return { status: response.status, text: response.text, header: (name: string) => response.headers.get(name) };
}

describe('hostile and malformed input', () => {
  test('every bad request gets its Twilio error and changes nothing in the database', async (t) => {
    const cases = [...resourceRequests(fixture), ...protocolRequests(fixture)];
    assert.ok(cases.length >= 200, `only ${cases.length} cases`);
    assert.equal(new Set(cases.map((c) => c.name)).size, cases.length, 'case names are unique');
    const failures: string[] = [];
    let before = await dumpTables(server);
    for (const request of cases) {
      try {
        const response = await send(request);
        assertError(response, request.status, request.code, request.name);
        for (const injected of ['set-cookie', 'x-injected']) {
          assert.equal(response.header(injected), null, `${request.name}: a ${injected} header was injected`);
        }
        assert.equal(response.header('twilio-request-id')?.slice(0, 2), 'RQ', `${request.name}: no Twilio-Request-Id`);
      } catch (error) {
        failures.push((error as Error).message.split('\n')[0]!);
      }
      const after = await dumpTables(server);
      for (const table of Object.keys(before)) {
        if (after[table] !== before[table]) failures.push(`${request.name}: changed the ${table} table`);
      }
      before = after;
    }
    t.diagnostic(`bad inputs tried: ${cases.length}`);
    assert.deepEqual(failures, []);
  });

  test('the server answers normally after the bad requests, with the target rows as they were', async () => {
    const service = await server.request('GET', `/v2/Services/${fixture.serviceSid}`);
    assert.equal(service.status, 200, service.text);
    assert.equal(service.body.unique_name, fixture.serviceUniqueName);
    assert.equal(service.body.version, 3);
    assert.deepEqual(service.body.read_only_attached_operator_sids, [fixture.prebuiltSid, fixture.customOperatorSid]);
    const operator = await server.request('GET', `/v2/Operators/Custom/${fixture.customOperatorSid}`);
    assert.equal(operator.status, 200, operator.text);
    assert.equal(operator.body.version, 1);
    const created = await server.request('POST', '/v2/Services', { form: { UniqueName: 'after-the-storm' } });
    assert.equal(created.status, 201, created.text);
  });

  test('a prototype-polluting Config leaves Object.prototype alone', () => {
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('body size limit', () => {
  let small: TestServer;
  before(async () => {
    small = await startTestServer({ env: { BODY_LIMIT_BYTES: '2048' } });
  });
  after(() => small.close());

  test('a body over BODY_LIMIT_BYTES gets 413 20413 naming the limit', async () => {
    const body = encodeForm({ UniqueName: 'limit-check', FriendlyName: 'x'.repeat(2048) });
    const response = await small.request('POST', '/v2/Services', {
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assertError(response, 413, 20413, 'over the limit');
    assert.match(response.body.message, /2048 bytes/);
    assert.equal((await small.request('GET', '/v2/Services')).body.services.length, 0);
  });

  test('a body just under BODY_LIMIT_BYTES is read', async () => {
    const body = encodeForm({ UniqueName: 'limit-check', FriendlyName: 'x'.repeat(60) });
    const response = await small.request('POST', '/v2/Services', {
      body: body.padEnd(2000, '&'),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(response.status, 201, response.text);
  });
});
