import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  assertEveryField,
  assertOk,
  assertTwilioError,
  createCustomOperator,
  ISO_SECONDS,
  pathOf,
  prebuiltSid,
  walkForward,
} from './support.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

async function listPrebuilt(query = ''): Promise<any[]> {
  const body = assertOk(await server.request('GET', `/v2/Operators/PreBuilt?PageSize=1000${query}`), 'ListPrebuiltOperator', 200);
  assert.equal(body.meta.next_page_url, null);
  return body.operators;
}

const namesOf = (operators: any[]) => operators.map((operator) => operator.friendly_name);

describe('list and fetch', () => {
  test('list answers every pre-built operator with every field, authored by twilio and without config', async () => {
    const operators = await listPrebuilt();
    assert.ok(operators.length >= 13);
    for (const operator of operators) {
      assertEveryField('intelligence.v2.prebuilt_operator', operator);
      assert.equal(operator.sid, prebuiltSid(operator.friendly_name), 'catalog SIDs are stable');
      assert.equal(operator.account_sid, null);
      assert.equal(operator.author, 'twilio');
      assert.equal(operator.config, null);
      assert.match(operator.date_created, ISO_SECONDS);
      assert.equal(operator.url, `${server.url}/v2/Operators/PreBuilt/${operator.sid}`);
    }
  });

  test('the list never includes custom operators', async () => {
    const custom = await createCustomOperator(server);
    assert.ok((await listPrebuilt()).every((operator) => operator.sid !== custom.sid));
  });

  test('every operator_type of a pre-built operator names an operator type', async () => {
    for (const operator of await listPrebuilt()) {
      const response = await server.request('GET', `/v2/OperatorTypes/${operator.operator_type}`);
      assert.equal(assertOk(response, 'FetchOperatorType', 200).configurable, false, operator.operator_type);
    }
  });

  test('fetch by SID answers the same operator as the list', async () => {
    const sid = prebuiltSid('Sentiment Analysis');
    const listed = (await listPrebuilt()).find((operator) => operator.sid === sid);
    const fetched = assertOk(await server.request('GET', `/v2/Operators/PreBuilt/${sid}`), 'FetchPrebuiltOperator', 200);
    assert.deepEqual(fetched, listed);
    assert.equal(fetched.operator_type, 'Sentiment');
  });

  test('the retired operator is still listed and fetched', async () => {
    const sid = prebuiltSid('Sentiment Analysis (Legacy)');
    const fetched = assertOk(await server.request('GET', `/v2/Operators/PreBuilt/${sid}`), 'FetchPrebuiltOperator', 200);
    assert.equal(fetched.availability, 'retired');
    assert.ok((await listPrebuilt()).some((operator) => operator.sid === sid));
  });

  const sid = prebuiltSid('Sentiment Analysis');
  const unknown: Array<[string, string]> = [
    ['an unknown LY SID', 'LY' + '0'.repeat(32)],
    ['a SID of 33 characters', sid.slice(0, 33)],
    ['a SID of 35 characters', sid + '0'],
    ['a lower-case prefix', 'ly' + sid.slice(2)],
    ['the wrong prefix', 'EY' + sid.slice(2)],
    ['a name instead of a SID', 'Sentiment'],
  ];
  for (const [name, value] of unknown) {
    test(`fetch answers 404 20404 for ${name}`, async () => {
      const path = `/v2/Operators/PreBuilt/${value}`;
      assertTwilioError(await server.request('GET', path), 404, 20404, `The requested resource ${path} was not found`);
    });
  }

  test('fetch of a custom operator SID under /PreBuilt answers 404', async () => {
    const custom = await createCustomOperator(server);
    assertTwilioError(await server.request('GET', `/v2/Operators/PreBuilt/${custom.sid}`), 404, 20404);
  });
});

describe('filters', () => {
  test('Availability=retired answers only the retired operator', async () => {
    assert.deepEqual(namesOf(await listPrebuilt('&Availability=retired')), ['Sentiment Analysis (Legacy)']);
  });

  test('Availability=beta answers only beta operators', async () => {
    const operators = await listPrebuilt('&Availability=beta');
    assert.ok(operators.length >= 1);
    assert.ok(operators.every((operator) => operator.availability === 'beta'));
  });

  test('Availability=general-availability answers exactly the generally available operators', async () => {
    const expected = (await listPrebuilt()).filter((operator) => operator.availability === 'general-availability');
    assert.deepEqual(await listPrebuilt('&Availability=general-availability'), expected);
  });

  test('Availability=public answers an empty list (no pre-built operator is public)', async () => {
    assert.deepEqual(await listPrebuilt('&Availability=public'), []);
  });

  for (const value of ['nonsense', 'Retired', '']) {
    test(`Availability=${JSON.stringify(value)} answers 400 20422 naming Availability`, async () => {
      assertTwilioError(await server.request('GET', `/v2/Operators/PreBuilt?Availability=${value}`), 400, 20422, /Availability/);
    });
  }

  test('LanguageCode=es-MX drops English-only operators and keeps multi-language ones', async () => {
    const names = namesOf(await listPrebuilt('&LanguageCode=es-MX'));
    assert.ok(!names.includes('Agent Introduction'));
    assert.ok(!names.includes('Voicemail Detection'));
    for (const name of ['Sentiment Analysis', 'Summarization', 'Entity Recognition']) assert.ok(names.includes(name), name);
  });

  test('LanguageCode=en-GB keeps English-only operators (`en` covers en-GB)', async () => {
    const names = namesOf(await listPrebuilt('&LanguageCode=en-GB'));
    for (const name of ['Agent Introduction', 'Voicemail Detection', 'Sentiment Analysis']) assert.ok(names.includes(name), name);
  });

  test('LanguageCode and Availability combine', async () => {
    const names = namesOf(await listPrebuilt('&LanguageCode=es-MX&Availability=retired'));
    assert.deepEqual(names, ['Sentiment Analysis (Legacy)']);
    assert.deepEqual(await listPrebuilt('&LanguageCode=da-DK&Availability=beta'), []);
  });

  test('filters are echoed in the paging URLs before PageSize and Page, and kept while walking', async () => {
    const query = 'LanguageCode=en-US&Availability=general-availability';
    const first = assertOk(await server.request('GET', `/v2/Operators/PreBuilt?${query}&PageSize=2`), 'ListPrebuiltOperator', 200);
    const filters = (url: string) => {
      const keys = [...new URL(url).searchParams.keys()];
      const pageSizeAt = keys.indexOf('PageSize');
      return { before: keys.slice(0, pageSizeAt).sort(), after: keys.slice(pageSizeAt) };
    };
    for (const url of [first.meta.url, first.meta.first_page_url, first.meta.next_page_url]) {
      assert.deepEqual(filters(url).before, ['Availability', 'LanguageCode'], url);
      assert.equal(new URL(url).searchParams.get('LanguageCode'), 'en-US');
      assert.equal(new URL(url).searchParams.get('Availability'), 'general-availability');
    }
    assert.deepEqual(filters(first.meta.url).after, ['PageSize', 'Page']);
    assert.deepEqual(filters(first.meta.next_page_url).after, ['PageSize', 'Page', 'PageToken']);
    const rest = await walkForward(server, pathOf(server, first.meta.next_page_url), 'ListPrebuiltOperator');
    assert.deepEqual(
      [first, ...rest].flatMap((page) => page.operators),
      await listPrebuilt(`&${query}`),
    );
  });
});
