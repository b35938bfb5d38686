import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  assertEveryField,
  assertNoContent,
  assertOk,
  assertTwilioError,
  attach,
  type Auth,
  createCustomOperator,
  createService,
  fetchService,
  ISO_SECONDS,
  operatorTypeSid,
  pause,
  prebuiltSid,
  validConfigs,
} from './support.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const customPath = (sid: string) => `/v2/Operators/Custom/${sid}`;

async function fetchCustom(sid: string, auth?: Auth) {
  return assertOk(await server.request('GET', customPath(sid), { auth }), 'FetchCustomOperator', 200);
}

describe('create', () => {
  test('create answers 202 with ETag "1", version 1, the account as author, availability public and config as an object', async () => {
    const config = { prompt: 'Summarize the call', examples: [{ input: 'Hi, my order is late', output: 'Late order' }] };
    const response = await server.request('POST', '/v2/Operators/Custom', {
      form: { FriendlyName: 'Call summary', OperatorType: 'Generative', Config: JSON.stringify(config) },
    });
    const body = assertOk(response, 'CreateCustomOperator', 202);
    assertEveryField('intelligence.v2.custom_operator', body);
    assert.equal(response.headers.get('etag'), '"1"');
    assert.match(body.sid, /^LY[0-9a-f]{32}$/);
    assert.equal(body.account_sid, server.account.sid);
    assert.equal(body.author, server.account.sid);
    assert.equal(body.friendly_name, 'Call summary');
    assert.equal(body.description, null);
    assert.equal(body.operator_type, 'Generative');
    assert.equal(body.version, 1);
    assert.equal(body.availability, 'public');
    assert.deepEqual(body.config, config);
    assert.match(body.date_created, ISO_SECONDS);
    assert.equal(body.date_updated, body.date_created);
    assert.equal(body.url, `${server.url}/v2/Operators/Custom/${body.sid}`);
  });

  for (const operatorType of Object.keys(validConfigs)) {
    test(`create accepts a valid ${operatorType} config and returns it unchanged`, async () => {
      const body = await createCustomOperator(server, { operatorType });
      assert.equal(body.operator_type, operatorType);
      assert.deepEqual(body.config, validConfigs[operatorType]);
    });
  }

  test('create accepts the operator type by its EY SID and answers its name', async () => {
    const body = await createCustomOperator(server, { operatorType: 'LiteralSpot' });
    const bySid = await server.request('POST', '/v2/Operators/Custom', {
      form: { FriendlyName: 'by sid', OperatorType: operatorTypeSid('LiteralSpot'), Config: JSON.stringify(validConfigs.LiteralSpot) },
    });
    assert.equal(assertOk(bySid, 'CreateCustomOperator', 202).operator_type, body.operator_type);
  });

  test('a FriendlyName of 64 characters is accepted', async () => {
    assert.equal((await createCustomOperator(server, { friendlyName: 'x'.repeat(64) })).friendly_name, 'x'.repeat(64));
  });
});

describe('list and fetch', () => {
  test("list answers only the account's custom operators, oldest first", async () => {
    const { auth } = await server.newAccount();
    const first = await createCustomOperator(server, { operatorType: 'LiteralSpot', auth });
    await pause();
    const second = await createCustomOperator(server, { operatorType: 'Generative', auth });
    await createCustomOperator(server);
    const body = assertOk(await server.request('GET', '/v2/Operators/Custom', { auth }), 'ListCustomOperator', 200);
    assert.deepEqual(body.operators, [first, second]);
    assert.equal(body.meta.key, 'operators');
  });

  test('list filters by Availability and LanguageCode', async () => {
    const { auth } = await server.newAccount();
    const custom = await createCustomOperator(server, { auth });
    const list = async (query: string) =>
      assertOk(await server.request('GET', `/v2/Operators/Custom?${query}`, { auth }), 'ListCustomOperator', 200).operators;
    assert.deepEqual(await list('Availability=public'), [custom]);
    assert.deepEqual(await list('Availability=retired'), []);
    assert.deepEqual(await list('LanguageCode=es-MX'), [custom]);
    assert.deepEqual(await list('LanguageCode=xx-XX'), []);
    assertTwilioError(await server.request('GET', '/v2/Operators/Custom?Availability=nonsense', { auth }), 400, 20422, /Availability/);
  });

  test('fetch answers the operator as created, with its ETag', async () => {
    const custom = await createCustomOperator(server, { operatorType: 'GenerativeJSON' });
    const response = await server.request('GET', customPath(custom.sid));
    assert.deepEqual(assertOk(response, 'FetchCustomOperator', 200), custom);
    assert.equal(response.headers.get('etag'), '"1"');
  });

  const sid = 'LY' + 'a'.repeat(32);
  const unknown: Array<[string, string]> = [
    ['an unknown SID', sid],
    ['a pre-built operator SID', prebuiltSid('Summarization')],
    ['a SID of 33 characters', sid.slice(0, 33)],
    ['a SID of 35 characters', sid + 'a'],
    ['a lower-case prefix', 'ly' + 'a'.repeat(32)],
  ];
  for (const [name, value] of unknown) {
    test(`fetch, update and delete answer 404 20404 for ${name}`, async () => {
      const path = customPath(value);
      assertTwilioError(await server.request('GET', path), 404, 20404, `The requested resource ${path} was not found`);
      const form = { FriendlyName: 'x', Config: JSON.stringify(validConfigs.Generative) };
      assertTwilioError(await server.request('POST', path, { form }), 404, 20404);
      assertTwilioError(await server.request('DELETE', path), 404, 20404);
    });
  }
});

describe('update', () => {
  test('update answers 202 with the new FriendlyName and Config, version 2 and ETag "2"', async () => {
    const custom = await createCustomOperator(server, { operatorType: 'LiteralSpot' });
    const config = { phrase_sets: [{ name: 'cancel', phrases: ['cancel my account'], match: 'fuzzy' }] };
    const response = await server.request('POST', customPath(custom.sid), {
      form: { FriendlyName: 'Renamed', Config: JSON.stringify(config) },
    });
    const updated = assertOk(response, 'UpdateCustomOperator', 202);
    assert.equal(response.headers.get('etag'), '"2"');
    assert.deepEqual(updated, { ...custom, friendly_name: 'Renamed', config, version: 2, date_updated: updated.date_updated });
    assert.ok(updated.date_updated >= custom.date_updated);
    assert.deepEqual(await fetchCustom(custom.sid), updated);
  });

  test('every list shows an update at once, each with its own URLs for the Host it was asked on', async () => {
    const custom = await createCustomOperator(server, { operatorType: 'LiteralSpot' });
    const listed = async (path: string, host?: string) => {
      const response = await server.request('GET', `${path}?PageSize=1000`, { headers: host === undefined ? {} : { host } });
      return assertOk(response, path === '/v2/Operators' ? 'ListOperator' : 'ListCustomOperator', 200).operators.find(
        (operator: { sid: string }) => operator.sid === custom.sid,
      );
    };
    // Listed (and so remembered) before the update, on both lists and under a second Host.
    assert.deepEqual(await listed('/v2/Operators'), { ...custom, url: `${server.url}/v2/Operators/${custom.sid}` });
    assert.deepEqual(await listed('/v2/Operators/Custom'), custom);
    assert.equal((await listed('/v2/Operators', 'other.example:8080')).url, `http://other.example:8080/v2/Operators/${custom.sid}`);

    const config = { phrase_sets: [{ name: 'cancel', phrases: ['cancel my account'], match: 'fuzzy' }] };
    const updated = assertOk(
      await server.request('POST', customPath(custom.sid), { form: { FriendlyName: 'Renamed again', Config: JSON.stringify(config) } }),
      'UpdateCustomOperator',
      202,
    );
    assert.deepEqual(await listed('/v2/Operators/Custom'), updated);
    assert.deepEqual(await listed('/v2/Operators'), { ...updated, url: `${server.url}/v2/Operators/${custom.sid}` });
    assert.equal((await listed('/v2/Operators', 'other.example:8080')).friendly_name, 'Renamed again');
  });

  test('update cannot change the operator type: OperatorType is ignored and Config is checked against the current type', async () => {
    const custom = await createCustomOperator(server, { operatorType: 'Generative' });
    const keepsType = await server.request('POST', customPath(custom.sid), {
      form: { FriendlyName: 'Same type', OperatorType: 'LiteralSpot', Config: JSON.stringify({ prompt: 'Another prompt' }) },
    });
    assert.equal(assertOk(keepsType, 'UpdateCustomOperator', 202).operator_type, 'Generative');
    const before = await fetchCustom(custom.sid);
    const otherTypesConfig = await server.request('POST', customPath(custom.sid), {
      form: { FriendlyName: 'Other', OperatorType: 'LiteralSpot', Config: JSON.stringify(validConfigs.LiteralSpot) },
    });
    assertTwilioError(otherTypesConfig, 400, 20422, /Config/);
    assert.deepEqual(await fetchCustom(custom.sid), before);
  });

  const missing: Array<[string, Record<string, string>, RegExp]> = [
    ['a missing FriendlyName', { Config: JSON.stringify({ prompt: 'p' }) }, /FriendlyName/],
    ['a missing Config', { FriendlyName: 'No config' }, /Config/],
    ['a FriendlyName of 65 characters', { FriendlyName: 'f'.repeat(65), Config: JSON.stringify({ prompt: 'p' }) }, /FriendlyName/],
    ['an empty FriendlyName', { FriendlyName: '', Config: JSON.stringify({ prompt: 'p' }) }, /FriendlyName/],
    ['a Config that is not JSON', { FriendlyName: 'Bad', Config: '{prompt:' }, /Config/],
    ['a Config invalid for the type', { FriendlyName: 'Bad', Config: JSON.stringify({ prompt: '' }) }, /Config\/prompt/],
  ];
  for (const [name, form, message] of missing) {
    test(`update answers 400 20422 for ${name} and changes nothing`, async () => {
      const custom = await createCustomOperator(server);
      assertTwilioError(await server.request('POST', customPath(custom.sid), { form }), 400, 20422, message);
      assert.deepEqual(await fetchCustom(custom.sid), custom);
    });
  }
});

describe('delete', () => {
  test('delete answers 204, then the operator is 404 on every path', async () => {
    const custom = await createCustomOperator(server);
    const service = await createService(server);
    assertNoContent(await server.request('DELETE', customPath(custom.sid)));
    assertTwilioError(await server.request('GET', customPath(custom.sid)), 404, 20404);
    assertTwilioError(await server.request('GET', `/v2/Operators/${custom.sid}`), 404, 20404);
    assertTwilioError(
      await server.request('POST', customPath(custom.sid), { form: { FriendlyName: 'x', Config: '{"prompt":"p"}' } }),
      404,
      20404,
    );
    assertTwilioError(await server.request('DELETE', customPath(custom.sid)), 404, 20404);
    assertTwilioError(await server.request('POST', `/v2/Services/${service.sid}/Operators/${custom.sid}`), 404, 20404);
    assert.deepEqual(await fetchService(server, service.sid), service);
  });

  test('delete while attached answers 409 20409 naming the services, and works once detached', async () => {
    const custom = await createCustomOperator(server);
    const first = await createService(server);
    const second = await createService(server);
    await attach(server, first.sid, custom.sid);
    await attach(server, second.sid, custom.sid);
    const refused = await server.request('DELETE', customPath(custom.sid));
    assertTwilioError(refused, 409, 20409);
    assert.ok(refused.body.message.includes(first.sid) && refused.body.message.includes(second.sid), refused.body.message);
    assert.deepEqual(refused.body.details.service_sids, [first.sid, second.sid]);
    assert.deepEqual(await fetchCustom(custom.sid), custom);
    assertNoContent(await server.request('DELETE', `/v2/Services/${first.sid}/Operators/${custom.sid}`));
    assertTwilioError(await server.request('DELETE', customPath(custom.sid)), 409, 20409, new RegExp(second.sid));
    assertNoContent(await server.request('DELETE', `/v2/Services/${second.sid}/Operators/${custom.sid}`));
    assertNoContent(await server.request('DELETE', customPath(custom.sid)));
  });
});

describe("another account's custom operator", () => {
  async function theirOperator() {
    const owner = await server.newAccount();
    const custom = await createCustomOperator(server, { auth: owner.auth });
    return { owner, custom };
  }

  test('fetch answers 404 exactly like an unknown SID', async () => {
    const { custom } = await theirOperator();
    const path = customPath(custom.sid);
    assertTwilioError(await server.request('GET', path), 404, 20404, `The requested resource ${path} was not found`);
  });

  test("update answers 404 and the owner's operator is unchanged", async () => {
    const { owner, custom } = await theirOperator();
    const form = { FriendlyName: 'hijacked', Config: JSON.stringify({ prompt: 'hijacked' }) };
    assertTwilioError(await server.request('POST', customPath(custom.sid), { form }), 404, 20404);
    assert.deepEqual(await fetchCustom(custom.sid, owner.auth), custom);
  });

  test("delete answers 404 and the owner's operator remains", async () => {
    const { owner, custom } = await theirOperator();
    assertTwilioError(await server.request('DELETE', customPath(custom.sid)), 404, 20404);
    assert.deepEqual(await fetchCustom(custom.sid, owner.auth), custom);
  });

  test('attach to my service answers 404 and my service is unchanged', async () => {
    const { owner, custom } = await theirOperator();
    const service = await createService(server);
    assertTwilioError(await server.request('POST', `/v2/Services/${service.sid}/Operators/${custom.sid}`), 404, 20404);
    assert.deepEqual(await fetchService(server, service.sid), service);
    assertNoContent(await server.request('DELETE', customPath(custom.sid), { auth: owner.auth }));
  });
});
