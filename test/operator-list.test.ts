// The text the SQLite store keeps a service's attachments in, against the same operations on an
// array: every order of adding and removing among a few SIDs, including SIDs that contain others.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { operatorCount, operatorIndex, operatorSidsIn, withOperator, withoutOperatorAt } from '../src/store/operator-list.js';

const sid = (digit: string) => 'LY' + digit.repeat(32);

test('operatorIndex finds whole entries only', () => {
  const list = [sid('1'), sid('2'), sid('3')].join(',');
  assert.equal(operatorIndex(list, sid('1')), 0);
  assert.equal(operatorIndex(list, sid('2')), 35);
  assert.equal(operatorIndex(list, sid('3')), 70);
  assert.equal(operatorIndex(list, sid('4')), -1);
  assert.equal(operatorIndex('', sid('1')), -1);
  assert.equal(operatorIndex(list, ''), -1);
  // Parts of an entry, and text across two entries, are not entries.
  assert.equal(operatorIndex(list, sid('1').slice(1)), -1);
  assert.equal(operatorIndex(list, sid('2').slice(0, 33)), -1);
  assert.equal(operatorIndex(list, `${sid('1')},${sid('2')}`.slice(20, 54)), -1);
  // A value that is a part of one entry and a whole later entry is found at the later one.
  assert.equal(operatorIndex('xab,ab', 'ab'), 4);
  assert.equal(operatorIndex('abx,ab', 'ab'), 4);
});

test('adding and removing as text agrees with an array, whatever the order', () => {
  // Short values that contain one another, so that a match inside an entry would show.
  const values = ['a', 'ab', 'ba', 'b', 'aba'];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let run = 0; run < 200; run++) {
    let list = '';
    const array: string[] = [];
    for (let step = 0; step < 30; step++) {
      const value = values[Math.floor(next() * values.length)]!;
      const at = operatorIndex(list, value);
      assert.equal(at === -1, !array.includes(value), `${list} has ${value}?`);
      if (at === -1) {
        list = withOperator(list, value);
        array.push(value);
      } else {
        list = withoutOperatorAt(list, at, value);
        array.splice(array.indexOf(value), 1);
      }
      assert.deepEqual(operatorSidsIn(list), array);
      assert.equal(operatorCount(list), array.length);
    }
  }
});
