// The webhook settings in the configuration: defaults, and one clear ConfigError for a bad value.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';
import { retryAfterMs, MAX_RETRY_AFTER_MS } from '../../src/webhooks/delivery.js';

test('webhook settings default to a 15 s timeout, 5 attempts, no key and an empty allowlist', () => {
  const config = loadConfig({});
  assert.equal(config.webhookTimeoutMs, 15_000);
  assert.equal(config.webhookMaxAttempts, 5);
  assert.equal(config.secretKey, null);
  assert.deepEqual(config.outboundPolicy.entries, []);
});

for (const [name, value, message] of [
  ['WEBHOOK_TIMEOUT_MS', '0', /WEBHOOK_TIMEOUT_MS must be a whole number from 1 to 120000, got "0"/],
  ['WEBHOOK_TIMEOUT_MS', '1.5', /WEBHOOK_TIMEOUT_MS must be a whole number/],
  ['WEBHOOK_MAX_ATTEMPTS', '0', /WEBHOOK_MAX_ATTEMPTS must be a whole number from 1 to 20/],
  ['WEBHOOK_MAX_ATTEMPTS', '21', /WEBHOOK_MAX_ATTEMPTS must be a whole number from 1 to 20/],
  ['OUTBOUND_ALLOWLIST', '10.0.0.0/99', /OUTBOUND_ALLOWLIST: "10.0.0.0\/99" is not a host name/],
  ['SECRET_KEY', 'xyz', /SECRET_KEY must be 64 hexadecimal characters/],
] as const) {
  test(`${name}=${value} is refused with a ConfigError`, () => {
    assert.throws(
      () => loadConfig({ [name]: value }),
      (error: Error) => error instanceof ConfigError && message.test(error.message),
    );
  });
}

test('Retry-After is read as seconds or an HTTP date, capped, and ignored when unreadable', () => {
  const now = Date.UTC(2026, 0, 1);
  assert.equal(retryAfterMs('3', now), 3000);
  assert.equal(retryAfterMs(new Date(now + 7000).toUTCString(), now), 7000);
  assert.equal(retryAfterMs('999999', now), MAX_RETRY_AFTER_MS);
  assert.equal(retryAfterMs(new Date(now - 7000).toUTCString(), now), 0);
  assert.equal(retryAfterMs('soon', now), null);
  assert.equal(retryAfterMs(null, now), null);
});
