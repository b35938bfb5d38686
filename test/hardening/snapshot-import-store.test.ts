// Snapshot import as an attacker with the admin token would use it. Issue 28, item 8: import skipped
// the API's rules, taking the uppercase-hex twin of another account's SID, year 0000, and attachments
// of retired and English-only operators to a de-DE service; it now applies them (every malformed
// snapshot it refuses: test/ops/admin-store.test.ts). Item 11: PostgreSQL keeps `version` as
// INTEGER, and a service imported at version 2,147,483,647 overflowed at its next update (a 500 on
// every change); import refuses a version above MAX_IMPORTED_VERSION, one at the bound takes updates.
// Item 5: import could take an account past its quotas; it is refused as the API's create is.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MAX_IMPORTED_VERSION } from '../../src/ops/snapshot-format.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { prebuiltSid, randomSid, uniqueName, type Auth } from '../http/support.js';
import { ADMIN_TOKEN, bearer, JSON_BODY } from '../ops/support.js';
import { assertError, dumpTables } from './support.js';

const snapshotOf = (accountSid: string, serviceVersion: number, operatorVersion: number) => ({
  format: 'intelligence-server/snapshot',
  version: 1,
  account_sid: accountSid,
  services: [
    {
      sid: randomSid('GA'),
      unique_name: 'versioned',
      friendly_name: null,
      language_code: 'en-US',
      auto_redaction: false,
      media_redaction: false,
      auto_transcribe: false,
      data_logging: false,
      webhook_url: null,
      webhook_http_method: null,
      encryption_credential_sid: null,
      version: serviceVersion,
      date_created: '2025-01-02T03:04:05Z',
      date_updated: '2025-01-02T03:04:05Z',
    },
  ],
  custom_operators: [
    {
      sid: randomSid('LY'),
      friendly_name: 'Versioned',
      description: null,
      operator_type: 'Generative',
      config: { prompt: 'Summarise.' },
      availability: 'public',
      version: operatorVersion,
      date_created: '2025-01-02T03:04:05Z',
      date_updated: '2025-01-02T03:04:05Z',
    },
  ],
  attachments: [] as Array<{ service_sid: string; operator_sid: string }>,
});

let server: TestServer;
before(async () => {
  // No overload guard: an import compiles the snapshot and config schemas, which a busy test
  // machine can stretch past the guard's threshold.
  server = await startTestServer({
    env: { ADMIN_TOKEN, MAX_EVENT_LOOP_DELAY_MS: '0', MAX_SERVICES_PER_ACCOUNT: '3', MAX_CUSTOM_OPERATORS_PER_ACCOUNT: '2' },
  });
});
after(() => server.close());

const importSnapshot = (snapshot: unknown, accountSid = server.account.sid) =>
  server.request('POST', `/admin/accounts/${accountSid}/snapshot`, {
    auth: null,
    headers: { ...bearer(ADMIN_TOKEN), ...JSON_BODY },
    body: JSON.stringify(snapshot),
  });

describe("imports that skipped the API's rules", () => {
  type Snapshot = ReturnType<typeof snapshotOf>;
  const attach = (snapshot: Snapshot, operatorSid: string) =>
    snapshot.attachments.push({ service_sid: snapshot.services[0]!.sid, operator_sid: operatorSid });
  const attacks: Array<[string, (snapshot: Snapshot) => Promise<void> | void, RegExp]> = [
    [
      "the uppercase-hex twin of another account's service SID",
      async (snapshot) => {
        const other = await server.newAccount();
        const created = await server.request('POST', '/v2/Services', { auth: other.auth, form: { UniqueName: 'twin' } });
        assert.equal(created.status, 201, created.text);
        snapshot.services[0]!.sid = 'GA' + (created.body.sid as string).slice(2).toUpperCase();
      },
      /\/services\/0\/sid/,
    ],
    [
      'a date in year 0000',
      (snapshot) => void (snapshot.services[0]!.date_created = '0000-01-01T00:00:00Z'),
      /\/services\/0\/date_created is not a real date/,
    ],
    [
      'an attachment of a retired operator',
      (snapshot) => attach(snapshot, prebuiltSid('Sentiment Analysis (Legacy)')),
      /\/attachments\/0.*is retired/,
    ],
    [
      'an English-only operator attached to a de-DE service',
      (snapshot) => {
        snapshot.services[0]!.language_code = 'de-DE';
        attach(snapshot, prebuiltSid('Voicemail Detection'));
      },
      /\/attachments\/0.*does not support the Service's language de-DE/,
    ],
  ];
  for (const [name, mutate, problem] of attacks) {
    test(`${name} is refused 400 20422, and nothing is written`, async () => {
      const snapshot = snapshotOf(server.account.sid, 1, 1);
      await mutate(snapshot);
      const before = await dumpTables(server);
      const refused = await importSnapshot(snapshot);
      assertError(refused, 400, 20422, name);
      assert.match(JSON.stringify(refused.body), problem);
      assert.deepEqual(await dumpTables(server), before);
    });
  }
});

describe('imported versions', () => {
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
    const service = await server.request('POST', `/v2/Services/${snapshot.services[0]!.sid}`, { form: { FriendlyName: 'Updated' } });
    assert.equal(service.status, 200, service.text);
    assert.equal(service.body.version, MAX_IMPORTED_VERSION + 1);
    const operator = await server.request('POST', `/v2/Operators/Custom/${snapshot.custom_operators[0]!.sid}`, {
      form: { FriendlyName: 'Updated', Config: JSON.stringify({ prompt: 'Summarise again.' }) },
    });
    assert.equal(operator.status, 202, operator.text);
    assert.equal(operator.body.version, MAX_IMPORTED_VERSION + 1);
  });
});

describe('imports beyond the per-account quotas (3 services, 2 custom operators)', () => {
  /** A snapshot of `services` services and `operators` custom operators, each with its own SID and name. */
  function sized(accountSid: string, services: number, operators: number) {
    const snapshot = snapshotOf(accountSid, 1, 1);
    const [service, operator] = [snapshot.services[0]!, snapshot.custom_operators[0]!];
    snapshot.services = Array.from({ length: services }, (_, i) => ({ ...service, sid: randomSid('GA'), unique_name: `imported-${i}` }));
    snapshot.custom_operators = Array.from({ length: operators }, () => ({ ...operator, sid: randomSid('LY') }));
    return snapshot;
  }
  const createService = (auth: Auth) => server.request('POST', '/v2/Services', { auth, form: { UniqueName: uniqueName('held') } });

  test('services that would take the account past its quota: 400 21102, nothing imported', async () => {
    const { account, auth } = await server.newAccount();
    for (let i = 0; i < 2; i++) assert.equal((await createService(auth)).status, 201);
    const before = await dumpTables(server);
    assertError(await importSnapshot(sized(account.sid, 2, 0), account.sid), 400, 21102, 'services over quota');
    assert.deepEqual(await dumpTables(server), before);
    // Up to the quota is fine.
    assert.equal((await importSnapshot(sized(account.sid, 1, 0), account.sid)).status, 200);
  });

  test('custom operators beyond the quota: 400 59200, and the services with them not imported either', async () => {
    const { account } = await server.newAccount();
    const before = await dumpTables(server);
    assertError(await importSnapshot(sized(account.sid, 1, 3), account.sid), 400, 59200, 'custom operators over quota');
    assert.deepEqual(await dumpTables(server), before);
    assert.equal((await importSnapshot(sized(account.sid, 3, 2), account.sid)).status, 200);
  });
});
