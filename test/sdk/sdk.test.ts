// Drives the server only through the official `twilio` npm package, as a user's code would.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import twilio from 'twilio';
import { catalogSid } from '../../src/catalog/sids.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

type Client = ReturnType<typeof twilio>;

let server: TestServer;
let client: Client;

function clientFor(username: string, password: string, accountSid?: string): Client {
  const sdk = twilio(username, password, accountSid === undefined ? {} : { accountSid });
  sdk.intelligence.baseUrl = server.url;
  return sdk;
}

async function restError(promise: Promise<unknown>): Promise<{ status: number; code: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    assert.equal((error as Error).constructor.name, 'RestException');
    return error as { status: number; code: number; message: string };
  }
  assert.fail('expected a RestException');
}

const sentiment = catalogSid('LY', 'Sentiment Analysis');
const summarization = catalogSid('LY', 'Summarization');

before(async () => {
  server = await startTestServer();
  client = clientFor(server.account.sid, server.account.secret);
});
after(() => server.close());

describe('services through the SDK', () => {
  test('create, fetch by unique name, update and delete a service', async () => {
    const created = await client.intelligence.v2.services.create({ uniqueName: 'sdk-crud', friendlyName: 'SDK', autoRedaction: true });
    assert.match(created.sid, /^GA[0-9a-f]{32}$/);
    assert.equal(created.uniqueName, 'sdk-crud');
    assert.equal(created.autoRedaction, true);
    assert.equal(created.languageCode, 'en-US');
    assert.equal(created.version, 1);

    const fetched = await client.intelligence.v2.services('sdk-crud').fetch();
    assert.equal(fetched.sid, created.sid);
    assert.ok(fetched.dateCreated instanceof Date);

    const updated = await client.intelligence.v2.services(created.sid).update({ friendlyName: 'Renamed', ifMatch: '1' });
    assert.equal(updated.friendlyName, 'Renamed');
    assert.equal(updated.version, 2);

    assert.equal(await client.intelligence.v2.services(created.sid).remove(), true);
    const gone = await restError(client.intelligence.v2.services(created.sid).fetch());
    assert.equal(gone.status, 404);
    assert.equal(gone.code, 20404);
  });

  test('list auto-pages across several pages in creation order', async () => {
    const names: string[] = [];
    for (let index = 0; index < 7; index++) {
      const service = await client.intelligence.v2.services.create({ uniqueName: `sdk-page-${index}` });
      names.push(service.uniqueName);
    }
    const listed = await client.intelligence.v2.services.list({ pageSize: 2 });
    const pageNames = listed.map((service) => service.uniqueName).filter((name) => name.startsWith('sdk-page-'));
    assert.deepEqual(pageNames, names);

    const seen: string[] = [];
    // each()'s typings return void; its documented completion signal is the done option.
    await new Promise<void>((resolve, reject) => {
      client.intelligence.v2.services.each({
        pageSize: 3,
        callback: (service) => {
          seen.push(service.uniqueName);
        },
        done: (error?: Error) => (error ? reject(error) : resolve()),
      });
    });
    assert.deepEqual(
      seen.filter((name) => name.startsWith('sdk-page-')),
      names,
    );
  });

  test('errors surface as RestException with status and code', async () => {
    await client.intelligence.v2.services.create({ uniqueName: 'sdk-dup' });
    const duplicate = await restError(client.intelligence.v2.services.create({ uniqueName: 'sdk-dup' }));
    assert.equal(duplicate.status, 409);
    assert.equal(duplicate.code, 20409);

    const badLanguage = await restError(client.intelligence.v2.services.create({ uniqueName: 'sdk-lang', languageCode: 'xx-XX' }));
    assert.equal(badLanguage.status, 400);
    assert.equal(badLanguage.code, 20422);

    const stale = await restError(client.intelligence.v2.services('sdk-dup').update({ friendlyName: 'x', ifMatch: '"7"' }));
    assert.equal(stale.status, 412);
    assert.equal(stale.code, 20412);

    const unauthenticated = await restError(clientFor(server.account.sid, 'wrong-token').intelligence.v2.services.list());
    assert.equal(unauthenticated.status, 401);
    assert.equal(unauthenticated.code, 20003);
  });

  test('an API key acts for its account', async () => {
    const key = await server.newApiKey(server.account.sid);
    const keyClient = clientFor(key.sid, key.secret, server.account.sid);
    const service = await keyClient.intelligence.v2.services.create({ uniqueName: 'sdk-key' });
    assert.equal(service.accountSid, server.account.sid);
    assert.equal((await client.intelligence.v2.services('sdk-key').fetch()).sid, service.sid);
  });
});

describe('operators and attachments through the SDK', () => {
  test('browse operator types and pre-built operators', async () => {
    const types = await client.intelligence.v2.operatorType.list({ pageSize: 5 });
    assert.ok(types.length >= 10);
    const generative = await client.intelligence.v2.operatorType('Generative').fetch();
    assert.equal(generative.configurable, true);
    assert.equal(typeof generative.configSchema, 'object');

    const prebuilt = await client.intelligence.v2.prebuiltOperators.list({ pageSize: 4 });
    assert.ok(prebuilt.some((operator) => operator.sid === sentiment));
    const one = await client.intelligence.v2.prebuiltOperators(sentiment).fetch();
    assert.equal(one.friendlyName, 'Sentiment Analysis');
    const all = await client.intelligence.v2.operators.list({ availability: 'general-availability', languageCode: 'en' });
    assert.ok(all.some((operator) => operator.sid === summarization));
  });

  test('attach, list and detach operators on a service', async () => {
    const service = await client.intelligence.v2.services.create({ uniqueName: 'sdk-attach' });
    const attachment = await client.intelligence.v2.operatorAttachment(service.sid, sentiment).create();
    assert.equal(attachment.serviceSid, service.sid);
    assert.equal(attachment.operatorSid, sentiment);
    await client.intelligence.v2.operatorAttachment(service.sid, summarization).create();
    await client.intelligence.v2.operatorAttachment(service.sid, sentiment).create();

    const attached = await client.intelligence.v2.operatorAttachments(service.sid).fetch();
    assert.deepEqual(attached.operatorSids, [sentiment, summarization]);
    assert.equal((await client.intelligence.v2.services(service.sid).fetch()).version, 3);

    assert.equal(await client.intelligence.v2.operatorAttachment(service.sid, sentiment).remove(), true);
    assert.deepEqual((await client.intelligence.v2.operatorAttachments(service.sid).fetch()).operatorSids, [summarization]);

    const notAttached = await restError(client.intelligence.v2.operatorAttachment(service.sid, sentiment).remove());
    assert.equal(notAttached.status, 404);
    assert.equal(notAttached.code, 20404);
  });

  test('custom operators: create, update with If-Match, attach, refuse delete while attached', async () => {
    const custom = await client.intelligence.v2.customOperators.create({
      friendlyName: 'Refund requests',
      operatorType: 'Generative',
      config: { prompt: 'Did the customer ask for a refund?' },
    });
    assert.match(custom.sid, /^LY[0-9a-f]{32}$/);
    assert.equal(custom.author, server.account.sid);
    assert.deepEqual(custom.config, { prompt: 'Did the customer ask for a refund?' });

    const updated = await client.intelligence.v2.customOperators(custom.sid).update({
      friendlyName: 'Refunds',
      config: { prompt: 'Did the customer ask for money back?' },
      ifMatch: String(custom.version),
    });
    assert.equal(updated.version, 2);

    const invalid = await restError(
      client.intelligence.v2.customOperators.create({ friendlyName: 'Bad', operatorType: 'Generative', config: { prompt: '' } }),
    );
    assert.equal(invalid.status, 400);
    assert.equal(invalid.code, 20422);

    const service = await client.intelligence.v2.services.create({ uniqueName: 'sdk-custom' });
    await client.intelligence.v2.operatorAttachment(service.sid, custom.sid).create();
    const listed = await client.intelligence.v2.operators.list();
    assert.ok(listed.some((operator) => operator.sid === custom.sid));

    const attached = await restError(client.intelligence.v2.customOperators(custom.sid).remove());
    assert.equal(attached.status, 409);
    assert.equal(attached.code, 20409);

    await client.intelligence.v2.operatorAttachment(service.sid, custom.sid).remove();
    assert.equal(await client.intelligence.v2.customOperators(custom.sid).remove(), true);
  });
});
