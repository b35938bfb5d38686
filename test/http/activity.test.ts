// Background work gives way to API requests: it goes on at once while few arrive, waits while they
// keep arriving at the busy rate, and never longer than its bound.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RequestActivity } from '../../src/http/activity.js';

test('with no request seen, or a few, quiet() goes on at once (before the next turn of the event loop)', async () => {
  const activity = new RequestActivity({ windowMs: 1_000, busyRequests: 5, maxDeferMs: 50 });
  let turned = false;
  setImmediate(() => (turned = true));
  await activity.quiet();
  for (let n = 0; n < 4; n++) activity.seen();
  await activity.quiet();
  assert.equal(turned, false);
  assert.equal(activity.busy(), false);
});

test('the API is busy while requests arrive at the busy rate, and no longer once they stop', () => {
  const activity = new RequestActivity({ windowMs: 10, busyRequests: 5, maxDeferMs: 50 });
  for (let n = 0; n < 5; n++) activity.seen(1_000 + n);
  assert.equal(activity.busy(1_005), true);
  assert.equal(activity.busy(1_012), true, 'the last window still counts');
  assert.equal(activity.busy(1_025), false, 'two windows later nothing is recent');
  for (let n = 0; n < 3; n++) activity.seen(1_030);
  assert.equal(activity.busy(1_031), false);
});

test('while requests keep arriving at the busy rate, quiet() waits its bound, then goes on', async () => {
  const activity = new RequestActivity({ windowMs: 10, busyRequests: 5, maxDeferMs: 40 });
  const arriving = setInterval(() => {
    for (let n = 0; n < 5; n++) activity.seen();
  }, 1);
  for (let n = 0; n < 5; n++) activity.seen();
  const started = performance.now();
  await activity.quiet();
  clearInterval(arriving);
  assert.ok(performance.now() - started >= 39, `waited ${(performance.now() - started).toFixed(1)} ms`);
});
