// The media URL signer on its own: what it accepts, what it refuses, and MEDIA_URL_TTL_SECONDS.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';
import { MediaUrlSigner } from '../../src/media/signed-urls.js';
import { newSid } from '../../src/sids.js';

const sid = newSid('GT');
const now = Date.UTC(2026, 11, 7, 9, 0, 0);

const asQuery = (signed: { variant: string; expires: number; signature: string }) => ({
  variant: signed.variant,
  expires: String(signed.expires),
  signature: signed.signature,
});

test('a URL is valid until its expiry, then expired; the TTL sets the expiry', () => {
  const signer = MediaUrlSigner.ephemeral(600);
  const signed = signer.sign(sid, 'original', now);
  assert.equal(signed.expires, now / 1000 + 600);
  assert.deepEqual(signer.verify(sid, asQuery(signed), now + 599_000), { verdict: 'valid', variant: 'original' });
  assert.equal(signer.verify(sid, asQuery(signed), now + 600_000).verdict, 'expired');
});

test('every part of the URL is bound: changing any one is forged', () => {
  const signer = MediaUrlSigner.ephemeral(600);
  const signed = asQuery(signer.sign(sid, 'redacted', now));
  assert.equal(signer.verify(sid, signed, now).verdict, 'valid');
  assert.equal(signer.verify(newSid('GT'), signed, now).verdict, 'forged');
  assert.equal(signer.verify(sid, { ...signed, variant: 'original' }, now).verdict, 'forged');
  assert.equal(signer.verify(sid, { ...signed, expires: String(Number(signed.expires) + 1) }, now).verdict, 'forged');
  const flipped = signed.signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
  assert.equal(signer.verify(sid, { ...signed, signature: flipped }, now).verdict, 'forged');
  for (const broken of [
    { ...signed, signature: undefined },
    { ...signed, expires: '-1' },
    { ...signed, variant: 'both' },
    { ...signed, signature: [signed.signature, signed.signature] },
  ]) {
    assert.equal(signer.verify(sid, broken, now).verdict, 'forged');
  }
});

test('signers from the same secret key agree; from another key, or an ephemeral one, they do not', () => {
  const secret = randomBytes(32);
  const signed = asQuery(MediaUrlSigner.fromSecretKey(secret, 60).sign(sid, 'original', now));
  assert.equal(MediaUrlSigner.fromSecretKey(Buffer.from(secret), 60).verify(sid, signed, now).verdict, 'valid');
  assert.equal(MediaUrlSigner.fromSecretKey(randomBytes(32), 60).verify(sid, signed, now).verdict, 'forged');
  assert.equal(MediaUrlSigner.ephemeral(60).verify(sid, signed, now).verdict, 'forged');
  assert.throws(() => MediaUrlSigner.fromSecretKey(randomBytes(8), 60), RangeError);
});

test('MEDIA_URL_TTL_SECONDS: 600 by default, 1 to 604800, anything else a configuration error', () => {
  assert.equal(loadConfig({}).mediaUrlTtlSeconds, 600);
  assert.equal(loadConfig({ MEDIA_URL_TTL_SECONDS: '30' }).mediaUrlTtlSeconds, 30);
  for (const bad of ['0', '604801', '10m', '-5']) {
    assert.throws(
      () => loadConfig({ MEDIA_URL_TTL_SECONDS: bad }),
      (error: Error) => error instanceof ConfigError && /MEDIA_URL_TTL_SECONDS/.test(error.message),
    );
  }
});
