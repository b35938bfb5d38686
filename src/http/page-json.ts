// List bodies — `{ "<key>": [ … ], "meta": { … } }` — put together from each item's JSON bytes.
// An item is serialised once, by the route's own response schema, and its bytes are remembered for
// as long as the object they were made from lives and the context they depend on (the base URL,
// say) is the same: a page of 50 then costs 50 lookups and one copy instead of 50 serialisations.
// The objects are the read cache's answers or the catalog's, so an item that changes is a new
// object and is serialised again. A whole page asked for again is sent as the bytes sent before.
// A body sent alone (a re-attach's) is remembered the same way, as a string.
import type { FastifyReply } from 'fastify';
import type { PageMeta } from './paging.js';

const COMMA = 0x2c;
/** What Fastify itself answers JSON with. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Each item's JSON by the object it was made from, with the URL prefix and the detail it was made
 * with: as bytes (`RememberedJson.bytes()`, for pages put together from items) or as the string
 * itself (`RememberedJson.text()`, for a body sent alone: Fastify sends a string with fewer checks).
 */
export class RememberedJson<Item extends object, Json extends Buffer | string = Buffer> {
  private readonly known = new WeakMap<Item, { urlPrefix: string; detail: unknown; json: Json }>();
  /** One string per URL prefix: an item's prefix is then compared by identity, not character by character. */
  private readonly prefixes = new Map<string, string>();

  private constructor(private readonly encode: (json: string) => Json) {}

  static bytes<Item extends object>(): RememberedJson<Item, Buffer> {
    return new RememberedJson<Item, Buffer>((json) => Buffer.from(json));
  }

  static text<Item extends object>(): RememberedJson<Item, string> {
    return new RememberedJson<Item, string>((json) => json);
  }

  /** `urlPrefix` as the string this memory holds for it (pass that to `of`). */
  prefix(urlPrefix: string): string {
    let held = this.prefixes.get(urlPrefix);
    if (held === undefined) {
      // Hosts are the client's to choose: past a few, the prefixes are forgotten (items are then serialised again).
      if (this.prefixes.size >= MAX_PREFIXES) this.prefixes.clear();
      this.prefixes.set(urlPrefix, (held = urlPrefix));
    }
    return held;
  }

  /**
   * The JSON of `item` whose URLs begin with `urlPrefix` and that also shows `detail` (another
   * object, compared by identity; undefined if none): remembered, or made by `serialize` now.
   */
  of(item: Item, urlPrefix: string, detail: unknown, serialize: (item: Item) => string): Json {
    const known = this.known.get(item);
    if (known !== undefined && known.urlPrefix === urlPrefix && known.detail === detail) return known.json;
    const json = this.encode(serialize(item));
    this.known.set(item, { urlPrefix, detail, json });
    return json;
  }
}

const MAX_PREFIXES = 64;

/**
 * Whole pages recently sent, by their URL: a page asked for again, with the same meta and made of
 * the same items' JSON in the same order, is sent as the same bytes (a fresh buffer per page costs
 * more than the lookup; bench/README.md). Found by URL and compared field by field, not by its JSON.
 */
const recentPages = new Map<string, { meta: PageMeta; items: Buffer[]; body: Buffer }>();
/**
 * Their bodies' bytes (the items they hold take as many again). When the next would pass the limit,
 * all are forgotten: a page is only a copy away.
 */
let recentBytes = 0;
const MAX_RECENT_BYTES = 4 * 1024 * 1024;

/** Answers the page `{"<meta.key>":[<items>],"meta":<meta>}` (JSON already, so Fastify does not serialise it again). */
export function sendPage(reply: FastifyReply, items: Buffer[], meta: PageMeta): FastifyReply {
  return reply.type(JSON_CONTENT_TYPE).send(pageBody(items, meta));
}

/** The page `{"<meta.key>":[<items>],"meta":<meta>}` as JSON bytes: the ones sent before, if it is the same page. */
export function pageBody(items: Buffer[], meta: PageMeta): Buffer {
  let recent = recentPages.get(meta.url);
  if (recent === undefined || !sameMeta(recent.meta, meta) || !sameItems(recent.items, items)) {
    if (recent !== undefined) recentBytes -= recent.body.length;
    recent = { meta, items, body: pageJson(`{"${meta.key}":[`, items, '],"meta":' + JSON.stringify(meta) + '}') };
    if (recentBytes + recent.body.length > MAX_RECENT_BYTES) {
      recentPages.clear();
      recentBytes = 0;
    }
    recentPages.set(meta.url, recent);
    recentBytes += recent.body.length;
  }
  return recent.body;
}

/**
 * The page `{"<meta.key>":[<items>],"meta":<meta>}` from each item's JSON text, as bytes. The items
 * are concatenated rather than joined (joining copies each item's pieces once more), and bytes are
 * sent as they are: Fastify takes their length without counting a string's UTF-8.
 */
export function textPageBody<Item>(items: readonly Item[], json: (item: Item) => string, meta: PageMeta): Buffer {
  let body = `{"${meta.key}":[`;
  for (let index = 0; index < items.length; index++) body += (index === 0 ? '' : ',') + json(items[index]!);
  return Buffer.from(`${body}],"meta":${JSON.stringify(meta)}}`);
}

/** The same fields with the same values. */
const sameMeta = (known: PageMeta, meta: PageMeta): boolean =>
  known.url === meta.url &&
  known.key === meta.key &&
  known.page === meta.page &&
  known.page_size === meta.page_size &&
  known.first_page_url === meta.first_page_url &&
  known.previous_page_url === meta.previous_page_url &&
  known.next_page_url === meta.next_page_url;
/** The fields sameMeta compares, which must be all of them: a field added to PageMeta does not compile here until it is. */
const COMPARED_FIELDS: Record<keyof PageMeta, true> = {
  url: true,
  key: true,
  page: true,
  page_size: true,
  first_page_url: true,
  previous_page_url: true,
  next_page_url: true,
};
void COMPARED_FIELDS;

const sameItems = (known: Buffer[], items: Buffer[]) =>
  known.length === items.length && known.every((item, index) => item === items[index]);

/** `<head><items, comma-separated><tail>`, as the list schema would serialise it. */
function pageJson(head: string, items: Buffer[], tail: string): Buffer {
  let length = head.length + Buffer.byteLength(tail) + Math.max(0, items.length - 1);
  for (const item of items) length += item.length;
  // One allocation and one copy per item, cheaper than Buffer.concat of the parts.
  const body = Buffer.allocUnsafeSlow(length);
  let offset = body.write(head, 0, 'latin1');
  for (const [index, item] of items.entries()) {
    if (index > 0) body[offset++] = COMMA;
    body.set(item, offset);
    offset += item.length;
  }
  body.write(tail, offset, 'utf8');
  return body;
}
