// What every route shares: request ids, CORS, authentication, 404/405, content type, absolute URLs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestResponse, type TestServer } from '../helpers/server.js';
import {
  assertNoContent,
  assertOk,
  assertTwilioError,
  attach,
  createCustomOperator,
  createService,
  prebuiltSid,
  randomSid,
} from './support.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
  'access-control-allow-headers': 'Accept, Authorization, Content-Type, If-Match, If-Modified-Since, If-None-Match, If-Unmodified-Since',
  'access-control-allow-credentials': 'true',
  'access-control-expose-headers': 'ETag',
};

function assertCommonHeaders(response: TestResponse): void {
  assert.match(response.headers.get('twilio-request-id') ?? '', /^RQ[0-9a-f]{32}$/);
  for (const [name, value] of Object.entries(CORS)) assert.equal(response.headers.get(name), value, name);
}

const basic = (username: string, password: string) => 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64');

describe('headers on every response', () => {
  test('200, 201, 202, 204, 400, 401, 404, 405, 412 and OPTIONS responses carry Twilio-Request-Id and the CORS headers', async () => {
    const service = await createService(server);
    const responses: Array<[number, TestResponse]> = [
      [200, await server.request('GET', '/v2/Services')],
      [201, await server.request('POST', '/v2/Services', { form: { UniqueName: `headers-${service.sid}` } })],
      [202, await server.request('POST', `/v2/Services/${service.sid}/Operators/${prebuiltSid('Summarization')}`)],
      [204, await server.request('DELETE', `/v2/Services/${service.sid}/Operators/${prebuiltSid('Summarization')}`)],
      [400, await server.request('POST', '/v2/Services', { form: {} })],
      [401, await server.request('GET', '/v2/Services', { auth: null })],
      [404, await server.request('GET', '/v2/Nope')],
      [405, await server.request('PUT', '/v2/Services')],
      [412, await server.request('POST', `/v2/Services/${service.sid}`, { form: { FriendlyName: 'x' }, headers: { 'if-match': '"99"' } })],
      [204, await server.request('OPTIONS', '/v2/Services', { auth: null })],
    ];
    for (const [status, response] of responses) {
      assert.equal(response.status, status, response.text);
      assertCommonHeaders(response);
    }
    assertOk(responses[0]![1], 'ListService', 200);
    assertOk(responses[1]![1], 'CreateService', 201);
    assertOk(responses[2]![1], 'CreateOperatorAttachment', 202);
    assertNoContent(responses[3]![1]);
    const ids = responses.map(([, response]) => response.headers.get('twilio-request-id'));
    assert.equal(new Set(ids).size, ids.length, 'request ids are unique');
  });

  test('50 concurrent requests get 50 distinct request ids', async () => {
    const responses = await Promise.all(Array.from({ length: 50 }, () => server.request('GET', '/v2/OperatorTypes?PageSize=1')));
    for (const response of responses) assertOk(response, 'ListOperatorType', 200);
    assert.equal(new Set(responses.map((response) => response.headers.get('twilio-request-id'))).size, 50);
  });

  test('JSON responses, errors included, are application/json; charset=utf-8', async () => {
    const paths: Array<[string, string | null]> = [
      ['/v2/Services', 'ListService'],
      ['/v2/OperatorTypes', 'ListOperatorType'],
      ['/v2/Operators', 'ListOperator'],
      ['/v2/Nope', null],
    ];
    for (const [path, operationId] of paths) {
      const response = await server.request('GET', path);
      assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8', path);
      if (operationId !== null) assertOk(response, operationId, 200);
    }
  });

  test('OPTIONS answers the preflight with 204 and no body, without credentials, on any route', async () => {
    const paths = ['/v2/Services', `/v2/Services/${randomSid('GA')}/Operators/${randomSid('LY')}`, '/v2/Operators/Custom', '/v2/Nope'];
    for (const path of paths) {
      const response = await server.request('OPTIONS', path, {
        auth: null,
        headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
      });
      assertNoContent(response);
      assertCommonHeaders(response);
    }
  });
});

describe('authentication', () => {
  const failures: Array<[string, () => Record<string, string>]> = [
    ['no Authorization header', () => ({})],
    ['a wrong auth token', () => ({ authorization: basic(server.account.sid, 'wrong-token') })],
    ['an unknown account', () => ({ authorization: basic(randomSid('AC'), server.account.secret) })],
    ['an empty password', () => ({ authorization: basic(server.account.sid, '') })],
    ['Basic credentials without a colon', () => ({ authorization: 'Basic ' + Buffer.from(server.account.sid).toString('base64') })],
    ['Basic credentials that are not base64', () => ({ authorization: 'Basic !!!not-base64!!!' })],
    ['the Basic scheme with nothing after it', () => ({ authorization: 'Basic' })],
    ['a Bearer token', () => ({ authorization: `Bearer ${server.account.secret}` })],
    ['a username that is not a SID', () => ({ authorization: basic('admin', server.account.secret) })],
    ['an unknown API key', () => ({ authorization: basic(randomSid('SK'), 'secret') })],
  ];
  for (const [name, headers] of failures) {
    test(`${name} answers 401 20003 with WWW-Authenticate: Basic realm="Twilio API"`, async () => {
      const response = await server.request('GET', '/v2/Services', { auth: null, headers: headers() });
      assertTwilioError(response, 401, 20003, 'Authenticate');
      assert.equal(response.headers.get('www-authenticate'), 'Basic realm="Twilio API"');
    });
  }

  test('a create without credentials answers 401 and creates nothing', async () => {
    const uniqueName = `unauthenticated-${randomSid('GA').slice(2, 12)}`;
    assertTwilioError(await server.request('POST', '/v2/Services', { form: { UniqueName: uniqueName }, auth: null }), 401, 20003);
    assertTwilioError(await server.request('GET', `/v2/Services/${uniqueName}`), 404, 20404);
  });

  test('every /v2 resource asks for credentials, the catalog included', async () => {
    for (const path of [
      '/v2/OperatorTypes',
      '/v2/Operators',
      '/v2/Operators/PreBuilt',
      `/v2/Operators/PreBuilt/${prebuiltSid('Summarization')}`,
    ]) {
      assertTwilioError(await server.request('GET', path, { auth: null }), 401, 20003);
    }
  });

  test('an API key authenticates and acts for its account', async () => {
    const key = await server.newApiKey(server.account.sid);
    const keyAuth = { username: key.sid, password: key.secret };
    const created = await createService(server, {}, keyAuth);
    assert.equal(created.account_sid, server.account.sid);
    assertOk(await server.request('GET', `/v2/Services/${created.sid}`), 'FetchService', 200);
    const custom = await createCustomOperator(server, { auth: keyAuth });
    assert.equal(custom.author, server.account.sid);
    await attach(server, created.sid, custom.sid);
  });

  test("an API key of another account cannot see this account's resources", async () => {
    const other = await server.newAccount();
    const key = await server.newApiKey(other.account.sid);
    const service = await createService(server);
    const response = await server.request('GET', `/v2/Services/${service.sid}`, { auth: { username: key.sid, password: key.secret } });
    assertTwilioError(response, 404, 20404);
  });

  test('an API key with a wrong secret answers 401', async () => {
    const key = await server.newApiKey(server.account.sid);
    const response = await server.request('GET', '/v2/Services', { auth: { username: key.sid, password: server.account.secret } });
    assertTwilioError(response, 401, 20003);
  });
});

describe('unknown paths and methods', () => {
  test('an unknown path answers 404 20404 naming it', async () => {
    assertTwilioError(await server.request('GET', '/v2/Nope'), 404, 20404, 'The requested resource /v2/Nope was not found');
  });

  const notAllowed: Array<[string, string]> = [
    ['PUT', '/v2/Services'],
    ['DELETE', '/v2/Services'],
    ['PATCH', `/v2/Services/${randomSid('GA')}`],
    ['DELETE', '/v2/Operators'],
    ['POST', '/v2/Operators'],
    ['POST', '/v2/OperatorTypes'],
    ['DELETE', `/v2/Operators/PreBuilt/${prebuiltSid('Summarization')}`],
    ['PUT', `/v2/Services/${randomSid('GA')}/Operators/${randomSid('LY')}`],
  ];
  for (const [method, path] of notAllowed) {
    test(`${method} ${path.replace(/[A-Z]{2}[0-9a-f]{32}/g, '{Sid}')} answers 405 20004`, async () => {
      assertTwilioError(await server.request(method, path), 405, 20004, new RegExp(method));
    });
  }

  test('a body over the limit answers 413 20413', async () => {
    const response = await server.request('POST', '/v2/Services', {
      form: { UniqueName: 'big', FriendlyName: 'x'.repeat(2 * 1024 * 1024) },
    });
    assertTwilioError(response, 413, 20413);
  });
});

describe('absolute URLs', () => {
  test("without PUBLIC_BASE_URL, URLs use the request's own Host", async () => {
    const host = 'intelligence.example.test:8443';
    const response = await server.request('POST', '/v2/Services', {
      form: { UniqueName: `host-${randomSid('GA').slice(2, 12)}` },
      headers: { host },
    });
    const body = assertOk(response, 'CreateService', 201);
    assert.equal(body.url, `http://${host}/v2/Services/${body.sid}`);
    const list = assertOk(await server.request('GET', '/v2/Services?PageSize=1', { headers: { host } }), 'ListService', 200);
    assert.ok(list.meta.url.startsWith(`http://${host}/v2/Services?`), list.meta.url);
  });

  describe('with PUBLIC_BASE_URL', () => {
    const base = 'https://intelligence.example.com';
    let publicServer: TestServer;
    before(async () => {
      publicServer = await startTestServer({ env: { PUBLIC_BASE_URL: `${base}/` } });
    });
    after(() => publicServer.close());

    test('every url and paging URL starts with PUBLIC_BASE_URL, whatever the Host', async () => {
      const service = await createService(publicServer);
      assert.equal(service.url, `${base}/v2/Services/${service.sid}`);
      const custom = await createCustomOperator(publicServer);
      assert.equal(custom.url, `${base}/v2/Operators/Custom/${custom.sid}`);
      const attachment = await attach(publicServer, service.sid, custom.sid);
      assert.equal(attachment.url, `${base}/v2/Services/${service.sid}/Operators/${custom.sid}`);
      await createService(publicServer);
      const lists: Array<[string, string]> = [
        ['/v2/Services?PageSize=1', 'ListService'],
        ['/v2/Operators?PageSize=1', 'ListOperator'],
        ['/v2/Operators/PreBuilt?PageSize=1', 'ListPrebuiltOperator'],
        ['/v2/OperatorTypes?PageSize=1', 'ListOperatorType'],
      ];
      for (const [path, operationId] of lists) {
        const body = assertOk(await publicServer.request('GET', path, { headers: { host: 'elsewhere.test' } }), operationId, 200);
        const key = body.meta.key;
        for (const url of [body.meta.url, body.meta.first_page_url, body.meta.next_page_url, body[key][0].url]) {
          assert.ok(url.startsWith(`${base}/v2/`), `${path}: ${url}`);
        }
      }
    });
  });
});
