// Every way a service create or update can be refused: status, Twilio code, a message naming the
// problem, and nothing written.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type RequestOptions, type TestServer } from '../helpers/server.js';
import { assertOk, assertTwilioError, createService, fetchService, FORM, uniqueName } from './support.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

interface ErrorCase {
  name: string;
  request: RequestOptions;
  status: number;
  code: number;
  message: RegExp;
}

const invalid = (name: string, form: RequestOptions['form'], message: RegExp): ErrorCase => ({
  name,
  request: { form },
  status: 400,
  code: 20422,
  message,
});

const rawBody = (name: string, body: string | Uint8Array, headers: Record<string, string> = FORM): ErrorCase => ({
  name,
  request: { body, headers },
  status: 400,
  code: 20422,
  message: /form encoding|Content-Type/,
});

/** Parameter problems shared by create and update; `base` supplies what create requires. */
function settingCases(base: Record<string, string>): ErrorCase[] {
  const cases: ErrorCase[] = [
    invalid('UniqueName of 257 characters', { ...base, UniqueName: 'u'.repeat(257) }, /UniqueName/),
    invalid('empty UniqueName', { ...base, UniqueName: '' }, /UniqueName/),
    invalid('UniqueName shaped like a Service SID', { ...base, UniqueName: 'GA' + '0123456789abcdef'.repeat(2) }, /UniqueName/),
    invalid(
      'UniqueName shaped like a Service SID in upper-case hex',
      { ...base, UniqueName: 'GA' + 'ABCDEF0123456789'.repeat(2) },
      /UniqueName/,
    ),
    invalid('FriendlyName of 65 characters', { ...base, FriendlyName: 'f'.repeat(65) }, /FriendlyName/),
    invalid('MediaRedaction=true without AutoRedaction', { ...base, MediaRedaction: 'true' }, /MediaRedaction/),
    invalid('MediaRedaction=true with AutoRedaction=false', { ...base, MediaRedaction: 'true', AutoRedaction: 'false' }, /MediaRedaction/),
    invalid('WebhookUrl with the ftp scheme', { ...base, WebhookUrl: 'ftp://x' }, /WebhookUrl/),
    invalid('WebhookUrl that is not a URL', { ...base, WebhookUrl: 'not a url' }, /WebhookUrl/),
    invalid('relative WebhookUrl', { ...base, WebhookUrl: '/hooks/intelligence' }, /WebhookUrl/),
    invalid('WebhookHttpMethod PUT', { ...base, WebhookHttpMethod: 'PUT' }, /WebhookHttpMethod/),
    invalid('EncryptionCredentialSid too short', { ...base, EncryptionCredentialSid: 'CR123' }, /EncryptionCredentialSid/),
    invalid(
      'EncryptionCredentialSid with the wrong prefix',
      { ...base, EncryptionCredentialSid: 'XX' + 'a'.repeat(32) },
      /EncryptionCredentialSid/,
    ),
    invalid('FriendlyName given twice', { ...base, FriendlyName: ['a', 'b'] }, /FriendlyName.*more than once/),
    rawBody('a broken percent-escape', 'UniqueName=%ZZ'),
    rawBody('a percent-escape that is not UTF-8', 'UniqueName=%FF'),
    rawBody('a raw byte that is not UTF-8', Buffer.concat([Buffer.from('UniqueName=caf'), Buffer.from([0xff])])),
    rawBody('a JSON body', JSON.stringify({ UniqueName: 'json' }), { 'content-type': 'application/json' }),
    rawBody('a text/plain body', 'UniqueName=plain', { 'content-type': 'text/plain' }),
  ];
  for (const parameter of ['AutoTranscribe', 'DataLogging', 'AutoRedaction', 'MediaRedaction']) {
    for (const value of ['yes', '1', '']) {
      cases.push(
        invalid(`${parameter}=${JSON.stringify(value)}`, { ...base, [parameter]: value }, new RegExp(`${parameter}.*true or false`)),
      );
    }
  }
  return cases;
}

describe('create refuses', () => {
  const cases: ErrorCase[] = [
    invalid('a missing UniqueName', { FriendlyName: 'no name' }, /Missing required parameter UniqueName/),
    { name: 'an empty body', request: { headers: FORM, body: '' }, status: 400, code: 20422, message: /UniqueName/ },
    { name: 'no body at all', request: {}, status: 400, code: 20422, message: /UniqueName/ },
    invalid('UniqueName given twice', { UniqueName: ['a', 'b'] }, /UniqueName.*more than once/),
    invalid('an unsupported LanguageCode', { UniqueName: 'lang', LanguageCode: 'fr-CA' }, /LanguageCode/),
    invalid('a bare language as LanguageCode', { UniqueName: 'lang', LanguageCode: 'en' }, /LanguageCode/),
    invalid('a LanguageCode in the wrong case', { UniqueName: 'lang', LanguageCode: 'EN-us' }, /LanguageCode/),
    ...settingCases({ UniqueName: 'valid-name' }),
  ];

  for (const { name, request, status, code, message } of cases) {
    test(`create answers ${status} ${code} for ${name} and creates nothing`, async () => {
      const { auth } = await server.newAccount();
      assertTwilioError(await server.request('POST', '/v2/Services', { ...request, auth }), status, code, message);
      const list = assertOk(await server.request('GET', '/v2/Services', { auth }), 'ListService', 200);
      assert.deepEqual(list.services, []);
    });
  }

  test('create answers 409 20409 for a UniqueName already used in the account, and keeps the first', async () => {
    const existing = await createService(server, { FriendlyName: 'first' });
    const response = await server.request('POST', '/v2/Services', { form: { UniqueName: existing.unique_name, FriendlyName: 'second' } });
    assertTwilioError(response, 409, 20409, new RegExp(existing.unique_name));
    assert.deepEqual(await fetchService(server, existing.unique_name), existing);
  });
});

describe('update refuses', () => {
  const cases: ErrorCase[] = [
    invalid('a LanguageCode (it cannot change)', { LanguageCode: 'es-MX' }, /LanguageCode/),
    invalid('a LanguageCode equal to the current one', { LanguageCode: 'en-US' }, /LanguageCode/),
    invalid('AutoRedaction=false while MediaRedaction stays true', { AutoRedaction: 'false' }, /MediaRedaction/),
    ...settingCases({}).filter((errorCase) => !errorCase.name.startsWith('MediaRedaction=true')),
  ];

  for (const { name, request, status, code, message } of cases) {
    test(`update answers ${status} ${code} for ${name} and changes nothing`, async () => {
      // AutoRedaction+MediaRedaction set so that turning AutoRedaction off alone is refused.
      const created = await createService(server, { AutoRedaction: 'true', MediaRedaction: 'true', FriendlyName: 'kept' });
      assertTwilioError(await server.request('POST', `/v2/Services/${created.sid}`, request), status, code, message);
      assert.deepEqual(await fetchService(server, created.sid), created);
    });
  }

  test('update answers 400 for MediaRedaction=true on a service without AutoRedaction, and changes nothing', async () => {
    const created = await createService(server);
    const response = await server.request('POST', `/v2/Services/${created.sid}`, { form: { MediaRedaction: 'true' } });
    assertTwilioError(response, 400, 20422, /MediaRedaction/);
    assert.deepEqual(await fetchService(server, created.sid), created);
  });

  test('update answers 409 20409 when renaming to a UniqueName used by another service of the account', async () => {
    const taken = await createService(server);
    const created = await createService(server);
    const response = await server.request('POST', `/v2/Services/${created.sid}`, {
      form: { UniqueName: taken.unique_name, FriendlyName: 'x' },
    });
    assertTwilioError(response, 409, 20409);
    assert.deepEqual(await fetchService(server, created.sid), created);
    assert.deepEqual(await fetchService(server, taken.sid), taken);
  });

  test('update may rename to a UniqueName used in another account', async () => {
    const other = await server.newAccount();
    const theirs = await createService(server, { UniqueName: uniqueName('theirs') }, other.auth);
    const created = await createService(server);
    const response = await server.request('POST', `/v2/Services/${created.sid}`, { form: { UniqueName: theirs.unique_name } });
    assert.equal(assertOk(response, 'UpdateService', 200).unique_name, theirs.unique_name);
  });
});
