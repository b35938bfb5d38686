// Form and query-string parsing: every name is an own field, whatever it is called.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseForm, parseQueryString } from '../src/http/form.js';

test('names that are Object.prototype members are plain fields, and nothing is polluted', () => {
  const fields = parseForm('__proto__=a&constructor=b&hasOwnProperty=c&toString=d&PageSize=50', 'post body');
  assert.deepEqual(Object.keys(fields), ['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'PageSize']);
  assert.equal(fields['__proto__'], 'a');
  assert.equal(fields.constructor, 'b');
  assert.equal(fields.toString, 'd');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  // An empty form has no inherited names either.
  const empty = parseForm('', 'post body');
  assert.equal(empty.constructor, undefined);
  assert.equal(empty.toString, undefined);
  assert.equal('hasOwnProperty' in empty, false);
});

test('a repeated name becomes a list; a broken escape marks the query string invalid', () => {
  assert.deepEqual({ ...parseForm('a=1&a=2&b=%20x+y', 'post body') }, { a: ['1', '2'], b: ' x y' });
  const broken = parseQueryString('a=%zz');
  assert.equal(Object.keys(broken).length, 0);
  assert.equal(Object.getOwnPropertySymbols(broken).length, 1);
});
