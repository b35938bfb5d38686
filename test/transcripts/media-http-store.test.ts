// GET /v2/Transcripts/{Sid}/Media answers a signed URL on this server; GET /media/{Sid} serves the
// stored file to that URL alone (no credentials), never to an expired, altered or foreign one.
import { SecretKey } from '../../src/resources/accounts/secret-key.js';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { MediaUrlSigner } from '../../src/media/signed-urls.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { assertOk, assertTwilioError, createService, pathOf, randomSid } from '../http/support.js';
import { claimTranscriptJobs, createTranscript, storeMedia } from './http-support.js';

const secretKey = new SecretKey(randomBytes(32));
const audio = randomBytes(50_000);
const redactedAudio = randomBytes(20_000);

let server: TestServer;
let transcriptSid: string;

before(async () => {
  server = await startTestServer({ secretKey, env: { MEDIA_URL_TTL_SECONDS: '900' } });
  const service = await createService(server);
  transcriptSid = (await createTranscript(server, service.sid)).sid;
  await storeMedia(server, transcriptSid, { bytes: audio, name: 'media.wav', contentType: 'audio/wav' });
  await claimTranscriptJobs(server);
});
after(() => server.close());

async function mediaUrl(sid: string, query = ''): Promise<string> {
  const body = assertOk(await server.request('GET', `/v2/Transcripts/${sid}/Media${query}`), 'FetchMedia', 200);
  assert.equal(body.sid, sid);
  assert.equal(body.account_sid, server.account.sid);
  assert.match(body.service_sid, /^GA[0-9a-f]{32}$/);
  assert.equal(body.url, `${server.url}/v2/Transcripts/${sid}/Media`);
  return body.media_url as string;
}

/** The file at a URL, as a client with no credentials gets it. */
async function download(url: string): Promise<{ status: number; headers: Headers; bytes: Buffer; json: any }> {
  const response = await fetch(url);
  const bytes = Buffer.from(await response.arrayBuffer());
  const json = response.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(bytes.toString('utf8')) : undefined;
  return { status: response.status, headers: response.headers, bytes, json };
}

function withQuery(url: string, change: (query: URLSearchParams) => void): string {
  const parsed = new URL(url);
  change(parsed.searchParams);
  return parsed.toString();
}

describe('media', () => {
  test('media_url is a signed URL on this server, outside /v2, that serves the stored file without credentials', async () => {
    const url = await mediaUrl(transcriptSid);
    const parsed = new URL(url);
    assert.equal(parsed.origin, new URL(server.url).origin);
    assert.equal(parsed.pathname, `/media/${transcriptSid}`);
    const expires = Number(parsed.searchParams.get('expires'));
    const nowSeconds = Date.now() / 1000;
    assert.ok(expires > nowSeconds + 800 && expires <= nowSeconds + 901, `MEDIA_URL_TTL_SECONDS=900 sets the expiry: ${expires}`);
    const file = await download(url);
    assert.equal(file.status, 200);
    assert.ok(file.bytes.equals(audio), 'the stored bytes, unchanged');
    assert.equal(file.headers.get('content-type'), 'audio/wav');
    assert.equal(file.headers.get('content-length'), String(audio.length));
    assert.equal(file.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(file.headers.get('cache-control'), 'private, no-store');
  });

  test('one byte range is served as 206 (an audio player seeking), a suffix range too, one outside the file is 416', async () => {
    const url = await mediaUrl(transcriptSid);
    const part = await fetch(url, { headers: { range: 'bytes=10-19' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 10-19/${audio.length}`);
    assert.equal(part.headers.get('accept-ranges'), 'bytes');
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), audio.subarray(10, 20));
    const tail = await fetch(url, { headers: { range: 'bytes=-4' } });
    assert.equal(tail.status, 206);
    assert.deepEqual(Buffer.from(await tail.arrayBuffer()), audio.subarray(audio.length - 4));
    const open = await fetch(url, { headers: { range: `bytes=${audio.length - 2}-` } });
    assert.deepEqual(Buffer.from(await open.arrayBuffer()), audio.subarray(audio.length - 2));
    const outside = await fetch(url, { headers: { range: `bytes=${audio.length}-` } });
    assert.equal(outside.status, 416);
    assert.equal(outside.headers.get('content-range'), `bytes */${audio.length}`);
    assert.equal((await outside.arrayBuffer()).byteLength, 0);
  });

  test('an altered, foreign or incomplete URL is 403 and never the file', async () => {
    const url = await mediaUrl(transcriptSid);
    const signature = new URL(url).searchParams.get('signature')!;
    const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    const other = await createTranscript(server, (await createService(server)).sid);
    await storeMedia(server, other.sid, { bytes: randomBytes(10), name: 'media.wav', contentType: 'audio/wav' });
    const foreign = await startTestServer();
    let foreignUrl: string;
    try {
      const foreignService = await createService(foreign);
      const foreignTranscript = await createTranscript(foreign, foreignService.sid);
      await storeMedia(foreign, foreignTranscript.sid, { bytes: randomBytes(10), name: 'media.wav', contentType: 'audio/wav' });
      const body = assertOk(await foreign.request('GET', `/v2/Transcripts/${foreignTranscript.sid}/Media`), 'FetchMedia', 200);
      foreignUrl = `${server.url}${pathOf(foreign, body.media_url).replace(foreignTranscript.sid, transcriptSid)}`;
    } finally {
      await foreign.close();
    }
    const altered = [
      withQuery(url, (query) => query.set('signature', flipped)),
      withQuery(url, (query) => query.set('expires', String(Number(query.get('expires')) + 3600))),
      withQuery(url, (query) => query.set('variant', 'redacted')),
      withQuery(url, (query) => query.delete('signature')),
      withQuery(url, (query) => query.delete('expires')),
      url.replace(transcriptSid, other.sid),
      foreignUrl,
    ];
    for (const bad of altered) {
      const file = await download(bad);
      assert.equal(file.status, 403, bad);
      assert.equal(file.json.code, 20403);
      assert.match(file.json.message, /not valid/);
      assert.ok(!file.bytes.includes(audio.subarray(0, 64)));
    }
    await claimTranscriptJobs(server);
  });

  test('an expired URL is 403, signed with the very key the server derives from its secret key', async () => {
    const signer = MediaUrlSigner.fromSecretKey(secretKey.bytes(), 60);
    const fresh = signer.sign(transcriptSid, 'original', Date.now());
    const freshFile = await download(
      `${server.url}/media/${transcriptSid}?variant=original&expires=${fresh.expires}&signature=${fresh.signature}`,
    );
    assert.equal(freshFile.status, 200, 'the same secret key signs URLs the server accepts (they survive a restart)');
    const old = signer.sign(transcriptSid, 'original', Date.now() - 61_000);
    const expired = await download(
      `${server.url}/media/${transcriptSid}?variant=original&expires=${old.expires}&signature=${old.signature}`,
    );
    assert.equal(expired.status, 403);
    assert.equal(expired.json.code, 20403);
    assert.match(expired.json.message, /expired/);
  });

  test('no stored media yet → 404 on /Media', async () => {
    const created = await createTranscript(server, (await createService(server)).sid);
    assertTwilioError(await server.request('GET', `/v2/Transcripts/${created.sid}/Media`), 404, 20404, /has no stored media/);
    await claimTranscriptJobs(server);
  });

  test('with media redaction the redacted file is served by default, the original with Redacted=false, and never one for the other', async () => {
    const service = await createService(server, { AutoRedaction: 'true', MediaRedaction: 'true' });
    const created = await createTranscript(server, service.sid);
    await storeMedia(server, created.sid, { bytes: audio, name: 'media.mp3', contentType: 'audio/mpeg' });
    // Stored original, no redacted file yet: the original is not served in its place.
    assertTwilioError(await server.request('GET', `/v2/Transcripts/${created.sid}/Media`), 404, 20404, /redacted media/);
    const original = await download(await mediaUrl(created.sid, '?Redacted=false'));
    assert.ok(original.bytes.equals(audio));
    assert.equal(original.headers.get('content-type'), 'audio/mpeg');

    await storeMedia(server, created.sid, { bytes: audio, name: 'media.mp3', contentType: 'audio/mpeg', redacted: redactedAudio });
    const redactedUrl = await mediaUrl(created.sid);
    assert.equal(new URL(redactedUrl).searchParams.get('variant'), 'redacted');
    const redacted = await download(redactedUrl);
    assert.ok(redacted.bytes.equals(redactedAudio));
    assert.equal(redacted.headers.get('content-type'), 'audio/wav', 'redacted audio is written as WAV');
    assert.ok((await download(await mediaUrl(created.sid, '?Redacted=true'))).bytes.equals(redactedAudio));
    assert.ok((await download(await mediaUrl(created.sid, '?Redacted=false'))).bytes.equals(audio));
    assertTwilioError(await server.request('GET', `/v2/Transcripts/${created.sid}/Media?Redacted=maybe`), 400, 20422, /Redacted/);
    await claimTranscriptJobs(server);
  });

  test('after delete, the media URL answers 404', async () => {
    const created = await createTranscript(server, (await createService(server)).sid);
    await storeMedia(server, created.sid, { bytes: audio, name: 'media.wav', contentType: 'audio/wav' });
    const url = await mediaUrl(created.sid);
    assert.equal((await server.request('DELETE', `/v2/Transcripts/${created.sid}`)).status, 204);
    const file = await download(url);
    assert.equal(file.status, 404);
    assert.equal(file.json.code, 20404);
    await claimTranscriptJobs(server);
  });

  test("another account's, an unknown or a malformed transcript is 404 on /Media", async () => {
    const other = await server.newAccount();
    assertTwilioError(await server.request('GET', `/v2/Transcripts/${transcriptSid}/Media`, { auth: other.auth }), 404, 20404);
    assertTwilioError(await server.request('GET', `/v2/Transcripts/${randomSid('GT')}/Media`), 404, 20404);
    assertTwilioError(await server.request('GET', '/v2/Transcripts/GTnope/Media'), 404, 20404);
    assertTwilioError(await server.request('GET', `/v2/Transcripts/${transcriptSid}/Media`, { auth: null }), 401, 20003);
  });
});
