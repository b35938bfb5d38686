// List answers sent again from memory (src/http/recent-answers.ts: the operator lists and a service's
// attachments): asked again with nothing changed, a list is the same; every change — a create,
// update, delete, attach or detach — shows at once; and each account, Host and URL has its own
// answer. The list of services (not remembered whole) is checked beside them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { assertNoContent, assertOk, type Auth, attach, createCustomOperator, createService, prebuiltSid } from './support.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const SUMMARIZATION = prebuiltSid('Summarization');
const SENTIMENT = prebuiltSid('Sentiment Analysis');

async function list(path: string, operationId: string, auth?: Auth, host?: string): Promise<any> {
  const response = await server.request('GET', path, { auth, headers: host === undefined ? {} : { host } });
  const body = assertOk(response, operationId, 200);
  assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(response.headers.get('content-length'), String(Buffer.byteLength(response.text)));
  assert.match(response.headers.get('twilio-request-id') ?? '', /^RQ[0-9a-f]{32}$/);
  return body;
}

const customNames = (body: any) =>
  body.operators.filter((operator: any) => operator.author !== 'twilio').map((operator: any) => operator.friendly_name);

describe('lists from memory', () => {
  test('two accounts asking the same URL each get their own custom operators, every time', async () => {
    const first = await server.newAccount();
    const second = await server.newAccount();
    await createCustomOperator(server, { friendlyName: 'first account', auth: first.auth });
    await createCustomOperator(server, { friendlyName: 'second account', auth: second.auth });
    for (let round = 0; round < 3; round++) {
      assert.deepEqual(customNames(await list('/v2/Operators?PageSize=100', 'ListOperator', first.auth)), ['first account']);
      assert.deepEqual(customNames(await list('/v2/Operators?PageSize=100', 'ListOperator', second.auth)), ['second account']);
    }
  });

  test('a custom operator created, updated or deleted shows in the lists at once', async () => {
    const { auth } = await server.newAccount();
    for (const path of ['/v2/Operators?PageSize=100', '/v2/Operators/Custom?PageSize=100']) {
      for (let i = 0; i < 2; i++)
        assert.deepEqual(
          customNames(await list(path, path.startsWith('/v2/Operators/Custom') ? 'ListCustomOperator' : 'ListOperator', auth)),
          [],
        );
    }
    const created = await createCustomOperator(server, { friendlyName: 'before', auth });
    assert.deepEqual(customNames(await list('/v2/Operators?PageSize=100', 'ListOperator', auth)), ['before']);
    assert.deepEqual(customNames(await list('/v2/Operators/Custom?PageSize=100', 'ListCustomOperator', auth)), ['before']);
    const updated = await server.request('POST', `/v2/Operators/Custom/${created.sid}`, {
      auth,
      form: { FriendlyName: 'after', Config: JSON.stringify({ prompt: 'Summarize the call' }) },
    });
    assertOk(updated, 'UpdateCustomOperator', 202);
    assert.deepEqual(customNames(await list('/v2/Operators?PageSize=100', 'ListOperator', auth)), ['after']);
    assert.deepEqual(customNames(await list('/v2/Operators/Custom?PageSize=100', 'ListCustomOperator', auth)), ['after']);
    assertNoContent(await server.request('DELETE', `/v2/Operators/Custom/${created.sid}`, { auth }));
    assert.deepEqual(customNames(await list('/v2/Operators?PageSize=100', 'ListOperator', auth)), []);
    assert.deepEqual(customNames(await list('/v2/Operators/Custom?PageSize=100', 'ListCustomOperator', auth)), []);
  });

  test('each Host and each URL has its own answer', async () => {
    const { auth } = await server.newAccount();
    for (let round = 0; round < 2; round++) {
      const here = await list('/v2/Operators/PreBuilt?PageSize=2', 'ListPrebuiltOperator', auth);
      const elsewhere = await list('/v2/Operators/PreBuilt?PageSize=2', 'ListPrebuiltOperator', auth, 'intelligence.example.test');
      const bigger = await list('/v2/Operators/PreBuilt?PageSize=3', 'ListPrebuiltOperator', auth);
      assert.equal(here.meta.url, `${server.url}/v2/Operators/PreBuilt?PageSize=2&Page=0`);
      assert.ok(here.operators.every((operator: any) => operator.url.startsWith(`${server.url}/`)));
      assert.equal(elsewhere.meta.url, 'http://intelligence.example.test/v2/Operators/PreBuilt?PageSize=2&Page=0');
      assert.ok(elsewhere.operators.every((operator: any) => operator.url.startsWith('http://intelligence.example.test/')));
      assert.equal(here.operators.length, 2);
      assert.equal(bigger.operators.length, 3);
    }
  });

  test('services and their attachments follow every update, attach and detach at once', async () => {
    const { auth } = await server.newAccount();
    const service = await createService(server, { FriendlyName: 'one' }, auth);
    const attachments = `/v2/Services/${service.sid}/Operators`;
    const names = async () => (await list('/v2/Services', 'ListService', auth)).services.map((listed: any) => listed.friendly_name);
    const attached = async () => (await list(attachments, 'FetchOperatorAttachments', auth)).operator_sids;
    for (let i = 0; i < 2; i++) {
      assert.deepEqual(await names(), ['one']);
      assert.deepEqual(await attached(), []);
    }
    assertOk(await server.request('POST', `/v2/Services/${service.sid}`, { auth, form: { FriendlyName: 'two' } }), 'UpdateService', 200);
    assert.deepEqual(await names(), ['two']);
    await attach(server, service.sid, SUMMARIZATION, auth);
    assert.deepEqual(await attached(), [SUMMARIZATION]);
    await attach(server, service.sid, SENTIMENT, auth);
    assert.deepEqual(await attached(), [SUMMARIZATION, SENTIMENT]);
    assert.deepEqual((await list('/v2/Services', 'ListService', auth)).services[0].read_only_attached_operator_sids, [
      SUMMARIZATION,
      SENTIMENT,
    ]);
    assertNoContent(await server.request('DELETE', `${attachments}/${SUMMARIZATION}`, { auth }));
    assert.deepEqual(await attached(), [SENTIMENT]);
    const elsewhere = await list(attachments, 'FetchOperatorAttachments', auth, 'intelligence.example.test');
    assert.deepEqual(elsewhere, {
      service_sid: service.sid,
      operator_sids: [SENTIMENT],
      url: `http://intelligence.example.test${attachments}`,
    });
    assertNoContent(await server.request('DELETE', `/v2/Services/${service.sid}`, { auth }));
    assert.deepEqual(await names(), []);
    assert.equal((await server.request('GET', attachments, { auth })).status, 404);
  });
});
