// List bodies — `{ "<key>": [ … ], "meta": { … } }` — put together from each item's JSON bytes.
// An item is serialised once, by the route's own response schema, and its bytes are remembered for
// as long as the object they were made from lives and the context they depend on (the base URL,
// say) is the same: a page of 50 then costs 50 lookups and one copy instead of 50 serialisations.
// The objects are the read cache's answers or the catalog's, so an item that changes is a new
// object and is serialised again.
import type { FastifyReply } from 'fastify';
import type { PageMeta } from './paging.js';

const COMMA = 0x2c;

/** Each item's JSON by the object it was made from, with the URL prefix and the detail it was made with. */
export class RememberedJson<Item extends object> {
  private readonly known = new WeakMap<Item, { urlPrefix: string; detail: unknown; json: Buffer }>();

  /**
   * The JSON of `item` whose URLs begin with `urlPrefix` and that also shows `detail` (another
   * object, compared by identity; undefined if none): remembered, or made by `serialize` now.
   */
  of(item: Item, urlPrefix: string, detail: unknown, serialize: () => string): Buffer {
    const known = this.known.get(item);
    if (known !== undefined && known.urlPrefix === urlPrefix && known.detail === detail) return known.json;
    const json = Buffer.from(serialize());
    this.known.set(item, { urlPrefix, detail, json });
    return json;
  }
}

/** Answers the page `{"<key>":[<items>],"meta":<meta>}` (JSON already, so Fastify does not serialise it again). */
export function sendPage(reply: FastifyReply, key: string, items: Buffer[], meta: PageMeta): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(pageJson(key, items, meta));
}

/** `{"<key>":[<items>],"meta":<meta>}`, as the list schema would serialise it. */
function pageJson(key: string, items: Buffer[], meta: PageMeta): Buffer {
  const head = `{"${key}":[`;
  const tail = '],"meta":' + JSON.stringify(meta) + '}';
  let length = head.length + Buffer.byteLength(tail) + Math.max(0, items.length - 1);
  for (let index = 0; index < items.length; index++) length += items[index].length;
  // One allocation and one copy per item (Buffer.concat of the parts cost three times as much).
  const body = Buffer.allocUnsafeSlow(length);
  let offset = body.write(head, 0, 'latin1');
  for (let index = 0; index < items.length; index++) {
    if (index > 0) body[offset++] = COMMA;
    body.set(items[index], offset);
    offset += items[index].length;
  }
  body.write(tail, offset, 'utf8');
  return body;
}
