// The admin HTTP API: export, import and reset of one account's data, behind ADMIN_TOKEN.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { catalogSid } from '../../src/catalog/sids.js';
import type { ServiceSid } from '../../src/sids.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { assertTwilioError, randomSid } from '../http/support.js';
import { ADMIN_TOKEN, bearer, JSON_BODY, seedAccount, sentimentSid, visibleState } from './support.js';

let server: TestServer;
before(async () => {
  server = await startTestServer({ env: { ADMIN_TOKEN } });
});
after(() => server.close());

const snapshotPath = (accountSid: string) => `/admin/accounts/${accountSid}/snapshot`;
/** The same SID with its hex digits in uppercase: what the spec's pattern accepts, and no server issues. */
const upperHex = (sid: string) => sid.slice(0, 2) + sid.slice(2).toUpperCase();
/** 0000-01-01T00:00:00Z (Date.UTC reads years 0–99 as 1900–1999). */
const YEAR_ZERO_MS = -62_167_219_200_000;

/** The unique names of the account's services, one per page, following next_page_url then previous_page_url. */
async function walkServices(auth: { username: string; password: string }): Promise<string[]> {
  const path = (url: string) => new URL(url).pathname + new URL(url).search;
  const names: string[] = [];
  let page = await server.request('GET', '/v2/Services?PageSize=1', { auth });
  for (let step = 0; step < 20; step++) {
    assert.equal(page.status, 200, page.text);
    names.push(...page.body.services.map((service: { unique_name: string }) => service.unique_name));
    if (page.body.meta.next_page_url === null) break;
    page = await server.request('GET', path(page.body.meta.next_page_url), { auth });
  }
  const backwards: string[] = [];
  for (let step = 0; step < 20 && page.body.meta.previous_page_url !== null; step++) {
    page = await server.request('GET', path(page.body.meta.previous_page_url), { auth });
    assert.equal(page.status, 200, page.text);
    backwards.unshift(...page.body.services.map((service: { unique_name: string }) => service.unique_name));
  }
  assert.deepEqual(backwards, names.slice(0, -1), 'previous_page_url walks back over the same services');
  return names;
}

async function exportSnapshot(accountSid: string) {
  const response = await server.request('GET', snapshotPath(accountSid), { auth: null, headers: bearer(ADMIN_TOKEN) });
  assert.equal(response.status, 200, response.text);
  return response.body;
}

function importSnapshot(accountSid: string, snapshot: unknown) {
  return server.request('POST', snapshotPath(accountSid), {
    auth: null,
    headers: { ...bearer(ADMIN_TOKEN), ...JSON_BODY },
    body: typeof snapshot === 'string' ? snapshot : JSON.stringify(snapshot),
  });
}

function reset(accountSid: string) {
  return server.request('POST', `/admin/accounts/${accountSid}/reset`, { auth: null, headers: bearer(ADMIN_TOKEN) });
}

describe('admin API guard', () => {
  test('admin routes answer 404 20404 when ADMIN_TOKEN is not set', async () => {
    const plain = await startTestServer();
    try {
      for (const [method, path] of [
        ['GET', snapshotPath(plain.account.sid)],
        ['POST', snapshotPath(plain.account.sid)],
        ['POST', `/admin/accounts/${plain.account.sid}/reset`],
      ] as const) {
        const response = await plain.request(method, path, { auth: null, headers: bearer(ADMIN_TOKEN) });
        assertTwilioError(response, 404, 20404);
      }
    } finally {
      await plain.close();
    }
  });

  const refusals: Array<[string, Record<string, string>]> = [
    ['no Authorization header', {}],
    ['a wrong token', bearer(ADMIN_TOKEN + 'x')],
    ['a prefix of the token', bearer(ADMIN_TOKEN.slice(0, -1))],
    ['the token with Basic instead of Bearer', { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` }],
    ['an empty bearer', { authorization: 'Bearer ' }],
  ];
  for (const [name, headers] of refusals) {
    test(`admin refuses ${name} with 401 20003 and a Bearer challenge, changing nothing`, async () => {
      const before = await visibleState(server);
      for (const [method, path] of [
        ['GET', snapshotPath(server.account.sid)],
        ['POST', `/admin/accounts/${server.account.sid}/reset`],
      ] as const) {
        const response = await server.request(method, path, { auth: null, headers });
        assertTwilioError(response, 401, 20003, /ADMIN_TOKEN/);
        assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer /);
      }
      assert.deepEqual(await visibleState(server), before);
    });
  }

  test("the account's own Basic credentials do not open the admin API", async () => {
    const response = await server.request('GET', snapshotPath(server.account.sid));
    assertTwilioError(response, 401, 20003);
  });

  test('the admin API names an unknown or malformed account with 404 20404', async () => {
    for (const accountSid of [randomSid('AC'), 'ACnot-a-sid']) {
      assertTwilioError(await server.request('GET', snapshotPath(accountSid), { auth: null, headers: bearer(ADMIN_TOKEN) }), 404, 20404);
      assertTwilioError(await reset(accountSid), 404, 20404);
    }
  });
});

describe('snapshots', () => {
  test('export lists services, custom operators and attachments with SIDs, versions and dates', async () => {
    const { account, auth } = await server.newAccount();
    const seeded = await seedAccount(server, auth);
    const snapshot = await exportSnapshot(account.sid);
    assert.equal(snapshot.format, 'intelligence-server/snapshot');
    assert.equal(snapshot.version, 1);
    assert.equal(snapshot.account_sid, account.sid);
    assert.deepEqual(
      snapshot.services.map((service: { sid: string }) => service.sid),
      seeded.serviceSids,
    );
    const [first, second] = snapshot.services;
    assert.equal(first.version, 4, 'created, then three attachments');
    assert.equal(second.version, 2);
    assert.equal(second.friendly_name, 'Second, renamed');
    assert.equal(second.language_code, 'fr-FR');
    assert.equal(first.media_redaction, true);
    assert.match(first.date_created, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.equal(snapshot.custom_operators.length, 1);
    assert.equal(snapshot.custom_operators[0].sid, seeded.customOperatorSid);
    assert.equal(snapshot.custom_operators[0].config.prompt, 'Did the customer ask for a refund?');
    assert.deepEqual(
      snapshot.attachments.map((attachment: { operator_sid: string }) => attachment.operator_sid),
      (await server.request('GET', `/v2/Services/${first.sid}/Operators`, { auth })).body.operator_sids,
    );
  });

  test('reset then import restores exactly what the API showed, including attachment order', async () => {
    const { account, auth } = await server.newAccount();
    await seedAccount(server, auth);
    const before = await visibleState(server, auth);
    const snapshot = await exportSnapshot(account.sid);

    const cleared = await reset(account.sid);
    assert.equal(cleared.status, 200, cleared.text);
    assert.deepEqual(cleared.body, { account_sid: account.sid, deleted: { services: 2, custom_operators: 1, attachments: 3 } });
    assert.deepEqual(await visibleState(server, auth), { services: [], operators: [] });
    const stillAuthenticates = await server.request('GET', '/v2/Services', { auth });
    assert.equal(stillAuthenticates.status, 200, 'reset keeps the account and its credentials');

    const imported = await importSnapshot(account.sid, snapshot);
    assert.equal(imported.status, 200, imported.text);
    assert.deepEqual(imported.body, { account_sid: account.sid, services: 2, custom_operators: 1, attachments: 3 });
    assert.deepEqual(await visibleState(server, auth), before);
    const again = await exportSnapshot(account.sid);
    assert.deepEqual({ ...again, exported_at: null }, { ...snapshot, exported_at: null });
  });

  test("reset leaves other accounts' data alone", async () => {
    const mine = await server.newAccount();
    const theirs = await server.newAccount();
    await seedAccount(server, mine.auth);
    await seedAccount(server, theirs.auth);
    const theirsBefore = await visibleState(server, theirs.auth);
    assert.equal((await reset(mine.account.sid)).status, 200);
    assert.deepEqual(await visibleState(server, theirs.auth), theirsBefore);
  });

  test('import into another account (the path names it) moves the data there', async () => {
    const source = await server.newAccount();
    const target = await server.newAccount();
    await seedAccount(server, source.auth);
    const snapshot = await exportSnapshot(source.account.sid);
    await reset(source.account.sid);
    const imported = await importSnapshot(target.account.sid, snapshot);
    assert.equal(imported.status, 200, imported.text);
    const services = await server.request('GET', '/v2/Services', { auth: target.auth });
    assert.equal(services.body.services.length, 2);
    assert.equal(services.body.services[0].account_sid, target.account.sid);
    const custom = await server.request('GET', `/v2/Operators/Custom/${snapshot.custom_operators[0].sid}`, { auth: target.auth });
    assert.equal(custom.status, 200);
    assert.equal(custom.body.author, target.account.sid);
  });

  test('import refuses SIDs that exist (in any account) with 409 20409 naming them, and writes nothing', async () => {
    const source = await server.newAccount();
    const target = await server.newAccount();
    await seedAccount(server, source.auth);
    const snapshot = await exportSnapshot(source.account.sid);
    // One fresh service besides the clashing ones: it must not be written either.
    snapshot.services.push({ ...snapshot.services[1], sid: randomSid('GA'), unique_name: 'fresh-one' });
    const targetBefore = await visibleState(server, target.auth);
    const sourceBefore = await visibleState(server, source.auth);

    const refused = await importSnapshot(target.account.sid, snapshot);
    assertTwilioError(refused, 409, 20409, /nothing was changed/);
    for (const service of snapshot.services.slice(0, 2)) assert.match(refused.body.message, new RegExp(service.sid));
    assert.match(refused.body.message, new RegExp(snapshot.custom_operators[0].sid));
    assert.deepEqual(
      refused.body.details.service_sids.sort(),
      snapshot.services
        .slice(0, 2)
        .map((s: { sid: string }) => s.sid)
        .sort(),
    );
    assert.deepEqual(await visibleState(server, target.auth), targetBefore);
    assert.deepEqual(await visibleState(server, source.auth), sourceBefore);
  });

  test('import refuses a unique name already used in the account with 409 20409, writing nothing', async () => {
    const { account, auth } = await server.newAccount();
    await seedAccount(server, auth);
    const snapshot = await exportSnapshot(account.sid);
    const taken = snapshot.services[0].unique_name;
    snapshot.services = [{ ...snapshot.services[0], sid: randomSid('GA') }];
    snapshot.custom_operators = [{ ...snapshot.custom_operators[0], sid: randomSid('LY') }];
    snapshot.attachments = [];
    const before = await visibleState(server, auth);
    const refused = await importSnapshot(account.sid, snapshot);
    assertTwilioError(refused, 409, 20409, new RegExp(`"${taken}"`));
    assert.deepEqual(await visibleState(server, auth), before, 'the custom operator was not written either');
  });

  // One service and one custom operator, typed so that [0] is one of them.
  const nonEmpty = <T>(first: T, ...rest: T[]): [T, ...T[]] => [first, ...rest];
  const valid = (accountSid: string) => ({
    format: 'intelligence-server/snapshot',
    version: 1,
    account_sid: accountSid,
    services: nonEmpty({
      sid: randomSid('GA'),
      unique_name: 'imported',
      friendly_name: null,
      language_code: 'en-US',
      auto_redaction: false,
      media_redaction: false,
      auto_transcribe: false,
      data_logging: false,
      webhook_url: null as string | null,
      webhook_http_method: null,
      encryption_credential_sid: null,
      version: 3,
      date_created: '2025-01-02T03:04:05.678Z',
      date_updated: '2025-01-03T03:04:05.000Z',
    }),
    custom_operators: nonEmpty({
      sid: randomSid('LY'),
      friendly_name: 'Spots',
      description: null,
      operator_type: 'Generative',
      config: { prompt: 'Summarise.' },
      availability: 'public',
      version: 2,
      date_created: '2025-01-02T03:04:05Z',
      date_updated: '2025-01-02T03:04:05Z',
    }),
    attachments: [] as Array<{ service_sid: string; operator_sid: string }>,
  });

  test('a hand-written snapshot imports with its SIDs, versions and dates', async () => {
    const { account, auth } = await server.newAccount();
    const snapshot = valid(account.sid);
    snapshot.attachments = [
      { service_sid: snapshot.services[0].sid, operator_sid: snapshot.custom_operators[0].sid },
      { service_sid: snapshot.services[0].sid, operator_sid: sentimentSid },
    ];
    const imported = await importSnapshot(account.sid, snapshot);
    assert.equal(imported.status, 200, imported.text);
    const service = await server.request('GET', `/v2/Services/${snapshot.services[0].sid}`, { auth });
    assert.equal(service.body.version, 3);
    assert.equal(service.headers.get('etag'), '"3"');
    assert.equal(service.body.date_created, '2025-01-02T03:04:05Z');
    assert.deepEqual(service.body.read_only_attached_operator_sids, [snapshot.custom_operators[0].sid, sentimentSid]);
    const operator = await server.request('GET', `/v2/Operators/Custom/${snapshot.custom_operators[0].sid}`, { auth });
    assert.equal(operator.body.version, 2);
    assert.deepEqual(operator.body.config, { prompt: 'Summarise.' });
  });

  type Mutation = (snapshot: ReturnType<typeof valid>) => unknown;
  const malformed: Array<[string, Mutation, RegExp]> = [
    ['is not an object', () => [], /document|must be object/],
    ['names another format', (s) => ({ ...s, format: 'something-else' }), /\/format/],
    ['has a newer version', (s) => ({ ...s, version: 2 }), /\/version/],
    ['lacks custom_operators', ({ custom_operators: _omitted, ...rest }) => rest, /\/custom_operators is missing/],
    ['has an unknown field', (s) => ({ ...s, accounts: [] }), /\/accounts is not a snapshot field/],
    ['has a malformed service SID', (s) => ((s.services[0].sid = 'GA123'), s), /\/services\/0\/sid/],
    ['has an unsupported language', (s) => ((s.services[0].language_code = 'xx-XX'), s), /\/services\/0\/language_code/],
    ['has a version 0', (s) => ((s.services[0].version = 0), s), /\/services\/0\/version/],
    [
      'has a date that is not ISO 8601 UTC',
      (s) => ((s.services[0].date_created = '2025-01-02 03:04:05'), s),
      /\/services\/0\/date_created/,
    ],
    ['repeats a service SID', (s) => (s.services.push({ ...s.services[0], unique_name: 'other' }), s), /appears twice/],
    ['repeats a unique name', (s) => (s.services.push({ ...s.services[0], sid: randomSid('GA') }), s), /used by two services/],
    [
      'has media redaction without auto redaction',
      (s) => ((s.services[0].media_redaction = true), s),
      /\/services\/0\/media_redaction.*AutoRedaction/,
    ],
    [
      'has a unique name of the form of a Service SID',
      (s) => ((s.services[0].unique_name = randomSid('GA')), s),
      /\/services\/0\/unique_name/,
    ],
    [
      'has a webhook URL that is not http(s)',
      (s) => ((s.services[0].webhook_url = 'ftp://example.com/x'), s),
      /\/services\/0\/webhook_url/,
    ],
    ['has an uppercase-hex service SID', (s) => ((s.services[0].sid = upperHex(s.services[0].sid)), s), /\/services\/0\/sid/],
    [
      'has an uppercase-hex custom operator SID',
      (s) => ((s.custom_operators[0].sid = upperHex(s.custom_operators[0].sid)), s),
      /\/custom_operators\/0\/sid/,
    ],
    ['has an uppercase-hex account SID', (s) => ({ ...s, account_sid: upperHex(s.account_sid) }), /\/account_sid/],
    [
      'attaches an uppercase-hex pre-built operator SID',
      (s) => (s.attachments.push({ service_sid: s.services[0].sid, operator_sid: upperHex(sentimentSid) }), s),
      /\/attachments\/0\/operator_sid/,
    ],
    [
      'has February 31st',
      (s) => ((s.services[0].date_created = '2026-02-31T00:00:00Z'), s),
      /\/services\/0\/date_created is not a real date/,
    ],
    [
      'has a 25th hour',
      (s) => ((s.custom_operators[0].date_updated = '2026-01-01T24:00:00Z'), s),
      /\/custom_operators\/0\/date_updated is not a real date/,
    ],
    ['has a date before 1970', (s) => ((s.services[0].date_created = '1969-12-31T23:59:59.999Z'), s), /\/services\/0\/date_created/],
    [
      'was updated before it was created',
      (s) => ((s.services[0].date_updated = '2025-01-02T03:04:05.677Z'), s),
      /date_updated is before date_created/,
    ],
    [
      'gives an operator type by SID',
      (s) => ((s.custom_operators[0].operator_type = catalogSid('EY', 'Generative')), s),
      /\/custom_operators\/0\/operator_type/,
    ],
    // Year 0000, the uppercase twin of another account's SID, a retired pre-built operator and an
    // English-only one on a de-DE service: test/hardening/snapshot-import-store.test.ts.
    [
      'attaches a retired custom operator',
      (s) => (
        (s.custom_operators[0].availability = 'retired'),
        s.attachments.push({ service_sid: s.services[0].sid, operator_sid: s.custom_operators[0].sid }),
        s
      ),
      /\/attachments\/0.*is retired/,
    ],
    ['has an unknown operator type', (s) => ((s.custom_operators[0].operator_type = 'Telepathy'), s), /operator_type/],
    [
      'has a config its type refuses',
      (s) => ((s.custom_operators[0].config = { prompt: 42 } as never), s),
      /\/custom_operators\/0\/config/,
    ],
    ['gives a custom operator a pre-built SID', (s) => ((s.custom_operators[0].sid = sentimentSid), s), /pre-built/],
    [
      'attaches to a service it does not hold',
      (s) => (s.attachments.push({ service_sid: randomSid('GA'), operator_sid: sentimentSid }), s),
      /not a service of this snapshot/,
    ],
    [
      'attaches an operator that exists nowhere',
      (s) => (s.attachments.push({ service_sid: s.services[0].sid, operator_sid: randomSid('LY') }), s),
      /neither a pre-built/,
    ],
    [
      'attaches the same operator twice',
      (s) => (
        s.attachments.push(
          { service_sid: s.services[0].sid, operator_sid: sentimentSid },
          { service_sid: s.services[0].sid, operator_sid: sentimentSid },
        ),
        s
      ),
      /twice/,
    ],
  ];
  for (const [name, mutate, message] of malformed) {
    test(`import refuses a snapshot that ${name} with 400 20422, writing nothing`, async () => {
      const { account, auth } = await server.newAccount();
      const refused = await importSnapshot(account.sid, mutate(valid(account.sid)));
      assertTwilioError(refused, 400, 20422, /^Invalid snapshot/);
      assert.match(JSON.stringify(refused.body), message);
      assert.deepEqual(await visibleState(server, auth), { services: [], operators: [] });
    });
  }

  test('services imported at the first and last instants a date may have page forward and back', async () => {
    const { account, auth } = await server.newAccount();
    const snapshot = valid(account.sid);
    const [template] = snapshot.services;
    snapshot.services = [
      {
        ...template,
        sid: randomSid('GA'),
        unique_name: 'earliest',
        date_created: '1970-01-01T00:00:00.000Z',
        date_updated: '1970-01-01T00:00:00.000Z',
      },
      template,
      {
        ...template,
        sid: randomSid('GA'),
        unique_name: 'latest',
        date_created: '9999-12-31T23:59:59.999Z',
        date_updated: '9999-12-31T23:59:59.999Z',
      },
    ];
    const imported = await importSnapshot(account.sid, snapshot);
    assert.equal(imported.status, 200, imported.text);
    assert.deepEqual(await walkServices(auth), ['earliest', 'imported', 'latest']);
  });

  test('rows an older import let in (year 0000, an uppercase-hex SID) still page forward and back', async () => {
    const { account, auth } = await server.newAccount();
    const row = (sid: string, uniqueName: string, createdMs: number) => ({
      sid: sid as ServiceSid,
      accountSid: account.accountSid,
      uniqueName,
      friendlyName: null,
      languageCode: 'en-US',
      autoRedaction: false,
      mediaRedaction: false,
      autoTranscribe: false,
      dataLogging: false,
      webhookUrl: null,
      webhookHttpMethod: null,
      encryptionCredentialSid: null,
      version: 1,
      dateCreatedMs: createdMs,
      dateUpdatedMs: createdMs,
    });
    assert.equal(await server.store.insertService(row(randomSid('GA'), 'year-zero', YEAR_ZERO_MS)), 'inserted');
    assert.equal(await server.store.insertService(row(upperHex(randomSid('GA')), 'uppercase', Date.UTC(2025, 0, 1))), 'inserted');
    assert.equal(await server.store.insertService(row(randomSid('GA'), 'now', Date.now())), 'inserted');
    assert.deepEqual(await walkServices(auth), ['year-zero', 'uppercase', 'now']);
  });

  test('import lists every problem it found in details.errors', async () => {
    const { account } = await server.newAccount();
    const snapshot = valid(account.sid);
    snapshot.services[0].language_code = 'xx-XX';
    snapshot.custom_operators[0].availability = 'someday';
    const refused = await importSnapshot(account.sid, snapshot);
    assertTwilioError(refused, 400, 20422);
    const paths = refused.body.details.errors.map((error: { path: string }) => error.path);
    assert.ok(paths.includes('/services/0/language_code'), paths.join());
    assert.ok(paths.includes('/custom_operators/0/availability'), paths.join());
  });

  test('import refuses a body that is not JSON, and a form body, with 400 20422', async () => {
    const { account } = await server.newAccount();
    assertTwilioError(await importSnapshot(account.sid, '{"format": '), 400, 20422);
    const form = await server.request('POST', snapshotPath(account.sid), {
      auth: null,
      headers: bearer(ADMIN_TOKEN),
      form: { format: 'intelligence-server/snapshot' },
    });
    assertTwilioError(form, 400, 20422, /^Invalid snapshot/);
    const text = await server.request('POST', snapshotPath(account.sid), {
      auth: null,
      headers: { ...bearer(ADMIN_TOKEN), 'content-type': 'text/plain' },
      body: '{}',
    });
    assertTwilioError(text, 400, 20422, /application\/json/);
  });

  test('import into an account that does not exist is 404 20404', async () => {
    const accountSid = randomSid('AC');
    assertTwilioError(await importSnapshot(accountSid, valid(accountSid)), 404, 20404, /No account/);
  });

  test('/v2 still refuses JSON bodies while the admin API accepts them', async () => {
    const response = await server.request('POST', '/v2/Services', {
      headers: JSON_BODY,
      body: JSON.stringify({ UniqueName: 'json-body' }),
    });
    assertTwilioError(response, 400, 20422, /Content-Type/);
  });
});
