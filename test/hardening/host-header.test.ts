// Issue 28, item 10: without PUBLIC_BASE_URL every URL in an answer is built from the Host header,
// so `Host: evil.example.com/x?y=` pointed them elsewhere and a 12 KB Host turned a 545 KB page into
// 12.6 MB. Only a syntactically valid host[:port] is accepted; anything else is 400 20422.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isValidHostHeader } from '../../src/http/urls.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { assertError, basicAuth, rawHttp } from './support.js';

const validHosts = [
  'localhost',
  'localhost:4010',
  '127.0.0.1:80',
  '[::1]:8080',
  '[2001:db8::1]',
  'intelligence.example.com.',
  'my_service:65535',
  'a'.repeat(253),
];
const invalidHosts = [
  'evil.example.com/x?y=',
  'evil.example.com#',
  'user@evil.example.com',
  'evil.example.com:80:81',
  'localhost:65536',
  'localhost:',
  'a'.repeat(12 * 1024),
  'a'.repeat(254),
  '[::1',
  '-leading-dash',
  'white space',
  '"quoted"',
  '<script>',
];

describe('Host header syntax', () => {
  for (const host of validHosts)
    test(`accepts ${host.length > 40 ? `${host.length} characters` : host}`, () => assert.ok(isValidHostHeader(host)));
  for (const host of invalidHosts)
    test(`refuses ${host.length > 40 ? `${host.length} characters` : host}`, () => assert.ok(!isValidHostHeader(host)));
});

describe('a hostile Host header', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const get = (host: string) =>
    rawHttp(
      server.url,
      `GET /v2/Operators/PreBuilt HTTP/1.1\r\nHost: ${host}\r\nAuthorization: ${basicAuth(server.auth.username, server.auth.password)}\r\nConnection: close\r\n\r\n`,
    );

  for (const host of ['evil.example.com/x?y=', 'a'.repeat(12 * 1024)]) {
    test(`${host.length > 40 ? `a ${host.length}-character Host` : host} is refused 400 20422 and not echoed`, async () => {
      const response = await get(host);
      assertError(response, 400, 20422, host.slice(0, 40));
      assert.match(response.text, /Invalid Host header/);
      assert.ok(!response.text.includes(host), response.text);
    });
  }

  test('a valid Host names the URLs, page by page', async () => {
    const response = await get('intelligence.example.test:8443');
    assert.equal(response.status, 200, response.text);
    const body = JSON.parse(response.text);
    assert.ok(body.meta.url.startsWith('http://intelligence.example.test:8443/v2/Operators/PreBuilt'), body.meta.url);
  });
});
