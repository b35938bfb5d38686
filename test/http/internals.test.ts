// Node's and Fastify's internals behind one door (src/http/internals.ts): the pinned versions have
// every one the server uses; a Node or Fastify without them (simulated here) gets the public path,
// answers exactly as before, and says so in one warning.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkInternals, foundInternals, type Found } from '../../src/http/internals.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { assertTwilioError, createService } from './support.js';

const CORS_ORIGIN = 'access-control-allow-origin';

test('the Node and Fastify installed have every internal the server uses, as expected', () => {
  const checked = checkInternals(foundInternals());
  assert.deepEqual(checked.missing, []);
  assert.notEqual(checked.requestClass, undefined);
  assert.notEqual(checked.replyHeaders, null);
  assert.notEqual(checked.lowerCaseHeaderNames, null);
});

test('each internal that is missing or not what is expected is named, and its public replacement chosen', () => {
  const found = foundInternals();
  const cases: Array<[string, Partial<Found>, RegExp]> = [
    ['no _dump', { dump: undefined }, /_dump/],
    ['no symbols', { symbols: {} }, /kReplyHeaders[\s\S]*kRouteContext/],
    ['a symbol of another name', { symbols: { ...(found.symbols as object), kReplyHeaders: Symbol('something else') } }, /kReplyHeaders/],
    ['no validation module', { validation: undefined }, /compileSchemasForValidation/],
    [
      'a compileSchemasForValidation that does not lowercase',
      {
        validation: {
          compileSchemasForValidation: (_context: unknown, compile: (route: unknown) => void) =>
            compile({ schema: {}, httpPart: 'headers' }),
        },
      },
      /compileSchemasForValidation/,
    ],
    [
      'a compileSchemasForValidation that throws',
      {
        validation: {
          compileSchemasForValidation: () => {
            throw new Error('changed');
          },
        },
      },
      /compileSchemasForValidation/,
    ],
  ];
  for (const [label, change, named] of cases) {
    const checked = checkInternals({ ...found, ...change });
    assert.equal(checked.missing.length, 1 + (label === 'no symbols' ? 1 : 0), label);
    assert.match(checked.missing.join('\n'), named, label);
  }
  const none = checkInternals({ dump: undefined, symbols: undefined, validation: undefined });
  assert.equal(none.requestClass, undefined);
  assert.equal(none.replyHeaders, null);
  assert.equal(none.lowerCaseHeaderNames, null);
});

describe('a server whose Node and Fastify lack every internal', () => {
  const missingAll = checkInternals({ dump: undefined, symbols: {}, validation: {} });
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ internals: missingAll, env: { RATE_LIMIT_REQUESTS: '1000', RATE_LIMIT_WINDOW_SECONDS: '60' } });
  });
  after(() => server.close());

  test('logs one warning naming them, once however many apps use them', async () => {
    const second = await startTestServer({ internals: missingAll });
    try {
      const warnings = [...server.logs, ...second.logs].filter(
        (line) => line.includes('"level":40') && line.includes('public API is used instead'),
      );
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.deepEqual(JSON.parse(warnings[0]!).missing, missingAll.missing);
    } finally {
      await second.close();
    }
  });

  test('answers with every common header, the rate-limit headers and the route template in its log line', async () => {
    const response = await server.request('GET', '/v2/Services');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get(CORS_ORIGIN), '*');
    assert.match(response.headers.get('twilio-request-id') ?? '', /^RQ[0-9a-f]{32}$/);
    assert.equal(response.headers.get('x-rate-limit-limit'), '1000');
    assert.equal(response.headers.get('x-rate-limit-remaining'), '999');
    assert.equal(response.headers.get('x-rate-limit-config'), '1000;w=60');
    const line = server.logs.find((logged) => logged.includes(response.headers.get('twilio-request-id')!));
    assert.match(line ?? '', /"route":"\/v2\/Services"/);
    const unknown = await server.request('GET', '/v2/Nothing');
    assertTwilioError(unknown, 404, 20404);
    assert.equal(unknown.headers.get(CORS_ORIGIN), '*');
  });

  test('validates with Fastify’s own compilers: If-Match in any case, and a missing parameter refused', async () => {
    const service = await createService(server);
    const stale = await server.request('POST', `/v2/Services/${service.sid}`, {
      form: { FriendlyName: 'x' },
      headers: { 'IF-MATCH': '"999"' },
    });
    assertTwilioError(stale, 412, 20412);
    const etag = (await server.request('GET', `/v2/Services/${service.sid}`)).headers.get('etag')!;
    const updated = await server.request('POST', `/v2/Services/${service.sid}`, {
      form: { FriendlyName: 'renamed' },
      headers: { 'If-Match': etag },
    });
    assert.equal(updated.status, 200, updated.text);
    const missing = await server.request('POST', '/v2/Services', { form: {} });
    assert.equal(missing.status, 400, missing.text);
    assert.match(missing.body.message, /UniqueName/);
  });
});
