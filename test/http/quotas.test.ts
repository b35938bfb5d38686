// Per-account quotas on services and custom operators: answered as Twilio answers a resource limit
// (400, 21102 for Services, 59200 for other resources), per account. Racing creates across two
// servers over one database: test/hardening/quota-race-store.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import twilio from 'twilio';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { assertTwilioError, uniqueName, validConfigs, type Auth } from './support.js';

const MAX_SERVICES = 3;
const MAX_CUSTOM_OPERATORS = 2;

let server: TestServer;
before(async () => {
  const env = { MAX_SERVICES_PER_ACCOUNT: String(MAX_SERVICES), MAX_CUSTOM_OPERATORS_PER_ACCOUNT: String(MAX_CUSTOM_OPERATORS) };
  server = await startTestServer({ env });
});
after(() => server.close());

const createService = (target: TestServer, auth: Auth) =>
  target.request('POST', '/v2/Services', { auth, form: { UniqueName: uniqueName('quota') } });
const createCustomOperator = (target: TestServer, auth: Auth) =>
  target.request('POST', '/v2/Operators/Custom', {
    auth,
    form: { FriendlyName: 'Quota', OperatorType: 'Generative', Config: JSON.stringify(validConfigs.Generative) },
  });

async function counts(auth: Auth) {
  const services = await server.request('GET', '/v2/Services?PageSize=1000', { auth });
  const operators = await server.request('GET', '/v2/Operators/Custom?PageSize=1000', { auth });
  assert.equal(services.status, 200, services.text);
  assert.equal(operators.status, 200, operators.text);
  return { services: services.body.services.length, customOperators: operators.body.operators.length };
}

describe('service quota', () => {
  test('the service past MAX_SERVICES_PER_ACCOUNT is refused with 400 21102 and not created', async () => {
    const { auth } = await server.newAccount();
    for (let i = 0; i < MAX_SERVICES; i++) assert.equal((await createService(server, auth)).status, 201);
    const refused = await createService(server, auth);
    assertTwilioError(
      refused,
      400,
      21102,
      `Reached maximum number of Services: this account has ${MAX_SERVICES}, the most it may have; delete Services it no longer needs`,
    );
    assert.equal(refused.body.details.limit, MAX_SERVICES);
    assert.deepEqual(await counts(auth), { services: MAX_SERVICES, customOperators: 0 });
  });

  test('the quota is per account: a full account does not limit another', async () => {
    const full = await server.newAccount();
    for (let i = 0; i < MAX_SERVICES; i++) assert.equal((await createService(server, full.auth)).status, 201);
    const other = await server.newAccount();
    assert.equal((await createService(server, other.auth)).status, 201);
  });

  test('deleting a service makes room for one more', async () => {
    const { auth } = await server.newAccount();
    const sids: string[] = [];
    for (let i = 0; i < MAX_SERVICES; i++) sids.push((await createService(server, auth)).body.sid);
    assertTwilioError(await createService(server, auth), 400, 21102);
    assert.equal((await server.request('DELETE', `/v2/Services/${sids[0]}`, { auth })).status, 204);
    assert.equal((await createService(server, auth)).status, 201);
    assertTwilioError(await createService(server, auth), 400, 21102);
  });

  test('a unique name already taken is still 409 while under the quota', async () => {
    const { auth } = await server.newAccount();
    const form = { UniqueName: uniqueName('taken') };
    assert.equal((await server.request('POST', '/v2/Services', { auth, form })).status, 201);
    assertTwilioError(await server.request('POST', '/v2/Services', { auth, form }), 409, 20409);
    assert.deepEqual(await counts(auth), { services: 1, customOperators: 0 });
  });

  test('the twilio SDK sees a RestException with status 400 and code 21102', async () => {
    const { account, auth } = await server.newAccount();
    for (let i = 0; i < MAX_SERVICES; i++) assert.equal((await createService(server, auth)).status, 201);
    const client = twilio(account.sid, account.secret);
    client.intelligence.baseUrl = server.url;
    await assert.rejects(client.intelligence.v2.services.create({ uniqueName: uniqueName('sdk') }), (error: unknown) => {
      assert.equal((error as Error).constructor.name, 'RestException');
      const { status, code, moreInfo } = error as { status: number; code: number; moreInfo: string };
      assert.deepEqual({ status, code, moreInfo }, { status: 400, code: 21102, moreInfo: 'https://www.twilio.com/docs/errors/21102' });
      return true;
    });
  });
});

describe('custom operator quota', () => {
  test('the custom operator past MAX_CUSTOM_OPERATORS_PER_ACCOUNT is refused with 400 59200 and not created', async () => {
    const { auth } = await server.newAccount();
    for (let i = 0; i < MAX_CUSTOM_OPERATORS; i++) assert.equal((await createCustomOperator(server, auth)).status, 202);
    const refused = await createCustomOperator(server, auth);
    assertTwilioError(
      refused,
      400,
      59200,
      `Reached maximum number of Custom Operators: this account has ${MAX_CUSTOM_OPERATORS}, the most it may have; delete Custom Operators it no longer needs`,
    );
    assert.deepEqual(await counts(auth), { services: 0, customOperators: MAX_CUSTOM_OPERATORS });
    // Services are counted apart.
    assert.equal((await createService(server, auth)).status, 201);
  });

  test('deleting a custom operator makes room for one more', async () => {
    const { auth } = await server.newAccount();
    const first = await createCustomOperator(server, auth);
    for (let i = 1; i < MAX_CUSTOM_OPERATORS; i++) assert.equal((await createCustomOperator(server, auth)).status, 202);
    assertTwilioError(await createCustomOperator(server, auth), 400, 59200);
    assert.equal((await server.request('DELETE', `/v2/Operators/Custom/${first.body.sid}`, { auth })).status, 204);
    assert.equal((await createCustomOperator(server, auth)).status, 202);
  });
});

test('a quota outside 1 to 1,000,000 stops the start with one clear line', async () => {
  const { loadConfig } = await import('../../src/config.js');
  assert.throws(() => loadConfig({ MAX_SERVICES_PER_ACCOUNT: '0' }), /MAX_SERVICES_PER_ACCOUNT must be a whole number from 1 to 1000000/);
  assert.throws(() => loadConfig({ MAX_CUSTOM_OPERATORS_PER_ACCOUNT: 'lots' }), /MAX_CUSTOM_OPERATORS_PER_ACCOUNT must be/);
  assert.deepEqual([loadConfig({}).maxServicesPerAccount, loadConfig({}).maxCustomOperatorsPerAccount], [10_000, 10_000]);
});
