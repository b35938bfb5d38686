import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TRANSCRIPTION_LANGUAGES } from '../../src/languages.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { assertEveryField, assertOk, assertTwilioError, ISO_SECONDS, operatorTypeSid, pathOf } from './support.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const CONFIGURABLE = ['Generative', 'GenerativeJSON', 'LiteralClassification', 'LiteralSpot'];

async function listTypes(query = ''): Promise<any> {
  const body = assertOk(await server.request('GET', `/v2/OperatorTypes?PageSize=1000${query}`), 'ListOperatorType', 200);
  assert.equal(body.meta.next_page_url, null, 'the whole catalog fits on one page');
  return body;
}

const namesOf = (body: any): string[] => body.operator_types.map((type: any) => type.name);

describe('list and fetch', () => {
  test('list answers every operator type with every field of the spec', async () => {
    const body = await listTypes();
    assert.equal(body.meta.key, 'operator_types');
    assert.ok(body.operator_types.length >= 5);
    for (const type of body.operator_types) {
      assertEveryField('intelligence.v2.operator_type', type);
      assert.match(type.sid, /^EY[0-9a-f]{32}$/);
      assert.equal(type.sid, operatorTypeSid(type.name), 'catalog SIDs are stable');
      assert.match(type.date_created, ISO_SECONDS);
      assert.equal(type.url, `${server.url}/v2/OperatorTypes/${type.sid}`);
      assert.equal(type.configurable, type.config_schema !== null, `${type.name}: config_schema only when configurable`);
    }
  });

  test('the configurable types are LiteralSpot, LiteralClassification, Generative and GenerativeJSON, in every transcription language', async () => {
    const configurable = (await listTypes()).operator_types.filter((type: any) => type.configurable);
    assert.deepEqual(configurable.map((type: any) => type.name).sort(), CONFIGURABLE);
    for (const type of configurable) {
      assert.deepEqual([...type.supported_languages].sort(), [...TRANSCRIPTION_LANGUAGES].sort());
      assert.equal(typeof type.config_schema, 'object');
      assert.equal(type.config_schema.type, 'object');
    }
  });

  test('fetch by EY SID and by name answer the same operator type as the list', async () => {
    const listed = (await listTypes()).operator_types.find((type: any) => type.name === 'Sentiment');
    const bySid = assertOk(await server.request('GET', `/v2/OperatorTypes/${operatorTypeSid('Sentiment')}`), 'FetchOperatorType', 200);
    const byName = assertOk(await server.request('GET', '/v2/OperatorTypes/Sentiment'), 'FetchOperatorType', 200);
    assert.deepEqual(bySid, listed);
    assert.deepEqual(byName, listed);
  });

  test('a configurable type publishes its config_schema as a JSON object', async () => {
    const generative = assertOk(await server.request('GET', '/v2/OperatorTypes/Generative'), 'FetchOperatorType', 200);
    assert.equal(generative.configurable, true);
    assert.deepEqual(generative.config_schema.required, ['prompt']);
    assert.equal(generative.config_schema.properties.prompt.maxLength, 4000);
  });

  const unknown: Array<[string, string]> = [
    ['an unknown EY SID', 'EY' + '0'.repeat(32)],
    ['a SID of 33 characters', operatorTypeSid('Sentiment').slice(0, 33)],
    ['a SID of 35 characters', operatorTypeSid('Sentiment') + 'a'],
    ['a lower-case prefix', 'ey' + operatorTypeSid('Sentiment').slice(2)],
    ['the wrong prefix', 'LY' + operatorTypeSid('Sentiment').slice(2)],
    ['an unknown name', 'NoSuchType'],
    ['a name in the wrong case', 'sentiment'],
  ];
  for (const [name, sid] of unknown) {
    test(`fetch answers 404 20404 for ${name}`, async () => {
      assertTwilioError(
        await server.request('GET', `/v2/OperatorTypes/${sid}`),
        404,
        20404,
        `The requested resource /v2/OperatorTypes/${sid} was not found`,
      );
    });
  }
});

describe('LanguageCode filter', () => {
  test('en-US keeps English-only types (a supported `en` covers `en-US`) and every configurable type', async () => {
    const names = namesOf(await listTypes('&LanguageCode=en-US'));
    for (const name of ['AgentIntroduction', 'Sentiment', 'EntityRecognition', ...CONFIGURABLE]) assert.ok(names.includes(name), name);
  });

  test('en-GB keeps English-only types too', async () => {
    assert.ok(namesOf(await listTypes('&LanguageCode=en-GB')).includes('AgentIntroduction'));
  });

  test('a bare `en` is covered by regional codes, so it keeps the configurable types', async () => {
    const names = namesOf(await listTypes('&LanguageCode=en'));
    for (const name of ['AgentIntroduction', ...CONFIGURABLE]) assert.ok(names.includes(name), name);
  });

  test('es-MX drops English-only types and keeps types that support `es` or es-MX', async () => {
    const names = namesOf(await listTypes('&LanguageCode=es-MX'));
    assert.ok(!names.includes('AgentIntroduction'));
    for (const name of ['EntityRecognition', 'Sentiment', ...CONFIGURABLE]) assert.ok(names.includes(name), name);
  });

  test('every listed type supports the language asked, and every unlisted one does not', async () => {
    const all = (await listTypes()).operator_types;
    for (const code of ['en-US', 'da-DK', 'de-DE', 'es', 'pt']) {
      const listed = new Set(namesOf(await listTypes(`&LanguageCode=${code}`)));
      const base = code.split('-')[0];
      for (const type of all) {
        const languages: string[] = type.supported_languages;
        const supports = languages.some(
          (language) => language === code || language === base || (!code.includes('-') && language.startsWith(`${code}-`)),
        );
        assert.equal(listed.has(type.name), supports, `${type.name} for ${code}`);
      }
    }
  });

  test('a language no type supports answers an empty list', async () => {
    assert.deepEqual((await listTypes('&LanguageCode=xx-XX')).operator_types, []);
  });

  test('the filter is echoed in the paging URLs before PageSize and Page', async () => {
    const body = assertOk(await server.request('GET', '/v2/OperatorTypes?LanguageCode=en-US&PageSize=2'), 'ListOperatorType', 200);
    const prefix = `${server.url}/v2/OperatorTypes?LanguageCode=en-US&PageSize=2&Page=`;
    assert.equal(body.meta.url, `${prefix}0`);
    assert.equal(body.meta.first_page_url, `${prefix}0`);
    assert.ok(body.meta.next_page_url.startsWith(`${prefix}1&PageToken=`), body.meta.next_page_url);
    const second = assertOk(await server.request('GET', pathOf(server, body.meta.next_page_url)), 'ListOperatorType', 200);
    assert.ok(second.meta.previous_page_url.startsWith(`${prefix}0&PageToken=`));
    for (const type of second.operator_types) assert.ok(namesOf(body).every((name) => name !== type.name));
  });

  test('Availability is not a parameter of the operator type list, so it is ignored', async () => {
    assert.deepEqual(namesOf(await listTypes('&Availability=nonsense')), namesOf(await listTypes()));
  });
});
