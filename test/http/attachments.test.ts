// Attaching operators to services: POST/DELETE /v2/Services/{ServiceSid}/Operators/{OperatorSid}
// and GET /v2/Services/{ServiceSid}/Operators.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  assertNoContent,
  assertOk,
  assertTwilioError,
  attach,
  createCustomOperator,
  createService,
  fetchService,
  prebuiltSid,
  randomSid,
} from './support.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const SUMMARIZATION = prebuiltSid('Summarization');
const SENTIMENT = prebuiltSid('Sentiment Analysis');
const AGENT_INTRODUCTION = prebuiltSid('Agent Introduction');
const ENTITY_RECOGNITION = prebuiltSid('Entity Recognition');
const RETIRED = prebuiltSid('Sentiment Analysis (Legacy)');

const attachmentPath = (serviceSid: string, operatorSid: string) => `/v2/Services/${serviceSid}/Operators/${operatorSid}`;

async function attachedOperatorSids(serviceSid: string): Promise<string[]> {
  const body = assertOk(await server.request('GET', `/v2/Services/${serviceSid}/Operators`), 'FetchOperatorAttachments', 200);
  assert.equal(body.service_sid, serviceSid);
  assert.equal(body.url, `${server.url}/v2/Services/${serviceSid}/Operators`);
  return body.operator_sids;
}

describe('attach, list and detach', () => {
  test('attach answers 202 {service_sid, operator_sid, url} and bumps the service version', async () => {
    const service = await createService(server);
    const body = await attach(server, service.sid, SUMMARIZATION);
    assert.deepEqual(body, {
      service_sid: service.sid,
      operator_sid: SUMMARIZATION,
      url: `${server.url}${attachmentPath(service.sid, SUMMARIZATION)}`,
    });
    const after = await fetchService(server, service.sid);
    assert.equal(after.version, 2);
    assert.deepEqual(after.read_only_attached_operator_sids, [SUMMARIZATION]);
  });

  test('re-attaching an attached operator is a no-op that answers 202 with the same body', async () => {
    const service = await createService(server);
    const first = await attach(server, service.sid, SUMMARIZATION);
    const again = await attach(server, service.sid, SUMMARIZATION);
    assert.deepEqual(again, first);
    const after = await fetchService(server, service.sid);
    assert.equal(after.version, 2);
    assert.deepEqual(after.read_only_attached_operator_sids, [SUMMARIZATION]);
  });

  test('re-attaches answered from memory carry their own service, operator and Host, with every header', async () => {
    const first = await createService(server);
    const second = await createService(server);
    for (const service of [first, second]) {
      for (const operator of [SUMMARIZATION, SENTIMENT]) await attach(server, service.sid, operator);
    }
    const expected = (host: string, serviceSid: string, operatorSid: string) => ({
      service_sid: serviceSid,
      operator_sid: operatorSid,
      url: `${host}${attachmentPath(serviceSid, operatorSid)}`,
    });
    // Each asked three times: the first re-attach reads, the later ones are answered from memory.
    for (let round = 0; round < 3; round++) {
      for (const service of [first, second]) {
        for (const operator of [SUMMARIZATION, SENTIMENT]) {
          const response = await server.request('POST', attachmentPath(service.sid, operator));
          assert.deepEqual(assertOk(response, 'CreateOperatorAttachment', 202), expected(server.url, service.sid, operator));
          assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
          assert.equal(response.headers.get('content-length'), String(Buffer.byteLength(response.text)));
          assert.match(response.headers.get('twilio-request-id') ?? '', /^RQ[0-9a-f]{32}$/);
          assert.equal(response.headers.get('access-control-allow-origin'), '*');
          const elsewhere = await server.request('POST', attachmentPath(service.sid, operator), {
            headers: { host: 'intelligence.example.test' },
          });
          assert.deepEqual(
            assertOk(elsewhere, 'CreateOperatorAttachment', 202),
            expected('http://intelligence.example.test', service.sid, operator),
          );
        }
      }
    }
    for (const service of [first, second]) {
      const after = await fetchService(server, service.sid);
      assert.equal(after.version, 3, 'two attaches, and no re-attach changed anything');
      assert.deepEqual(after.read_only_attached_operator_sids, [SUMMARIZATION, SENTIMENT]);
    }
  });

  test('a re-attach after a detach attaches again, also when the re-attach was answered from memory before', async () => {
    const service = await createService(server);
    for (let i = 0; i < 3; i++) await attach(server, service.sid, SUMMARIZATION);
    assertNoContent(await server.request('DELETE', attachmentPath(service.sid, SUMMARIZATION)));
    assert.deepEqual(await attachedOperatorSids(service.sid), []);
    await attach(server, service.sid, SUMMARIZATION);
    assert.deepEqual(await attachedOperatorSids(service.sid), [SUMMARIZATION]);
    assert.equal((await fetchService(server, service.sid)).version, 4);
  });

  test('the attachment list and read_only_attached_operator_sids keep the order of attachment', async () => {
    const service = await createService(server);
    const custom = await createCustomOperator(server);
    const order = [SUMMARIZATION, custom.sid, SENTIMENT, AGENT_INTRODUCTION];
    for (const sid of order) await attach(server, service.sid, sid);
    assert.deepEqual(await attachedOperatorSids(service.sid), order);
    const fetched = await fetchService(server, service.sid);
    assert.deepEqual(fetched.read_only_attached_operator_sids, order);
    assert.equal(fetched.version, 1 + order.length);
  });

  test('the service list shows each service with its own attachments, in order', async () => {
    const { auth } = await server.newAccount();
    const first = await createService(server, {}, auth);
    const second = await createService(server, {}, auth);
    const third = await createService(server, {}, auth);
    await attach(server, second.sid, SENTIMENT, auth);
    await attach(server, first.sid, SUMMARIZATION, auth);
    await attach(server, second.sid, SUMMARIZATION, auth);
    const list = assertOk(await server.request('GET', '/v2/Services', { auth }), 'ListService', 200);
    const attachedBySid = Object.fromEntries(list.services.map((service: any) => [service.sid, service.read_only_attached_operator_sids]));
    assert.deepEqual(attachedBySid, { [first.sid]: [SUMMARIZATION], [second.sid]: [SENTIMENT, SUMMARIZATION], [third.sid]: [] });
  });

  test('a listed service follows each attach, detach and update, and is what a fetch answers', async () => {
    const { auth } = await server.newAccount();
    const service = await createService(server, {}, auth);
    const listed = async () => {
      const list = assertOk(await server.request('GET', '/v2/Services', { auth }), 'ListService', 200);
      assert.equal(list.services.length, 1);
      assert.deepEqual(list.services[0], await fetchService(server, service.sid, auth));
      return list.services[0];
    };
    assert.deepEqual((await listed()).read_only_attached_operator_sids, []);
    await attach(server, service.sid, SUMMARIZATION, auth);
    assert.deepEqual((await listed()).read_only_attached_operator_sids, [SUMMARIZATION]);
    assertNoContent(await server.request('DELETE', attachmentPath(service.sid, SUMMARIZATION), { auth }));
    assert.deepEqual((await listed()).read_only_attached_operator_sids, []);
    assertOk(
      await server.request('POST', `/v2/Services/${service.sid}`, { auth, form: { FriendlyName: 'renamed' } }),
      'UpdateService',
      200,
    );
    const renamed = await listed();
    assert.equal(renamed.friendly_name, 'renamed');
    assert.equal(renamed.version, 4);
    // URLs follow the Host the client used.
    const other = assertOk(
      await server.request('GET', '/v2/Services', { auth, headers: { host: 'intelligence.example.test' } }),
      'ListService',
      200,
    );
    assert.equal(other.services[0].url, `http://intelligence.example.test/v2/Services/${service.sid}`);
  });

  test('a service without attachments lists none', async () => {
    const service = await createService(server);
    assert.deepEqual(await attachedOperatorSids(service.sid), []);
  });

  test('detach answers 204 with an empty body and bumps the version; re-attaching puts the operator last', async () => {
    const service = await createService(server);
    await attach(server, service.sid, SUMMARIZATION);
    await attach(server, service.sid, SENTIMENT);
    assertNoContent(await server.request('DELETE', attachmentPath(service.sid, SUMMARIZATION)));
    assert.deepEqual(await attachedOperatorSids(service.sid), [SENTIMENT]);
    assert.equal((await fetchService(server, service.sid)).version, 4);
    await attach(server, service.sid, SUMMARIZATION);
    assert.deepEqual(await attachedOperatorSids(service.sid), [SENTIMENT, SUMMARIZATION]);
  });

  test('detaching an operator that is not attached answers 404 and changes nothing', async () => {
    const service = await createService(server);
    await attach(server, service.sid, SENTIMENT);
    const before = await fetchService(server, service.sid);
    assertTwilioError(await server.request('DELETE', attachmentPath(service.sid, SUMMARIZATION)), 404, 20404);
    assert.deepEqual(await fetchService(server, service.sid), before);
  });

  test('custom operators attach and detach like pre-built ones', async () => {
    const service = await createService(server, { LanguageCode: 'sv-SE' });
    const custom = await createCustomOperator(server, { operatorType: 'LiteralClassification' });
    await attach(server, service.sid, custom.sid);
    assert.deepEqual(await attachedOperatorSids(service.sid), [custom.sid]);
    assertNoContent(await server.request('DELETE', attachmentPath(service.sid, custom.sid)));
    assert.deepEqual(await attachedOperatorSids(service.sid), []);
  });

  test('a deprecated operator type still attaches (Call Reason)', async () => {
    const service = await createService(server);
    await attach(server, service.sid, prebuiltSid('Call Reason'));
  });
});

describe('languages', () => {
  test('an en-only operator attaches to an en-GB service (`en` covers en-GB)', async () => {
    const service = await createService(server, { LanguageCode: 'en-GB' });
    await attach(server, service.sid, AGENT_INTRODUCTION);
  });

  test('an en-only operator on an es-MX service answers 400 20422 and attaches nothing', async () => {
    const service = await createService(server, { LanguageCode: 'es-MX' });
    assertTwilioError(await server.request('POST', attachmentPath(service.sid, AGENT_INTRODUCTION)), 400, 20422, /es-MX/);
    assert.deepEqual(await fetchService(server, service.sid), service);
  });

  test('an operator supporting `es` attaches to an es-MX service', async () => {
    const service = await createService(server, { LanguageCode: 'es-MX' });
    await attach(server, service.sid, ENTITY_RECOGNITION);
  });

  test('an operator without the service language answers 400 (Entity Recognition on da-DK)', async () => {
    const service = await createService(server, { LanguageCode: 'da-DK' });
    assertTwilioError(await server.request('POST', attachmentPath(service.sid, ENTITY_RECOGNITION)), 400, 20422, /da-DK/);
    assert.deepEqual(await fetchService(server, service.sid), service);
  });
});

describe('refusals', () => {
  test('a retired operator answers 400 20422 and attaches nothing', async () => {
    const service = await createService(server);
    assertTwilioError(await server.request('POST', attachmentPath(service.sid, RETIRED)), 400, 20422, /retired/);
    assert.deepEqual(await fetchService(server, service.sid), service);
  });

  test("another account's service answers 404 on attach, detach and list, and stays unchanged", async () => {
    const other = await server.newAccount();
    const theirs = await createService(server, {}, other.auth);
    await attach(server, theirs.sid, SENTIMENT, other.auth);
    const before = await fetchService(server, theirs.sid, other.auth);
    assertTwilioError(await server.request('POST', attachmentPath(theirs.sid, SUMMARIZATION)), 404, 20404);
    assertTwilioError(await server.request('DELETE', attachmentPath(theirs.sid, SENTIMENT)), 404, 20404);
    assertTwilioError(await server.request('GET', `/v2/Services/${theirs.sid}/Operators`), 404, 20404);
    assert.deepEqual(await fetchService(server, theirs.sid, other.auth), before);
  });

  // Each case derives the service path segment from a real service, and names the operator SID.
  const operator = SUMMARIZATION;
  const notFound: Array<[string, (real: { sid: string; unique_name: string }) => string, string]> = [
    ['an unknown service', () => randomSid('GA'), operator],
    ['an unknown operator', (real) => real.sid, randomSid('LY')],
    ['a service SID of 33 characters', (real) => real.sid.slice(0, 33), operator],
    ['a service SID with a lower-case prefix', (real) => 'ga' + real.sid.slice(2), operator],
    ['a service UniqueName in place of its SID (the path takes a GA SID)', (real) => real.unique_name, operator],
    ['an operator SID of 35 characters', (real) => real.sid, operator + 'a'],
    ['an operator SID with a lower-case prefix', (real) => real.sid, 'ly' + operator.slice(2)],
    ['an operator type SID in place of an operator', (real) => real.sid, 'EY' + operator.slice(2)],
  ];
  for (const [name, serviceSidOf, operatorValue] of notFound) {
    test(`attach and detach answer 404 20404 for ${name}`, async () => {
      const real = await createService(server);
      const path = attachmentPath(serviceSidOf(real), operatorValue);
      assertTwilioError(await server.request('POST', path), 404, 20404, `The requested resource ${path} was not found`);
      assertTwilioError(await server.request('DELETE', path), 404, 20404);
      assert.deepEqual(await fetchService(server, real.sid), real);
    });
  }

  test('the attachment list answers 404 for an unknown or malformed service SID', async () => {
    for (const sid of [randomSid('GA'), 'GA123', 'not-a-sid']) {
      assertTwilioError(await server.request('GET', `/v2/Services/${sid}/Operators`), 404, 20404);
    }
  });
});

describe('concurrency', () => {
  test('50 parallel attaches of 10 operators (5 each), then 50 parallel detaches, count every change once', async () => {
    const service = await createService(server);
    const prebuilt = assertOk(
      await server.request('GET', '/v2/Operators/PreBuilt?LanguageCode=en-US&Availability=general-availability'),
      'ListPrebuiltOperator',
      200,
    );
    const operators: string[] = prebuilt.operators.slice(0, 8).map((operator: any) => operator.sid);
    for (let index = 0; index < 2; index++) operators.push((await createCustomOperator(server)).sid);
    assert.equal(new Set(operators).size, 10);
    const requests = operators.flatMap((sid) => Array.from({ length: 5 }, () => sid));

    const attached = await Promise.all(requests.map((sid) => server.request('POST', attachmentPath(service.sid, sid))));
    for (const response of attached) assertOk(response, 'CreateOperatorAttachment', 202);
    const afterAttach = await fetchService(server, service.sid);
    assert.deepEqual([...afterAttach.read_only_attached_operator_sids].sort(), [...operators].sort());
    assert.equal(afterAttach.version, 1 + 10);

    const detached = await Promise.all(requests.map((sid) => server.request('DELETE', attachmentPath(service.sid, sid))));
    const statuses = detached.map((response) => response.status);
    assert.equal(statuses.filter((status) => status === 204).length, 10, statuses.join(' '));
    for (const response of detached.filter((candidate) => candidate.status !== 204)) assertTwilioError(response, 404, 20404);
    const afterDetach = await fetchService(server, service.sid);
    assert.deepEqual(afterDetach.read_only_attached_operator_sids, []);
    assert.equal(afterDetach.version, 1 + 10 + 10);
  });
});
