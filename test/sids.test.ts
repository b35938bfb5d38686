import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSid, newSid } from '../src/sids.js';

test('isSid accepts exactly what the spec pattern ^XX[0-9a-fA-F]{32}$ accepts', () => {
  const cases: Array<[string, boolean]> = [
    ['GA' + '0123456789abcdef'.repeat(2), true],
    ['GA' + '0123456789ABCDEF'.repeat(2), true],
    ['GA' + 'aF'.repeat(16), true],
    ['ga' + 'a'.repeat(32), false],
    ['LY' + 'a'.repeat(32), false],
    ['GA' + 'a'.repeat(31), false],
    ['GA' + 'a'.repeat(33), false],
    ['GA' + 'a'.repeat(31) + 'g', false],
    ['GA' + 'a'.repeat(31) + 'G', false],
    ['GA' + 'a'.repeat(31) + '@', false],
    ['GA' + 'a'.repeat(31) + '`', false],
    ['GA' + 'a'.repeat(31) + '/', false],
    ['GA' + 'a'.repeat(31) + ':', false],
    ['GA' + 'a'.repeat(31) + ' ', false],
    ['GA' + 'a'.repeat(31) + '\u0141', false],
    ['GA' + 'a'.repeat(31) + '\u0161', false],
    ['GA' + 'a'.repeat(31) + 'ａ', false],
    ['', false],
    ['GA', false],
  ];
  for (const [value, expected] of cases) {
    assert.equal(isSid('GA', value), expected, JSON.stringify(value));
    assert.equal(/^GA[0-9a-fA-F]{32}$/.test(value), expected, `the case itself: ${JSON.stringify(value)}`);
  }
});

test('isSid agrees with the spec pattern on every single-character change of a SID', () => {
  const sid = newSid('LY');
  const pattern = /^LY[0-9a-fA-F]{32}$/;
  for (let position = 0; position < sid.length; position++) {
    for (let code = 0; code < 0x180; code++) {
      const value = sid.slice(0, position) + String.fromCharCode(code) + sid.slice(position + 1);
      assert.equal(isSid('LY', value), pattern.test(value), JSON.stringify(value));
    }
  }
});

test('newSid makes distinct SIDs of the spec pattern, past the batch of entropy it draws from', () => {
  const sids = Array.from({ length: 1000 }, () => newSid('GX'));
  assert.equal(new Set(sids).size, 1000);
  for (const sid of sids) assert.match(sid, /^GX[0-9a-f]{32}$/);
});
