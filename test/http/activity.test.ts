// Background work gives way to API requests: it goes on at once when none arrived lately, waits for a
// quiet moment while they arrive, and never longer than its bound.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RequestActivity } from '../../src/http/activity.js';

test('with no request seen, quiet() goes on at once (before the next turn of the event loop)', async () => {
  const activity = new RequestActivity(5, 50);
  let turned = false;
  setImmediate(() => (turned = true));
  await activity.quiet();
  assert.equal(turned, false);
});

test('while requests keep arriving, quiet() waits its bound, then goes on', async () => {
  const activity = new RequestActivity(5, 40);
  activity.seen();
  const arriving = setInterval(() => activity.seen(), 1);
  const started = performance.now();
  await activity.quiet();
  clearInterval(arriving);
  assert.ok(performance.now() - started >= 39, `waited ${(performance.now() - started).toFixed(1)} ms`);
});

test('once requests stop, quiet() goes on after the quiet time, before its bound', async () => {
  const activity = new RequestActivity(10, 10_000);
  activity.seen();
  const started = performance.now();
  await activity.quiet();
  const waited = performance.now() - started;
  assert.ok(waited >= 9 && waited < 5_000, `waited ${waited.toFixed(1)} ms`);
});
