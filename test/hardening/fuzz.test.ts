// Property-based fuzzing: random methods, paths under /v2 (real segments, real SIDs and junk),
// query strings and form bodies. Whatever arrives, the server never answers 5xx, never falls over,
// and every error is a Twilio error body. The seed is printed, so a failure can be replayed with
// FUZZ_SEED=<seed> (and FUZZ_RUNS / FUZZ_SECONDS to change the budget).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { catalogSid } from '../../src/catalog/sids.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { createFixture, type Fixture } from './fixture.js';
import { assertTwilioErrorBody } from './support.js';

const seed = Number(process.env.FUZZ_SEED ?? 20261127);
const runs = Number(process.env.FUZZ_RUNS ?? 2000);
const seconds = Number(process.env.FUZZ_SECONDS ?? 20);

let server: TestServer;
let fixture: Fixture;
let other: { username: string; password: string };

before(async () => {
  server = await startTestServer();
  fixture = await createFixture(server);
  other = (await server.newAccount()).auth;
});
after(() => server.close());

/** Percent-encodes the UTF-8 bytes (a lone surrogate becomes U+FFFD, as any client would send it). */
const encode = (text: string) =>
  [...Buffer.from(text, 'utf8')]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /^[A-Za-z0-9_.~-]$/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');

/** Text a client might send: printable, unicode, control characters, SID-like, JSON-like. */
const junk = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', ' ', '..', '.', '%', '%00', 'null', 'true', 'TRUE', 'false', '-1', '0', '1e9', '{}', '[]', '{"prompt":"x"}'),
  fc.tuple(fc.constantFrom('GA', 'LY', 'EY', 'ga', 'SK', 'AC'), fc.stringMatching(/^[0-9a-fA-F]{30,34}$/)).map(([p, h]) => p + h),
);

/** A path segment as it goes on the wire: mostly percent-encoded, sometimes raw escapes. */
const segment = () =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('Services', 'Operators', 'PreBuilt', 'Custom', 'OperatorTypes') },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        fixture.serviceSid,
        fixture.customOperatorSid,
        fixture.prebuiltSid,
        fixture.operatorTypeSid,
        fixture.serviceUniqueName,
        catalogSid('LY', 'Summarization'),
        'Generative',
      ),
    },
    { weight: 3, arbitrary: junk.map(encode) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%Z', '%FF', '%C0%AF', '%2F', '%2e%2e', '%00', '%0D%0A', '') },
  );

const routeShapes = [
  ['Services'],
  ['Services', ':1'],
  ['Services', ':1', 'Operators'],
  ['Services', ':1', 'Operators', ':2'],
  ['Operators'],
  ['Operators', ':1'],
  ['Operators', 'PreBuilt'],
  ['Operators', 'PreBuilt', ':1'],
  ['Operators', 'Custom'],
  ['Operators', 'Custom', ':1'],
  ['OperatorTypes'],
  ['OperatorTypes', ':1'],
];

const formValue = fc.oneof(
  junk,
  fc.constantFrom(
    'true',
    'false',
    'en-US',
    'fr-FR',
    'GET',
    'POST',
    'https://example.com/h',
    'Generative',
    'GenerativeJSON',
    JSON.stringify({ prompt: 'x' }),
  ),
);
const parameterName = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'UniqueName',
      'FriendlyName',
      'LanguageCode',
      'AutoTranscribe',
      'DataLogging',
      'AutoRedaction',
      'MediaRedaction',
      'WebhookUrl',
      'WebhookHttpMethod',
      'EncryptionCredentialSid',
      'OperatorType',
      'Config',
      'PageSize',
      'Page',
      'PageToken',
      'Availability',
    ),
  },
  { weight: 1, arbitrary: junk },
);
const fields = fc.array(fc.tuple(parameterName, formValue), { maxLength: 8 });
const encodeFields = (pairs: Array<[string, string]>) => pairs.map(([name, value]) => `${encode(name)}=${encode(value)}`).join('&');

const request = () =>
  fc.record({
    method: fc.constantFrom('GET', 'GET', 'POST', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND'),
    segments: fc.oneof(
      fc.array(segment(), { minLength: 0, maxLength: 5 }),
      // The shape of a real route with random parameters, so requests reach the handlers.
      fc
        .tuple(fc.constantFrom(...routeShapes), segment(), segment())
        .map(([shape, first, second]) => shape.map((part) => (part === ':1' ? first : part === ':2' ? second : part))),
    ),
    query: fc.oneof(
      fc.constant(''),
      fields.map(encodeFields),
      junk.map((text) => text.replace(/[^\x21-\x7e]+/g, encode)),
    ),
    body: fc.oneof(
      fc.constant(undefined),
      fields.map(encodeFields),
      fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
    ),
    contentType: fc.oneof(
      { weight: 5, arbitrary: fc.constant('application/x-www-form-urlencoded') },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          'application/json',
          'text/plain',
          'multipart/form-data',
          'application/x-www-form-urlencoded; charset=latin1',
        ),
      },
    ),
    who: fc.constantFrom('owner', 'owner', 'owner', 'other', 'nobody', 'wrong'),
  });

test('random requests never get a 5xx or a non-Twilio error, and the process keeps answering', async (t) => {
  t.diagnostic(`fuzz seed ${seed} (FUZZ_SEED), at most ${runs} runs or ${seconds} s`);
  const statuses = new Map<number, number>();
  let iterations = 0;
  const property = fc.asyncProperty(request(), async (r) => {
    iterations++;
    const path = '/v2/' + r.segments.join('/') + (r.query === '' ? '' : `?${r.query}`);
    const auth =
      r.who === 'owner'
        ? undefined
        : r.who === 'other'
          ? other
          : r.who === 'nobody'
            ? null
            : { username: fixture.accountSid, password: 'wrong' };
    // node:http frames no body on GET, HEAD, DELETE…: without a Content-Length the bytes would
    // reach the server as a second request.
    const headers: Record<string, string> =
      r.body === undefined ? {} : { 'content-type': r.contentType, 'content-length': String(Buffer.byteLength(r.body)) };
    const response = await server.request(r.method, path, { body: r.body, headers, auth });
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    const context = `${r.method} ${path}`;
    assert.ok(response.status < 500, `${context} answered ${response.status}: ${response.text.slice(0, 300)}`);
    if (response.status >= 400 && r.method !== 'HEAD') assertTwilioErrorBody(response.status, response.text, context);
    assert.match(response.headers.get('twilio-request-id') ?? '', /^RQ[0-9a-f]{32}$/, context);
  });
  await fc.assert(property, { seed, numRuns: runs, interruptAfterTimeLimit: seconds * 1000, markInterruptAsFailure: false });
  t.diagnostic(`fuzz iterations: ${iterations}; statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
  assert.ok(iterations >= Math.min(runs, 200), `only ${iterations} iterations ran`);

  const alive = await server.request('GET', `/v2/Services/${fixture.serviceSid}/Operators`);
  assert.ok(alive.status === 200 || alive.status === 404, `the server no longer answers: ${alive.status} ${alive.text}`);
  assert.equal((await server.request('GET', '/v2/OperatorTypes')).status, 200);
});
