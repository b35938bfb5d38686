// Pages put together from their items' JSON (src/http/page-json.ts), through a real Fastify route:
// every body equals the JSON of the page, also when a page asked for before is sent from memory,
// when one of its items changed, and after so many pages that the memory was emptied.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { RememberedJson, sendPage } from '../src/http/page-json.js';
import type { PageMeta } from '../src/http/paging.js';

interface Item {
  sid: string;
  name: string;
}

/** Page `page`'s meta; with `more`, items exist beyond it (a next page). */
const metaOf = (page: number, key = 'items', more = false): PageMeta => ({
  page,
  page_size: 2,
  first_page_url: 'http://localhost/v2/Items?PageSize=2&Page=0',
  previous_page_url: null,
  url: `http://localhost/v2/Items?PageSize=2&Page=${page}`,
  next_page_url: more ? `http://localhost/v2/Items?PageSize=2&Page=${page + 1}&PageToken=PTnext` : null,
  key,
});

async function pageServer(pages: Map<number, Item[]>, more = new Set<number>()) {
  const remembered = RememberedJson.bytes<Item>();
  const app = Fastify();
  app.get('/:key/:page', async (request, reply) => {
    const { key, page } = request.params as { key: string; page: string };
    const items = pages.get(Number(page))!.map((item) => remembered.of(item, '', undefined, () => JSON.stringify(item)));
    return sendPage(reply, items, metaOf(Number(page), key, more.has(Number(page))));
  });
  await app.ready();
  const fetchPage = async (page: number, key = 'items') => {
    const response = await app.inject({ method: 'GET', url: `/${key}/${page}` });
    assert.equal(response.headers['content-type'], 'application/json; charset=utf-8');
    return response.body;
  };
  return { app, fetchPage };
}

const expected = (items: Item[], page: number, key = 'items', more = false) =>
  JSON.stringify({ [key]: items, meta: metaOf(page, key, more) });

test('a page asked for again is the same JSON; with an item changed (a new object) it shows the change', async () => {
  const pages = new Map([
    [
      0,
      [
        { sid: 'a', name: 'first' },
        { sid: 'b', name: 'second' },
      ],
    ],
  ]);
  const { app, fetchPage } = await pageServer(pages);
  assert.equal(await fetchPage(0), expected(pages.get(0)!, 0));
  assert.equal(await fetchPage(0), expected(pages.get(0)!, 0));
  pages.set(0, [pages.get(0)![0]!, { sid: 'b', name: 'renamed' }]);
  assert.equal(await fetchPage(0), expected(pages.get(0)!, 0));
  pages.set(0, [pages.get(0)![0]!]);
  assert.equal(await fetchPage(0), expected(pages.get(0)!, 0));
  await app.close();
});

test('pages with the same items but another meta or key are each their own JSON', async () => {
  const items = [{ sid: 'a', name: 'shared' }];
  const { app, fetchPage } = await pageServer(
    new Map([
      [1, items],
      [2, items],
    ]),
  );
  assert.equal(await fetchPage(1), expected(items, 1));
  assert.equal(await fetchPage(2), expected(items, 2));
  assert.equal(await fetchPage(1, 'others'), expected(items, 1, 'others'));
  assert.equal(await fetchPage(1), expected(items, 1));
  await app.close();
});

test('a page at the same URL with the same items but a next page now (a row added after it) shows its next_page_url', async () => {
  const items = [
    { sid: 'a', name: 'first' },
    { sid: 'b', name: 'second' },
  ];
  const more = new Set<number>();
  const { app, fetchPage } = await pageServer(new Map([[0, items]]), more);
  assert.equal(await fetchPage(0), expected(items, 0));
  more.add(0);
  assert.equal(await fetchPage(0), expected(items, 0, 'items', true));
  more.delete(0);
  assert.equal(await fetchPage(0), expected(items, 0));
  await app.close();
});

test('past the memory limit (4 MB of pages) every page is still right', async () => {
  // 300 pages of ~20 KB: the memory is emptied at least once on the way.
  const pages = new Map(Array.from({ length: 300 }, (_, page) => [page, [{ sid: `s${page}`, name: 'x'.repeat(20_000) }]]));
  const { app, fetchPage } = await pageServer(pages);
  for (const round of [0, 1]) {
    for (const [page, items] of pages) assert.equal(await fetchPage(page), expected(items, page), `page ${page}, round ${round}`);
  }
  await app.close();
});
