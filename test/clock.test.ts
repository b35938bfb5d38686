import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isoSeconds, parseIsoInstant } from '../src/clock.js';

test('isoSeconds formats UTC with whole seconds, across day boundaries, like Date#toISOString', () => {
  const samples = [0, 1, 999, 1000, 86_399_999, 86_400_000, 1_714_521_600_000, 1_795_774_530_291, 253_402_300_799_000];
  for (let index = 0; index < 2000; index++) samples.push(Math.floor(Math.random() * 4_000_000_000_000));
  for (const ms of samples) {
    assert.equal(isoSeconds(ms), new Date(ms - (ms % 1000)).toISOString().slice(0, 19) + 'Z', String(ms));
  }
});

test('parseIsoInstant accepts real instants from 1970 to 9999 and nothing else', () => {
  const cases: Array<[string, number | null]> = [
    ['2025-01-02T03:04:05Z', Date.UTC(2025, 0, 2, 3, 4, 5)],
    ['2025-01-02T03:04:05.6Z', Date.UTC(2025, 0, 2, 3, 4, 5, 600)],
    ['2024-02-29T00:00:00.000Z', Date.UTC(2024, 1, 29)],
    ['1970-01-01T00:00:00Z', 0],
    ['9999-12-31T23:59:59.999Z', Date.UTC(9999, 11, 31, 23, 59, 59, 999)],
    ['2026-02-31T00:00:00Z', null],
    ['2025-02-29T00:00:00Z', null],
    ['2025-13-01T00:00:00Z', null],
    ['2025-01-01T24:00:00Z', null],
    ['2025-01-01T23:60:00Z', null],
    ['2025-01-01T23:59:60Z', null],
    ['0000-01-01T00:00:00Z', null],
    ['0099-01-01T00:00:00Z', null],
    ['1969-12-31T23:59:59.999Z', null],
    ['2025-01-02 03:04:05Z', null],
    ['2025-01-02T03:04:05+01:00', null],
    ['+002025-01-02T03:04:05Z', null],
  ];
  for (const [text, expected] of cases) assert.equal(parseIsoInstant(text), expected, text);
});
