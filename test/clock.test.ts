import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isoSeconds } from '../src/clock.js';

test('isoSeconds formats UTC with whole seconds, across day boundaries, like Date#toISOString', () => {
  const samples = [0, 1, 999, 1000, 86_399_999, 86_400_000, 1_714_521_600_000, 1_795_774_530_291, 253_402_300_799_000];
  for (let index = 0; index < 2000; index++) samples.push(Math.floor(Math.random() * 4_000_000_000_000));
  for (const ms of samples) {
    assert.equal(isoSeconds(ms), new Date(ms - (ms % 1000)).toISOString().slice(0, 19) + 'Z', String(ms));
  }
});
