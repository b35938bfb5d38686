// Twilio paging on every list: PageSize/Page/PageToken in, meta with absolute URLs out.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { assertOk, assertTwilioError, createService, pathOf, pause, type Auth, walkBack, walkForward } from './support.js';

let server: TestServer;
let auth: Auth;
let services: any[];
before(async () => {
  server = await startTestServer();
  auth = (await server.newAccount()).auth;
  services = [];
  for (let index = 0; index < 7; index++) {
    services.push(await createService(server, { FriendlyName: `paged ${index}` }, auth));
    await pause();
  }
});
after(() => server.close());

const sidsOf = (items: any[]) => items.map((item) => item.sid);

async function page(path: string): Promise<any> {
  return assertOk(await server.request('GET', path, { auth }), 'ListService', 200);
}

describe('services', () => {
  test('PageSize=3 walks three pages forward via next_page_url, oldest first', async () => {
    const first = await page('/v2/Services?PageSize=3');
    const second = await page(pathOf(server, first.meta.next_page_url));
    const third = await page(pathOf(server, second.meta.next_page_url));
    assert.deepEqual(
      [first, second, third].map((body) => body.services.length),
      [3, 3, 1],
    );
    assert.deepEqual([...first.services, ...second.services, ...third.services], services);
    assert.equal(third.meta.next_page_url, null);
  });

  test('meta names the page, its size, the key, and absolute URLs on this server', async () => {
    const first = await page('/v2/Services?PageSize=3');
    const prefix = `${server.url}/v2/Services?PageSize=3&Page=`;
    assert.deepEqual(
      { ...first.meta, next_page_url: null },
      {
        page: 0,
        page_size: 3,
        key: 'services',
        url: `${prefix}0`,
        first_page_url: `${prefix}0`,
        previous_page_url: null,
        next_page_url: null,
      },
    );
    assert.match(first.meta.next_page_url, new RegExp(`^${prefix.replace(/[?.]/g, '\\$&')}1&PageToken=[A-Za-z0-9_-]+$`));
    const second = await page(pathOf(server, first.meta.next_page_url));
    assert.equal(second.meta.page, 1);
    assert.equal(second.meta.url, first.meta.next_page_url);
    assert.equal(second.meta.first_page_url, `${prefix}0`);
  });

  test('previous_page_url walks back to the same pages, and the first page has none', async () => {
    const forward = await walkForward(server, '/v2/Services?PageSize=3', 'ListService', auth);
    assert.equal(forward[0].meta.previous_page_url, null);
    const back = await walkBack(server, forward[forward.length - 1], 'ListService', auth);
    assert.deepEqual(
      back.map((body) => body.services),
      forward.slice(0, -1).map((body) => body.services),
    );
    assert.deepEqual(
      back.map((body) => body.meta.page),
      [0, 1],
    );
    assert.notEqual(back[0].meta.next_page_url, null);
  });

  test('a page size equal to the count answers one page without next_page_url', async () => {
    const only = await page('/v2/Services?PageSize=7');
    assert.deepEqual(only.services, services);
    assert.equal(only.meta.next_page_url, null);
  });

  test('PageSize=1 walks seven pages', async () => {
    const pages = await walkForward(server, '/v2/Services?PageSize=1', 'ListService', auth);
    assert.equal(pages.length, 7);
    assert.deepEqual(
      pages.flatMap((body) => body.services),
      services,
    );
  });

  test('unknown query parameters are ignored and not echoed in the paging URLs', async () => {
    const body = await page('/v2/Services?Colour=blue&PageSize=3');
    assert.deepEqual(body.services, services.slice(0, 3));
    for (const url of [body.meta.url, body.meta.first_page_url, body.meta.next_page_url]) assert.ok(!url.includes('Colour'), url);
  });

  test('PageSize=1000 is accepted, and the default page size is 50', async () => {
    assert.equal((await page('/v2/Services?PageSize=1000')).meta.page_size, 1000);
    assert.equal((await page('/v2/Services')).meta.page_size, 50);
  });

  test('a service created while walking shows up on the last page, none is repeated', async () => {
    const { auth: ownAuth } = await server.newAccount();
    const own = [await createService(server, {}, ownAuth)];
    await pause();
    own.push(await createService(server, {}, ownAuth));
    const first = assertOk(await server.request('GET', '/v2/Services?PageSize=1', { auth: ownAuth }), 'ListService', 200);
    await pause();
    own.push(await createService(server, {}, ownAuth));
    const rest = await walkForward(server, pathOf(server, first.meta.next_page_url), 'ListService', ownAuth);
    assert.deepEqual(sidsOf([first, ...rest].flatMap((body) => body.services)), sidsOf(own));
  });
});

describe('invalid paging parameters', () => {
  function tokenLike(text: string): string {
    return 'PT' + Buffer.from(text, 'utf8').toString('base64url');
  }

  const cases: Array<[string, string | (() => Promise<string>)]> = [
    ['PageSize=0', 'PageSize=0'],
    ['PageSize=1001', 'PageSize=1001'],
    ['PageSize=abc', 'PageSize=abc'],
    ['PageSize=-1', 'PageSize=-1'],
    ['PageSize=1.5', 'PageSize=1.5'],
    ['an empty PageSize', 'PageSize='],
    ['PageSize given twice', 'PageSize=2&PageSize=3'],
    ['Page=-1', 'Page=-1'],
    ['Page=x', 'Page=x'],
    ['a garbage PageToken', 'PageToken=garbage'],
    ['a PageToken that is not base64url', 'PageToken=PT!!!'],
    ['a PageToken with a forged direction', `PageToken=${tokenLike(`c.1.GA${'0'.repeat(32)}`)}`],
    ['a PageToken naming a malformed SID', `PageToken=${tokenLike(`a.1.GA${'z'.repeat(32)}`)}`],
    ['a PageToken that is too long', `PageToken=PT${'A'.repeat(300)}`],
    ['a truncated PageToken', async () => `PageToken=${(await realToken()).slice(0, -4)}`],
    ['a PageToken with another prefix', async () => `PageToken=PX${(await realToken()).slice(2)}`],
    ['a PageToken given twice', async () => `PageToken=${await realToken()}&PageToken=${await realToken()}`],
  ];

  async function realToken(): Promise<string> {
    const first = await page('/v2/Services?PageSize=2');
    return new URL(first.meta.next_page_url).searchParams.get('PageToken')!;
  }

  for (const [name, query] of cases) {
    test(`${name} answers 400 20422 naming the parameter`, async () => {
      const text = typeof query === 'string' ? query : await query();
      const [parameter = ''] = text.split('=');
      for (const path of ['/v2/Services', '/v2/Operators', '/v2/OperatorTypes']) {
        assertTwilioError(await server.request('GET', `${path}?${text}`, { auth }), 400, 20422, new RegExp(parameter));
      }
    });
  }
});

describe('catalog lists', () => {
  const lists: Array<[string, string, string]> = [
    ['/v2/Operators/PreBuilt', 'ListPrebuiltOperator', 'operators'],
    ['/v2/OperatorTypes', 'ListOperatorType', 'operator_types'],
  ];
  for (const [path, operationId, key] of lists) {
    test(`${path} walks forward and back with PageSize=4 over exactly the full list`, async () => {
      const all = assertOk(await server.request('GET', `${path}?PageSize=1000`), operationId, 200)[key];
      const pages = await walkForward(server, `${path}?PageSize=4`, operationId);
      assert.ok(pages.length >= 3);
      assert.deepEqual(
        pages.flatMap((body) => body[key]),
        all,
      );
      assert.deepEqual(
        pages.map((body) => body.meta.page),
        pages.map((_, index) => index),
      );
      const back = await walkBack(server, pages[pages.length - 1], operationId);
      assert.deepEqual(
        back.map((body) => body[key]),
        pages.slice(0, -1).map((body) => body[key]),
      );
    });
  }
});
