// Per-account rate limiting: X-Rate-Limit-* headers exactly where the spec lists them, 429 20429
// with Retry-After past the budget, one budget per account (shared by its API keys), nothing
// written by a refused request, and the official SDK with autoRetry riding through it.
import assert from 'node:assert/strict';
import { after, before, describe, mock, test } from 'node:test';
import twilio from 'twilio';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { operations } from '../helpers/spec.js';
import { storeMedia } from '../transcripts/http-support.js';
import { stageParts, transcriptWithResults } from '../helpers/transcripts.js';
import { createFixture, generativeConfig } from './fixture.js';
import { assertError } from './support.js';

type Auth = { username: string; password: string };

describe('rate limit headers', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { RATE_LIMIT_REQUESTS: '1000', RATE_LIMIT_WINDOW_SECONDS: '60' } });
  });
  after(() => server.close());

  test('X-Rate-Limit-* headers are sent on exactly the operations whose spec response lists them', async () => {
    const f = await createFixture(server);
    const form = { FriendlyName: 'Rate', OperatorType: 'Generative', Config: JSON.stringify(generativeConfig) };
    const scratchOperator = (await server.request('POST', '/v2/Operators/Custom', { form })).body.sid;
    const scratchService = (await server.request('POST', '/v2/Services', { form: { UniqueName: 'rate-scratch' } })).body.sid;
    const channel = JSON.stringify({ media_properties: { media_url: 'https://media.example.com/a.vtt' } });
    const transcriptSid = (await server.request('POST', '/v2/Transcripts', { form: { ServiceSid: f.serviceSid, Channel: channel } })).body
      .sid;
    const scratchTranscript = (await server.request('POST', '/v2/Transcripts', { form: { ServiceSid: f.serviceSid, Channel: channel } }))
      .body.sid;
    await storeMedia(server, transcriptSid, { bytes: Buffer.from('WEBVTT\n'), name: 'media.vtt', contentType: 'text/vtt' });
    const { transcript } = await transcriptWithResults(server.store, stageParts(server.store), {
      accountSid: server.account.sid,
      operatorSids: [f.prebuiltSid],
      fixture: 'neutral-hours',
    });
    const requests: Record<string, [string, string, Record<string, string>?]> = {
      CreateService: ['POST', '/v2/Services', { UniqueName: 'rate-create' }],
      ListService: ['GET', '/v2/Services'],
      FetchService: ['GET', `/v2/Services/${f.serviceSid}`],
      UpdateService: ['POST', `/v2/Services/${f.serviceSid}`, { FriendlyName: 'renamed' }],
      DeleteService: ['DELETE', `/v2/Services/${scratchService}`],
      CreateCustomOperator: ['POST', '/v2/Operators/Custom', form],
      ListCustomOperator: ['GET', '/v2/Operators/Custom'],
      FetchCustomOperator: ['GET', `/v2/Operators/Custom/${f.customOperatorSid}`],
      UpdateCustomOperator: ['POST', `/v2/Operators/Custom/${f.customOperatorSid}`, { FriendlyName: 'x', Config: form.Config }],
      DeleteCustomOperator: ['DELETE', `/v2/Operators/Custom/${scratchOperator}`],
      ListOperator: ['GET', '/v2/Operators'],
      FetchOperator: ['GET', `/v2/Operators/${f.prebuiltSid}`],
      ListPrebuiltOperator: ['GET', '/v2/Operators/PreBuilt'],
      FetchPrebuiltOperator: ['GET', `/v2/Operators/PreBuilt/${f.prebuiltSid}`],
      ListOperatorType: ['GET', '/v2/OperatorTypes'],
      FetchOperatorType: ['GET', `/v2/OperatorTypes/${f.operatorTypeSid}`],
      FetchOperatorAttachments: ['GET', `/v2/Services/${f.serviceSid}/Operators`],
      DeleteOperatorAttachment: ['DELETE', `/v2/Services/${f.serviceSid}/Operators/${f.prebuiltSid}`],
      CreateOperatorAttachment: ['POST', `/v2/Services/${f.serviceSid}/Operators/${f.prebuiltSid}`],
      CreateTranscript: ['POST', '/v2/Transcripts', { ServiceSid: f.serviceSid, Channel: channel }],
      ListTranscript: ['GET', '/v2/Transcripts'],
      FetchTranscript: ['GET', `/v2/Transcripts/${transcriptSid}`],
      DeleteTranscript: ['DELETE', `/v2/Transcripts/${scratchTranscript}`],
      ListSentence: ['GET', `/v2/Transcripts/${transcriptSid}/Sentences`],
      FetchMedia: ['GET', `/v2/Transcripts/${transcriptSid}/Media`],
      ListOperatorResult: ['GET', `/v2/Transcripts/${transcript.sid}/OperatorResults`],
      FetchOperatorResult: ['GET', `/v2/Transcripts/${transcript.sid}/OperatorResults/${f.prebuiltSid}`],
    };
    // Encrypted variants never succeed here (no transcript has an encryption credential).
    const unanswerable = /\/Encrypted$/;
    const implemented = [...operations].filter(([, { path }]) => !unanswerable.test(path)).map(([id]) => id);
    assert.deepEqual(Object.keys(requests).sort(), implemented.sort(), 'every implemented operation is checked');
    for (const [operationId, [method, path, body]] of Object.entries(requests)) {
      const response = await server.request(method, path, body === undefined ? {} : { form: body });
      assert.ok(response.status < 300, `${operationId}: ${response.status} ${response.text}`);
      const { operation } = operations.get(operationId)!;
      const listed = Object.values(operation.responses).some((r) => 'X-Rate-Limit-Limit' in ((r as { headers?: object }).headers ?? {}));
      for (const name of ['x-rate-limit-limit', 'x-rate-limit-remaining', 'x-rate-limit-config']) {
        assert.equal(response.headers.has(name), listed, `${operationId}: ${name} ${listed ? 'missing' : 'not listed by the spec'}`);
      }
      if (listed) assert.equal(response.headers.get('x-rate-limit-config'), '1000;w=60');
    }
  });
});

describe('rate limit of 5 requests per 2 s', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { RATE_LIMIT_REQUESTS: '5', RATE_LIMIT_WINDOW_SECONDS: '2' } });
    // The server's clock (Date) moves only when a test says: no window ends halfway through a test, however busy the machine.
    mock.timers.enable({ apis: ['Date'], now: Date.now() });
  });
  after(async () => {
    mock.timers.reset();
    await server.close();
  });

  const fresh = async (): Promise<Auth> => (await server.newAccount()).auth;

  test('X-Rate-Limit-Remaining counts down from the limit on GET /v2/Services', async () => {
    const auth = await fresh();
    for (let remaining = 4; remaining >= 0; remaining--) {
      const response = await server.request('GET', '/v2/Services', { auth });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('x-rate-limit-limit'), '5');
      assert.equal(response.headers.get('x-rate-limit-remaining'), String(remaining));
      assert.equal(response.headers.get('x-rate-limit-config'), '5;w=2');
    }
  });

  test('the sixth request in a window gets 429 20429 with Retry-After and changes nothing', async () => {
    const auth = await fresh();
    for (let i = 0; i < 5; i++) assert.equal((await server.request('GET', '/v2/Services', { auth })).status, 200);
    const refused = await server.request('POST', '/v2/Services', { auth, form: { UniqueName: 'over-the-limit' } });
    assertError(refused, 429, 20429, 'sixth request');
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.equal(retryAfter, 2, 'the whole window is left');
    assert.equal(refused.headers.get('x-rate-limit-remaining'), '0');
    mock.timers.tick(retryAfter * 1000 - 1);
    assertError(await server.request('GET', '/v2/Services', { auth }), 429, 20429, 'a millisecond before Retry-After');
    mock.timers.tick(1);
    const listed = await server.request('GET', '/v2/Services', { auth });
    assert.equal(listed.status, 200, 'the budget is back after Retry-After');
    assert.deepEqual(listed.body.services, [], 'the refused create wrote nothing');
  });

  test("another account has its own budget, and an API key spends its account's", async () => {
    const first = await server.newAccount();
    const key = await server.newApiKey(first.account.sid);
    const second = await fresh();
    for (let i = 0; i < 5; i++) assert.equal((await server.request('GET', '/v2/Operators', { auth: first.auth })).status, 200);
    assertError(await server.request('GET', '/v2/Operators', { auth: { username: key.sid, password: key.secret } }), 429, 20429, 'API key');
    assert.equal((await server.request('GET', '/v2/Operators', { auth: second })).status, 200);
  });

  test('attachment routes are counted but carry no X-Rate-Limit headers', async () => {
    const auth = await fresh();
    const service = (await server.request('POST', '/v2/Services', { auth, form: { UniqueName: 'limited' } })).body.sid;
    const attachments = `/v2/Services/${service}/Operators`;
    const sentiment = (await server.request('GET', '/v2/Operators/PreBuilt?PageSize=1', { auth })).body.operators[0].sid;
    for (const [method, path] of [
      ['POST', `${attachments}/${sentiment}`],
      ['GET', attachments],
      ['DELETE', `${attachments}/${sentiment}`],
    ] as const) {
      const response = await server.request(method, path, { auth });
      assert.ok(response.status < 300, response.text);
      assert.equal(response.headers.has('x-rate-limit-limit'), false, `${method} ${path}`);
    }
    assertError(await server.request('GET', attachments, { auth }), 429, 20429, 'sixth request, on an attachment route');
  });

  test('requests that fail authentication are not counted against the account', async () => {
    const other = await server.newAccount();
    for (let i = 0; i < 10; i++) {
      assertError(
        await server.request('GET', '/v2/Services', { auth: { username: other.account.sid, password: 'nope' } }),
        401,
        20003,
        'bad token',
      );
    }
    assert.equal((await server.request('GET', '/v2/Services', { auth: other.auth })).headers.get('x-rate-limit-remaining'), '4');
  });
});

describe('the twilio SDK under a rate limit', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { RATE_LIMIT_REQUESTS: '8', RATE_LIMIT_WINDOW_SECONDS: '1' } });
  });
  after(() => server.close());

  test('with autoRetry the SDK completes 20 calls despite 429s', async () => {
    const client = twilio(server.account.sid, server.account.secret, { autoRetry: true, maxRetries: 20, maxRetryDelay: 500 });
    client.intelligence.baseUrl = server.url;
    const created: string[] = [];
    for (let call = 0; call < 20; call++) {
      if (call % 2 === 0) created.push((await client.intelligence.v2.services.create({ uniqueName: `sdk-retry-${call}` })).sid);
      else await client.intelligence.v2.operatorType.list({ limit: 5 });
    }
    assert.equal(created.length, 10);
    const refusals = server.logs.filter((line) => line.includes('"status":429')).length;
    assert.ok(refusals > 0, 'the server refused some calls, so the SDK had to retry');
    const services = await client.intelligence.v2.services.list();
    assert.deepEqual(services.map((service) => service.sid).sort(), [...created].sort());
  });
});
