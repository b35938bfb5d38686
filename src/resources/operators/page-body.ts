// Operator list bodies, assembled from each operator's JSON bytes. An operator is serialised once
// (by the route's own response schema) and its bytes remembered per facts object and URL: pre-built
// operators' facts live as long as the catalog, custom operators' as long as their stored record
// is cached (see OperatorRules), so a page of 50 costs 50 lookups and one copy instead of 50
// serialisations and an encoding.
import type { PageMeta } from '../../http/paging.js';
import type { OperatorFacts } from './rules.js';

type Body = { [key: string]: unknown };
export type Serialize = (body: Body) => string;

/** Each operator's JSON, with the URL prefix its `url` was made with. */
const serialised = new WeakMap<OperatorFacts, { urlPrefix: string; json: Buffer }>();
const OPEN = Buffer.from('{"operators":[');
const COMMA = 0x2c;

/** The JSON of `{ operators: [...], meta }`, as the list schema would serialise it; each url is `${urlPrefix}/${sid}`. */
export function operatorPageJson(
  items: OperatorFacts[],
  urlPrefix: string,
  meta: PageMeta,
  bodyOf: (facts: OperatorFacts, url: string) => Body,
  serialize: Serialize,
): Buffer {
  const jsons: Buffer[] = new Array(items.length);
  let length = OPEN.length + Math.max(0, items.length - 1);
  for (let index = 0; index < items.length; index++) {
    const facts = items[index];
    let known = serialised.get(facts);
    if (known === undefined || known.urlPrefix !== urlPrefix) {
      known = { urlPrefix, json: Buffer.from(serialize(bodyOf(facts, `${urlPrefix}/${facts.sid}`))) };
      serialised.set(facts, known);
    }
    jsons[index] = known.json;
    length += known.json.length;
  }
  const tail = '],"meta":' + JSON.stringify(meta) + '}';
  // One allocation and one copy per operator (Buffer.concat of parts cost three times as much).
  const body = Buffer.allocUnsafeSlow(length + Buffer.byteLength(tail));
  body.set(OPEN, 0);
  let offset = OPEN.length;
  for (let index = 0; index < jsons.length; index++) {
    if (index > 0) body[offset++] = COMMA;
    body.set(jsons[index], offset);
    offset += jsons[index].length;
  }
  body.write(tail, offset, 'utf8');
  return body;
}
