// Every bad input of issue #22 ends the transcript `failed` with its code and a message, on
// TEST_STORE's backend, with nothing left in MEDIA_DIR (neither scratch files nor media). The
// input's own faults fail on the first attempt; a server that never answers is retried, then fails.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PNG_BYTES, run, writeWav } from '../helpers/media.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { insertTranscript, leftovers, mediaServer, transcriptionStub, waitForStatus, type LocalServer, type Served } from './helpers.js';

const MAX_BYTES = 256 * 1024;

describe('transcript job: bad inputs', { timeout: 120_000 }, () => {
  let server: TestServer;
  let noRecordings: TestServer;
  let media: LocalServer;
  let stub: LocalServer;
  let scratch: string;
  let mediaDir: string;
  const files = new Map<string, Served>();

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'intelligence-pipeline-bad-'));
    mediaDir = join(scratch, 'media');
    const wav = (name: string, sampleRate: number, channels: number, seconds: number) =>
      writeWav(join(scratch, name), { sampleRate, channels, frames: Math.round(sampleRate * seconds) }).then(() =>
        readFileSync(join(scratch, name)),
      );
    files.set('/short.wav', { body: await wav('short.wav', 8000, 1, 1) });
    files.set('/low-rate.wav', { body: await wav('low.wav', 6000, 1, 3) });
    files.set('/three.wav', { body: await wav('three.wav', 8000, 3, 3) });
    files.set('/tone.wav', { body: await wav('tone.wav', 8000, 1, 6) });
    await run('flac', ['--silent', '--force', join(scratch, 'tone.wav'), '-o', join(scratch, 'tone.flac')]);
    const flac = readFileSync(join(scratch, 'tone.flac'));
    files.set('/truncated.flac', { body: flac.subarray(0, Math.floor(flac.length / 2)) });
    files.set('/image.wav', { body: PNG_BYTES, contentType: 'image/png' });
    files.set('/broken.vtt', { body: 'WEBVTT\n\nid\n00:05.000 --> 00:04.000\nhello\n', contentType: 'text/vtt' });
    files.set('/big.vtt', { body: 'WEBVTT\n\n' + 'x'.repeat(MAX_BYTES), contentType: 'text/vtt' });
    files.set('/never.vtt', { hang: true });
    files.set('/redirect.vtt', { status: 302, headers: { location: 'http://127.0.0.2/call.vtt' } });
    media = await mediaServer(files);
    stub = await transcriptionStub();
    server = await startTestServer({
      jobs: { backoff: { baseMs: 20, maxMs: 100 } },
      env: {
        MEDIA_DIR: mediaDir,
        OUTBOUND_ALLOWLIST: '127.0.0.1',
        TRANSCRIBER_URL: stub.url,
        MEDIA_MAX_BYTES: String(MAX_BYTES),
        MEDIA_FETCH_TIMEOUT_MS: '300',
      },
    });
    noRecordings = await startTestServer({ jobs: true, env: { MEDIA_DIR: join(scratch, 'media-2'), TRANSCRIBER: 'none' } });
  });
  after(async () => {
    await Promise.all([server?.close(), noRecordings?.close()]);
    await Promise.all([media?.close(), stub?.close()]);
    rmSync(scratch, { recursive: true, force: true });
  });

  const cases: Array<{ name: string; url: () => string; code: number; message: RegExp; attempts?: number }> = [
    {
      name: 'an ftp: URL',
      url: () => 'ftp://127.0.0.1/call.wav',
      code: 95105,
      message: /^media URL must be http or https, not ftp \(ftp:\/\/127\.0\.0\.1\/call\.wav\)$/,
    },
    {
      name: 'a loopback address outside OUTBOUND_ALLOWLIST',
      url: () => media.url.replace('127.0.0.1', '127.0.0.2') + '/call.vtt',
      code: 95105,
      message:
        /^media URL 127\.0\.0\.2:\d+ resolves to 127\.0\.0\.2, a loopback address, which is not allowed; add it to OUTBOUND_ALLOWLIST$/,
    },
    {
      name: 'a redirect to a loopback address outside OUTBOUND_ALLOWLIST',
      url: () => `${media.url}/redirect.vtt`,
      code: 95105,
      message: /^media URL 127\.0\.0\.2 resolves to 127\.0\.0\.2, a loopback address, which is not allowed; add it to OUTBOUND_ALLOWLIST$/,
    },
    { name: 'a 404 media URL', url: () => `${media.url}/missing.wav`, code: 95105, message: /^media URL answered 404 Not Found/ },
    {
      name: 'a server that never answers (retried, then failed)',
      url: () => `${media.url}/never.vtt`,
      code: 95105,
      message: /^media URL did not finish downloading within 0\.3 s \(after 2 attempts\)$/,
      attempts: 2,
    },
    {
      name: 'a file over MEDIA_MAX_BYTES',
      url: () => `${media.url}/big.vtt`,
      code: 95103,
      message: new RegExp(`^media is larger than the limit of ${MAX_BYTES} bytes$`),
    },
    {
      name: 'a 1 s WAV',
      url: () => `${media.url}/short.wav`,
      code: 95109,
      message: /^The audio is 1\.00 s long; at least 2 s is required$/,
    },
    {
      name: 'a 6 kHz WAV',
      url: () => `${media.url}/low-rate.wav`,
      code: 95112,
      message: /^The audio's sample rate is 6000 Hz; at least 8000 Hz is required$/,
    },
    { name: 'a 3-channel WAV', url: () => `${media.url}/three.wav`, code: 95115, message: /^The audio has 3 channels; at most 2/ },
    {
      name: 'a PNG named .wav',
      url: () => `${media.url}/image.wav`,
      code: 95104,
      message: /^The media is not a WAV file \(no RIFF\/WAVE header\)$/,
    },
    {
      name: 'a WebVTT with broken timings',
      url: () => `${media.url}/broken.vtt`,
      code: 95104,
      message: /ends \(00:04\.000\) before it starts \(00:05\.000\)/,
    },
    { name: 'a truncated FLAC', url: () => `${media.url}/truncated.flac`, code: 95104, message: /FLAC file is truncated/ },
  ];

  for (const { name, url, code, message, attempts } of cases) {
    test(`${name} → failed ${code}, nothing left in MEDIA_DIR`, async () => {
      const created = await insertTranscript(server.store, { accountSid: server.account.sid, mediaUrl: url(), maxAttempts: attempts ?? 5 });
      const done = await waitForStatus(server.store, created.sid);
      assert.deepEqual([done.status, done.errorCode], ['failed', code], done.errorMessage ?? '');
      assert.match(done.errorMessage!, message);
      assert.deepEqual([done.mediaPath, done.durationSeconds], [null, 0]);
      assert.deepEqual(await server.store.listSentences(created.sid, { limit: 10 }), []);
      assert.deepEqual(leftovers(mediaDir, created.sid), { scratch: [], media: [] });
      if (attempts !== undefined) assert.equal(media.counts.get('/never.vtt'), attempts, 'each attempt fetched once');
      // The Alert that says why, written with the status: its code, the transcript, the URL and the message.
      const alerts = (await server.store.listAlerts(server.account.sid, {}, { limit: 1000 })).filter(
        (alert) => alert.resourceSid === created.sid,
      );
      assert.equal(alerts.length, 1);
      assert.deepEqual([alerts[0]!.errorCode, alerts[0]!.logLevel], [code, 'error']);
      assert.ok(alerts[0]!.requestUrl?.startsWith(url().split(':')[0]!), String(alerts[0]!.requestUrl));
      assert.ok(alerts[0]!.alertText.endsWith(done.errorMessage!), alerts[0]!.alertText);
    });
  }

  test('a source_sid without a configured Recordings API → failed 95102, saying how to configure one', async () => {
    const created = await insertTranscript(noRecordings.store, { accountSid: noRecordings.account.sid, sourceSid: 'RE' + '1'.repeat(32) });
    const done = await waitForStatus(noRecordings.store, created.sid);
    assert.deepEqual([done.status, done.errorCode], ['failed', 95102]);
    assert.match(
      done.errorMessage!,
      /no Recordings API is configured.*Set RECORDINGS_BASE_URL.*RECORDINGS_ACCOUNT_SID and RECORDINGS_AUTH_TOKEN/,
    );
    assert.deepEqual(leftovers(noRecordings.config.mediaDir, created.sid), { scratch: [], media: [] });
  });

  test('a URL to 127.0.0.1 on a server without OUTBOUND_ALLOWLIST → failed 95105, naming the variable', async () => {
    const refused = await insertTranscript(noRecordings.store, { accountSid: noRecordings.account.sid, mediaUrl: `${media.url}/call.vtt` });
    const done = await waitForStatus(noRecordings.store, refused.sid);
    assert.deepEqual([done.status, done.errorCode], ['failed', 95105]);
    assert.match(done.errorMessage!, /resolves to 127\.0\.0\.1, a loopback address, which is not allowed; add it to OUTBOUND_ALLOWLIST$/);
    assert.equal(media.counts.get('/call.vtt'), undefined, 'no request reached the address');
  });

  test('audio with TRANSCRIBER=none → failed 95106, saying how to configure a recogniser', async () => {
    const none = await startTestServer({
      jobs: true,
      env: { MEDIA_DIR: join(scratch, 'media-3'), OUTBOUND_ALLOWLIST: '127.0.0.1', TRANSCRIBER: 'none' },
    });
    try {
      const created = await insertTranscript(none.store, { accountSid: none.account.sid, mediaUrl: `${media.url}/tone.wav` });
      const done = await waitForStatus(none.store, created.sid);
      assert.deepEqual([done.status, done.errorCode], ['failed', 95106]);
      assert.match(done.errorMessage!, /no speech recogniser is configured\. Set TRANSCRIBER_URL/);
      assert.deepEqual(leftovers(none.config.mediaDir, created.sid), { scratch: [], media: [] });
    } finally {
      await none.close();
    }
  });
});
