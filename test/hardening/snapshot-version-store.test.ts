// Issue 28, item 11: PostgreSQL keeps `version` as INTEGER, and a snapshot could import a service
// at version 2,147,483,647, whose next update then overflowed (a 500 on every change). Import now
// refuses a version above MAX_IMPORTED_VERSION; one at the bound still takes updates.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MAX_IMPORTED_VERSION } from '../../src/ops/snapshot-format.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { randomSid } from '../http/support.js';
import { ADMIN_TOKEN, bearer, JSON_BODY } from '../ops/support.js';
import { assertError, dumpTables } from './support.js';

const snapshotOf = (accountSid: string, serviceVersion: number, operatorVersion: number) => ({
  format: 'intelligence-server/snapshot',
  version: 1,
  account_sid: accountSid,
  services: [{
    sid: randomSid('GA'), unique_name: 'versioned', friendly_name: null, language_code: 'en-US', auto_redaction: false,
    media_redaction: false, auto_transcribe: false, data_logging: false, webhook_url: null, webhook_http_method: null,
    encryption_credential_sid: null, version: serviceVersion, date_created: '2025-01-02T03:04:05Z', date_updated: '2025-01-02T03:04:05Z',
  }],
  custom_operators: [{
    sid: randomSid('LY'), friendly_name: 'Versioned', description: null, operator_type: 'Generative', config: { prompt: 'Summarise.' },
    availability: 'public', version: operatorVersion, date_created: '2025-01-02T03:04:05Z', date_updated: '2025-01-02T03:04:05Z',
  }],
  attachments: [],
});

describe('imported versions', () => {
  let server: TestServer;
  before(async () => {
    // No overload guard: an import compiles the snapshot and config schemas, which a busy test
    // machine can stretch past the guard's threshold.
    server = await startTestServer({ env: { ADMIN_TOKEN, MAX_EVENT_LOOP_DELAY_MS: '0' } });
  });
  after(() => server.close());

  const importSnapshot = (snapshot: unknown) =>
    server.request('POST', `/admin/accounts/${server.account.sid}/snapshot`, {
      auth: null,
      headers: { ...bearer(ADMIN_TOKEN), ...JSON_BODY },
      body: JSON.stringify(snapshot),
    });

  test('a version of 2,147,483,647 is refused 400 20422, naming each field, and nothing is written', async () => {
    const before = await dumpTables(server);
    const refused = await importSnapshot(snapshotOf(server.account.sid, 2_147_483_647, MAX_IMPORTED_VERSION + 1));
    assertError(refused, 400, 20422, 'version overflow');
    const paths = refused.body.details.errors.map((error: { path: string }) => error.path);
    assert.deepEqual(paths.sort(), ['/custom_operators/0/version', '/services/0/version']);
    assert.match(JSON.stringify(refused.body.details), new RegExp(String(MAX_IMPORTED_VERSION)));
    assert.deepEqual(await dumpTables(server), before);
  });

  test('a service and an operator imported at the bound still take updates', async () => {
    const snapshot = snapshotOf(server.account.sid, MAX_IMPORTED_VERSION, MAX_IMPORTED_VERSION);
    const imported = await importSnapshot(snapshot);
    assert.equal(imported.status, 200, imported.text);
    const service = await server.request('POST', `/v2/Services/${snapshot.services[0].sid}`, { form: { FriendlyName: 'Updated' } });
    assert.equal(service.status, 200, service.text);
    assert.equal(service.body.version, MAX_IMPORTED_VERSION + 1);
    const operator = await server.request('POST', `/v2/Operators/Custom/${snapshot.custom_operators[0].sid}`, {
      form: { FriendlyName: 'Updated', Config: JSON.stringify({ prompt: 'Summarise again.' }) },
    });
    assert.equal(operator.status, 202, operator.text);
    assert.equal(operator.body.version, MAX_IMPORTED_VERSION + 1);
  });
});
