import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  assertEveryField,
  assertNoContent,
  assertOk,
  assertTwilioError,
  attach,
  createCustomOperator,
  createService,
  fetchService,
  ISO_SECONDS,
  pause,
  prebuiltSid,
  uniqueName,
} from './support.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

describe('create', () => {
  test('create answers 201 with the defaults, every field of the spec, and ETag "1"', async () => {
    const name = uniqueName('defaults');
    const response = await server.request('POST', '/v2/Services', { form: { UniqueName: name } });
    const body = assertOk(response, 'CreateService', 201);
    assertEveryField('intelligence.v2.service', body);
    assert.equal(response.headers.get('etag'), '"1"');
    assert.match(body.sid, /^GA[0-9a-f]{32}$/);
    assert.equal(body.account_sid, server.account.sid);
    assert.equal(body.unique_name, name);
    assert.equal(body.friendly_name, null);
    assert.equal(body.language_code, 'en-US');
    assert.equal(body.auto_transcribe, false);
    assert.equal(body.data_logging, false);
    assert.equal(body.auto_redaction, false);
    assert.equal(body.media_redaction, false);
    assert.equal(body.webhook_url, null);
    assert.equal(body.webhook_http_method, 'POST');
    assert.equal(body.encryption_credential_sid, null);
    assert.deepEqual(body.read_only_attached_operator_sids, []);
    assert.equal(body.version, 1);
    assert.match(body.date_created, ISO_SECONDS);
    assert.equal(body.date_updated, body.date_created);
    assert.equal(body.url, `${server.url}/v2/Services/${body.sid}`);
  });

  test('create stores every parameter it is given', async () => {
    const form = {
      UniqueName: uniqueName('full'),
      FriendlyName: 'Support line',
      LanguageCode: 'es-MX',
      AutoTranscribe: 'true',
      DataLogging: 'true',
      AutoRedaction: 'true',
      MediaRedaction: 'true',
      WebhookUrl: 'https://example.com/hooks/intelligence?x=1',
      WebhookHttpMethod: 'GET',
      EncryptionCredentialSid: 'CR' + 'ab'.repeat(16),
    };
    const created = await createService(server, form);
    const expected = {
      unique_name: form.UniqueName,
      friendly_name: 'Support line',
      language_code: 'es-MX',
      auto_transcribe: true,
      data_logging: true,
      auto_redaction: true,
      media_redaction: true,
      webhook_url: form.WebhookUrl,
      webhook_http_method: 'GET',
      encryption_credential_sid: form.EncryptionCredentialSid,
    };
    for (const [field, value] of Object.entries(expected)) assert.equal(created[field], value, field);
    assert.deepEqual(await fetchService(server, created.sid), created);
  });

  test('booleans are accepted in any case', async () => {
    const created = await createService(server, { AutoTranscribe: 'TRUE', DataLogging: 'False', AutoRedaction: 'tRuE' });
    assert.equal(created.auto_transcribe, true);
    assert.equal(created.data_logging, false);
    assert.equal(created.auto_redaction, true);
  });

  test('unknown parameters are ignored', async () => {
    const created = await createService(server, { Colour: 'blue', uniquename: 'lowercase-is-not-the-parameter' });
    assert.ok(!('colour' in created) && !('Colour' in created));
    assert.notEqual(created.unique_name, 'lowercase-is-not-the-parameter');
  });

  test('the same UniqueName may be used in another account', async () => {
    const name = uniqueName('shared');
    const other = await server.newAccount();
    const mine = await createService(server, { UniqueName: name });
    const theirs = await createService(server, { UniqueName: name }, other.auth);
    assert.notEqual(mine.sid, theirs.sid);
    assert.equal(theirs.account_sid, other.account.sid);
    assert.equal((await fetchService(server, name)).sid, mine.sid);
    assert.equal((await fetchService(server, name, other.auth)).sid, theirs.sid);
  });
});

describe('fetch and list', () => {
  test('fetch by SID answers the service with its ETag', async () => {
    const created = await createService(server, { FriendlyName: 'By SID' });
    const response = await server.request('GET', `/v2/Services/${created.sid}`);
    assert.deepEqual(assertOk(response, 'FetchService', 200), created);
    assert.equal(response.headers.get('etag'), '"1"');
  });

  test('fetch by UniqueName answers the same service as by SID, even with spaces and slashes', async () => {
    const created = await createService(server, { UniqueName: uniqueName('with space/and slash') });
    assert.deepEqual(await fetchService(server, created.unique_name), created);
  });

  test('fetch of an unknown SID or UniqueName answers 404 20404 naming the path', async () => {
    const sid = 'GA' + '0'.repeat(32);
    assertTwilioError(
      await server.request('GET', `/v2/Services/${sid}`),
      404,
      20404,
      `The requested resource /v2/Services/${sid} was not found`,
    );
    assertTwilioError(await server.request('GET', '/v2/Services/no-such-name'), 404, 20404);
  });

  test("another account's service is answered 404 by SID and by UniqueName", async () => {
    const other = await server.newAccount();
    const theirs = await createService(server, {}, other.auth);
    assertTwilioError(await server.request('GET', `/v2/Services/${theirs.sid}`), 404, 20404);
    assertTwilioError(await server.request('GET', `/v2/Services/${theirs.unique_name}`), 404, 20404);
  });

  test("list answers the account's services oldest first, and no other account's", async () => {
    const other = await server.newAccount();
    const first = await createService(server, {}, other.auth);
    await pause();
    const second = await createService(server, {}, other.auth);
    await createService(server);
    const response = await server.request('GET', '/v2/Services', { auth: other.auth });
    const body = assertOk(response, 'ListService', 200);
    assert.deepEqual(body.services, [first, second]);
    assert.equal(body.meta.key, 'services');
    assert.equal(body.meta.page, 0);
    assert.equal(body.meta.page_size, 50);
    assert.equal(body.meta.next_page_url, null);
    assert.equal(body.meta.previous_page_url, null);
  });
});

describe('update', () => {
  test('update answers 200, bumps version and ETag, and keeps the fields it does not name', async () => {
    const created = await createService(server, { FriendlyName: 'Before', AutoTranscribe: 'true', WebhookUrl: 'https://example.com/a' });
    const response = await server.request('POST', `/v2/Services/${created.sid}`, { form: { FriendlyName: 'After' } });
    const updated = assertOk(response, 'UpdateService', 200);
    assert.equal(response.headers.get('etag'), '"2"');
    assert.deepEqual(updated, { ...created, friendly_name: 'After', version: 2, date_updated: updated.date_updated });
    assert.match(updated.date_updated, ISO_SECONDS);
    assert.ok(updated.date_updated >= created.date_updated);
    assert.deepEqual(await fetchService(server, created.sid), updated);
  });

  test('each update bumps version by one', async () => {
    const created = await createService(server);
    for (let round = 1; round <= 3; round++) {
      const response = await server.request('POST', `/v2/Services/${created.sid}`, { form: { FriendlyName: `round ${round}` } });
      assert.equal(assertOk(response, 'UpdateService', 200).version, 1 + round);
    }
  });

  test('update by UniqueName can rename the service, which is then found by its new name only', async () => {
    const created = await createService(server);
    const newName = uniqueName('renamed');
    const response = await server.request('POST', `/v2/Services/${created.unique_name}`, { form: { UniqueName: newName } });
    assert.equal(assertOk(response, 'UpdateService', 200).unique_name, newName);
    assert.equal((await fetchService(server, newName)).sid, created.sid);
    assertTwilioError(await server.request('GET', `/v2/Services/${created.unique_name}`), 404, 20404);
  });

  test('update can set every settable parameter, and clear WebhookUrl with an empty value', async () => {
    const created = await createService(server, { WebhookUrl: 'https://example.com/old' });
    const form = {
      FriendlyName: 'All',
      AutoTranscribe: 'true',
      DataLogging: 'true',
      AutoRedaction: 'true',
      MediaRedaction: 'true',
      WebhookHttpMethod: 'GET',
      EncryptionCredentialSid: 'CR' + 'cd'.repeat(16),
    };
    const updated = assertOk(await server.request('POST', `/v2/Services/${created.sid}`, { form }), 'UpdateService', 200);
    assert.equal(updated.auto_transcribe && updated.data_logging && updated.auto_redaction && updated.media_redaction, true);
    assert.equal(updated.webhook_http_method, 'GET');
    assert.equal(updated.encryption_credential_sid, form.EncryptionCredentialSid);
    const cleared = assertOk(
      await server.request('POST', `/v2/Services/${created.sid}`, { form: { WebhookUrl: '' } }),
      'UpdateService',
      200,
    );
    assert.equal(cleared.webhook_url, null);
  });

  test('an update naming no known parameter changes nothing and does not bump version', async () => {
    const created = await createService(server);
    for (const options of [{ form: { Colour: 'blue' } }, {}]) {
      const response = await server.request('POST', `/v2/Services/${created.sid}`, options);
      assert.deepEqual(assertOk(response, 'UpdateService', 200), created);
      assert.equal(response.headers.get('etag'), '"1"');
    }
    assert.deepEqual(await fetchService(server, created.sid), created);
  });

  test("update of an unknown or another account's service answers 404", async () => {
    const other = await server.newAccount();
    const theirs = await createService(server, {}, other.auth);
    for (const path of [`/v2/Services/${theirs.sid}`, `/v2/Services/${theirs.unique_name}`, '/v2/Services/no-such-service']) {
      assertTwilioError(await server.request('POST', path, { form: { FriendlyName: 'hijack' } }), 404, 20404);
    }
    assert.deepEqual(await fetchService(server, theirs.sid, other.auth), theirs);
  });
});

describe('delete', () => {
  test('delete answers 204 with an empty body, then the service is 404', async () => {
    const created = await createService(server);
    assertNoContent(await server.request('DELETE', `/v2/Services/${created.sid}`));
    assertTwilioError(await server.request('GET', `/v2/Services/${created.sid}`), 404, 20404);
    assertTwilioError(await server.request('DELETE', `/v2/Services/${created.sid}`), 404, 20404);
  });

  test('delete by UniqueName removes the service and frees the name', async () => {
    const created = await createService(server);
    assertNoContent(await server.request('DELETE', `/v2/Services/${created.unique_name}`));
    assertTwilioError(await server.request('GET', `/v2/Services/${created.sid}`), 404, 20404);
    const again = await createService(server, { UniqueName: created.unique_name });
    assert.notEqual(again.sid, created.sid);
    assert.deepEqual(again.read_only_attached_operator_sids, []);
  });

  test("delete of another account's service answers 404 and leaves it in place", async () => {
    const other = await server.newAccount();
    const theirs = await createService(server, {}, other.auth);
    assertTwilioError(await server.request('DELETE', `/v2/Services/${theirs.sid}`), 404, 20404);
    assert.deepEqual(await fetchService(server, theirs.sid, other.auth), theirs);
  });

  test('deleting a service removes its attachments, so an attached custom operator can then be deleted', async () => {
    const service = await createService(server);
    const custom = await createCustomOperator(server);
    await attach(server, service.sid, custom.sid);
    await attach(server, service.sid, prebuiltSid('Summarization'));
    assertTwilioError(await server.request('DELETE', `/v2/Operators/Custom/${custom.sid}`), 409, 20409);
    assertNoContent(await server.request('DELETE', `/v2/Services/${service.sid}`));
    assertNoContent(await server.request('DELETE', `/v2/Operators/Custom/${custom.sid}`));
  });
});
