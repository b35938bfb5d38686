// Attachment rules that depend on the server's settings: MAX_OPERATORS_PER_SERVICE and a
// CATALOG_FILE with a deprecated pre-built operator (the built-in catalog has none).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
} from './support.js';

describe('MAX_OPERATORS_PER_SERVICE=3', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { MAX_OPERATORS_PER_SERVICE: '3' } });
  });
  after(() => server.close());

  const first3 = [prebuiltSid('Summarization'), prebuiltSid('Sentiment Analysis'), prebuiltSid('Agent Introduction')];

  test('a fourth attach answers 400 20422 naming the limit and writes nothing', async () => {
    const service = await createService(server);
    for (const sid of first3) await attach(server, service.sid, sid);
    const full = await fetchService(server, service.sid);
    const response = await server.request('POST', `/v2/Services/${service.sid}/Operators/${prebuiltSid('Call Transfer')}`);
    assertTwilioError(response, 400, 20422, /maximum of 3/);
    assert.deepEqual(await fetchService(server, service.sid), full);
  });

  test('re-attaching an attached operator at the limit is still a 202 no-op', async () => {
    const service = await createService(server);
    for (const sid of first3) await attach(server, service.sid, sid);
    await attach(server, service.sid, first3[1]!);
    assert.equal((await fetchService(server, service.sid)).version, 4);
  });

  test('the limit counts custom operators, and a detach makes room again', async () => {
    const service = await createService(server);
    const custom = await createCustomOperator(server);
    for (const sid of [custom.sid, ...first3.slice(0, 2)]) await attach(server, service.sid, sid);
    assertTwilioError(await server.request('POST', `/v2/Services/${service.sid}/Operators/${first3[2]}`), 400, 20422);
    assertNoContent(await server.request('DELETE', `/v2/Services/${service.sid}/Operators/${custom.sid}`));
    await attach(server, service.sid, first3[2]!);
  });

  test('20 parallel attaches of distinct operators leave exactly 3 attached', async () => {
    const service = await createService(server);
    const operators = await Promise.all(Array.from({ length: 20 }, () => createCustomOperator(server)));
    const responses = await Promise.all(
      operators.map((operator) => server.request('POST', `/v2/Services/${service.sid}/Operators/${operator.sid}`)),
    );
    const attached = responses.filter((response) => response.status === 202);
    assert.equal(attached.length, 3);
    for (const response of attached) assertOk(response, 'CreateOperatorAttachment', 202);
    for (const response of responses.filter((candidate) => candidate.status !== 202)) assertTwilioError(response, 400, 20422);
    const final = await fetchService(server, service.sid);
    assert.equal(final.read_only_attached_operator_sids.length, 3);
    assert.equal(final.version, 4);
  });
});

describe('CATALOG_FILE with a deprecated pre-built operator', () => {
  const friendlyName = 'Call Reason (Deprecated)';
  const deprecatedSid = prebuiltSid(friendlyName);
  let directory: string;
  let server: TestServer;
  before(async () => {
    directory = mkdtempSync(join(tmpdir(), 'intelligence-catalog-'));
    const file = join(directory, 'catalog.json');
    const catalog = {
      mode: 'extend',
      prebuilt_operators: [
        {
          friendly_name: friendlyName,
          description: 'An older call reason classifier.',
          operator_type: 'Sentiment',
          availability: 'deprecated',
        },
      ],
    };
    writeFileSync(file, JSON.stringify(catalog));
    server = await startTestServer({ env: { CATALOG_FILE: file } });
  });
  after(async () => {
    await server.close();
    rmSync(directory, { recursive: true, force: true });
  });

  test('the deprecated operator is served with its stable SID', async () => {
    const body = assertOk(await server.request('GET', `/v2/Operators/${deprecatedSid}`), 'FetchOperator', 200);
    assert.equal(body.availability, 'deprecated');
    assert.equal(body.friendly_name, friendlyName);
  });

  test('a deprecated operator still attaches', async () => {
    const service = await createService(server);
    const body = await attach(server, service.sid, deprecatedSid);
    assert.equal(body.operator_sid, deprecatedSid);
    assert.deepEqual((await fetchService(server, service.sid)).read_only_attached_operator_sids, [deprecatedSid]);
  });

  test('Availability=deprecated on /v2/Operators lists it', async () => {
    const body = assertOk(await server.request('GET', '/v2/Operators?Availability=deprecated'), 'ListOperator', 200);
    assert.deepEqual(
      body.operators.map((operator: any) => operator.sid),
      [deprecatedSid],
    );
  });
});
