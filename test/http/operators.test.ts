// /v2/Operators: pre-built operators and the caller's custom operators, listed and fetched together.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  assertEveryField,
  assertNoContent,
  assertOk,
  assertTwilioError,
  type Auth,
  createCustomOperator,
  pathOf,
  pause,
  prebuiltSid,
  validConfigs,
  walkBack,
  walkForward,
} from './support.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

async function listOperators(auth: Auth, query = ''): Promise<any[]> {
  const body = assertOk(await server.request('GET', `/v2/Operators?PageSize=1000${query}`, { auth }), 'ListOperator', 200);
  assert.equal(body.meta.key, 'operators');
  assert.equal(body.meta.next_page_url, null);
  return body.operators;
}

const sidsOf = (operators: any[]) => operators.map((operator) => operator.sid);

describe('list', () => {
  test("list answers every pre-built operator and the caller's custom operators, oldest first", async () => {
    const { auth } = await server.newAccount();
    const prebuilt = await listOperators(auth);
    assert.ok(prebuilt.length >= 13 && prebuilt.every((operator) => operator.author === 'twilio'));
    const first = await createCustomOperator(server, { operatorType: 'LiteralSpot', auth });
    await pause();
    const second = await createCustomOperator(server, { operatorType: 'GenerativeJSON', auth });
    const operators = await listOperators(auth);
    assert.deepEqual(sidsOf(operators), [...sidsOf(prebuilt), first.sid, second.sid]);
    for (const operator of operators) {
      assertEveryField('intelligence.v2.operator', operator);
      assert.equal(operator.url, `${server.url}/v2/Operators/${operator.sid}`);
    }
  });

  test('custom operators in the list carry their author, account, availability and config object', async () => {
    const { account, auth } = await server.newAccount();
    const custom = await createCustomOperator(server, { operatorType: 'LiteralClassification', auth });
    const listed = (await listOperators(auth)).find((operator) => operator.sid === custom.sid);
    assert.deepEqual(listed, { ...custom, url: `${server.url}/v2/Operators/${custom.sid}` });
    assert.equal(listed.author, account.sid);
    assert.equal(listed.account_sid, account.sid);
    assert.equal(listed.availability, 'public');
    assert.deepEqual(listed.config, validConfigs.LiteralClassification);
  });

  test('pre-built operators in the list have no account and a null config', async () => {
    const { auth } = await server.newAccount();
    const sentiment = (await listOperators(auth)).find((operator) => operator.sid === prebuiltSid('Sentiment Analysis'));
    assert.equal(sentiment.account_sid, null);
    assert.equal(sentiment.config, null);
    assert.equal(sentiment.author, 'twilio');
  });

  test("another account's custom operators are never listed", async () => {
    const mine = await server.newAccount();
    const theirs = await server.newAccount();
    const hidden = await createCustomOperator(server, { auth: theirs.auth });
    const visible = await createCustomOperator(server, { auth: mine.auth });
    const sids = sidsOf(await listOperators(mine.auth));
    assert.ok(sids.includes(visible.sid));
    assert.ok(!sids.includes(hidden.sid));
    assert.ok(!sidsOf(await listOperators(theirs.auth)).includes(visible.sid));
  });

  test('a deleted custom operator leaves the list', async () => {
    const { auth } = await server.newAccount();
    const custom = await createCustomOperator(server, { auth });
    assertNoContent(await server.request('DELETE', `/v2/Operators/Custom/${custom.sid}`, { auth }));
    assert.ok(!sidsOf(await listOperators(auth)).includes(custom.sid));
  });

  test('paging walks across pre-built and custom operators without gaps or repeats, both ways', async () => {
    const { auth } = await server.newAccount();
    for (let index = 0; index < 5; index++) await createCustomOperator(server, { auth });
    const all = await listOperators(auth);
    const pages = await walkForward(server, '/v2/Operators?PageSize=4', 'ListOperator', auth);
    assert.deepEqual(sidsOf(pages.flatMap((page) => page.operators)), sidsOf(all));
    const back = await walkBack(server, pages[pages.length - 1], 'ListOperator', auth);
    assert.deepEqual(
      back.map((page) => sidsOf(page.operators)),
      pages.slice(0, -1).map((page) => sidsOf(page.operators)),
    );
  });
});

describe('filters', () => {
  test("Availability=public answers only the caller's custom operators", async () => {
    const { auth } = await server.newAccount();
    const custom = await createCustomOperator(server, { auth });
    assert.deepEqual(sidsOf(await listOperators(auth, '&Availability=public')), [custom.sid]);
  });

  test('Availability=retired answers only the retired pre-built operator', async () => {
    const { auth } = await server.newAccount();
    await createCustomOperator(server, { auth });
    assert.deepEqual(sidsOf(await listOperators(auth, '&Availability=retired')), [prebuiltSid('Sentiment Analysis (Legacy)')]);
  });

  test('Availability=deprecated is a valid filter on /v2/Operators (the built-in catalog has no deprecated operator)', async () => {
    const { auth } = await server.newAccount();
    assert.deepEqual(await listOperators(auth, '&Availability=deprecated'), []);
  });

  for (const value of ['nonsense', 'PUBLIC']) {
    test(`Availability=${value} answers 400 20422`, async () => {
      assertTwilioError(await server.request('GET', `/v2/Operators?Availability=${value}`), 400, 20422, /Availability/);
    });
  }

  test('LanguageCode=es-MX keeps custom operators (configurable types support every language) and drops English-only ones', async () => {
    const { auth } = await server.newAccount();
    const custom = await createCustomOperator(server, { operatorType: 'LiteralSpot', auth });
    const sids = sidsOf(await listOperators(auth, '&LanguageCode=es-MX'));
    assert.ok(sids.includes(custom.sid));
    assert.ok(sids.includes(prebuiltSid('Summarization')));
    assert.ok(!sids.includes(prebuiltSid('Agent Introduction')));
  });

  test('filters are echoed in the paging URLs before PageSize and Page', async () => {
    const body = assertOk(
      await server.request('GET', '/v2/Operators?Availability=general-availability&LanguageCode=en-US&PageSize=3'),
      'ListOperator',
      200,
    );
    for (const url of [body.meta.url, body.meta.first_page_url, body.meta.next_page_url]) {
      const query = new URL(url).search;
      assert.match(
        query,
        /^\?(LanguageCode=en-US&Availability=general-availability|Availability=general-availability&LanguageCode=en-US)&PageSize=3&Page=\d/,
        url,
      );
    }
    const pages = await walkForward(server, pathOf(server, body.meta.url), 'ListOperator');
    assert.ok(pages.flatMap((page) => page.operators).every((operator: any) => operator.availability === 'general-availability'));
  });
});

describe('fetch', () => {
  test('fetch of a pre-built operator answers it with a url under /v2/Operators', async () => {
    const sid = prebuiltSid('Summarization');
    const body = assertOk(await server.request('GET', `/v2/Operators/${sid}`), 'FetchOperator', 200);
    assertEveryField('intelligence.v2.operator', body);
    assert.equal(body.sid, sid);
    assert.equal(body.url, `${server.url}/v2/Operators/${sid}`);
    const prebuilt = assertOk(await server.request('GET', `/v2/Operators/PreBuilt/${sid}`), 'FetchPrebuiltOperator', 200);
    assert.deepEqual({ ...body, url: prebuilt.url }, prebuilt);
  });

  test("fetch of the caller's custom operator answers it with its config and ETag", async () => {
    const custom = await createCustomOperator(server, { operatorType: 'Generative' });
    const response = await server.request('GET', `/v2/Operators/${custom.sid}`);
    const body = assertOk(response, 'FetchOperator', 200);
    assert.deepEqual(body, { ...custom, url: `${server.url}/v2/Operators/${custom.sid}` });
    assert.deepEqual(body.config, { prompt: 'Summarize the call' });
    assert.equal(response.headers.get('etag'), '"1"');
  });

  test("fetch of another account's custom operator answers 404 exactly like an unknown SID", async () => {
    const other = await server.newAccount();
    const theirs = await createCustomOperator(server, { auth: other.auth });
    const hidden = await server.request('GET', `/v2/Operators/${theirs.sid}`);
    assertTwilioError(hidden, 404, 20404, `The requested resource /v2/Operators/${theirs.sid} was not found`);
    assertOk(await server.request('GET', `/v2/Operators/${theirs.sid}`, { auth: other.auth }), 'FetchOperator', 200);
  });

  const sid = prebuiltSid('Summarization');
  const malformed: Array<[string, string]> = [
    ['an unknown LY SID', 'LY' + 'f'.repeat(32)],
    ['a SID of 33 characters', sid.slice(0, 33)],
    ['a SID of 35 characters', sid + 'a'],
    ['a lower-case prefix', 'ly' + sid.slice(2)],
    ['a GA SID', 'GA' + sid.slice(2)],
  ];
  for (const [name, value] of malformed) {
    test(`fetch answers 404 20404 for ${name}`, async () => {
      assertTwilioError(await server.request('GET', `/v2/Operators/${value}`), 404, 20404);
    });
  }
});
