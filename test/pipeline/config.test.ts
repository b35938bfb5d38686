// The pipeline's configuration is checked at start-up: a bad TRANSCRIBER*, RECORDINGS_*, MEDIA_* or
// OUTBOUND_ALLOWLIST value stops the server with one line naming the variable.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';
import { DEFAULT_MEDIA_FETCH_LIMITS } from '../../src/net/fetch-media.js';

const base = { DATABASE_URL: 'sqlite:/tmp/never-opened.db' };
const AC = 'AC' + 'f'.repeat(32);

describe('pipeline configuration', () => {
  test('defaults: no Recordings API, Twilio-sized fetch limits, nothing allowed beyond public addresses', () => {
    const config = loadConfig(base);
    assert.equal(config.recordings, null);
    assert.deepEqual(config.mediaFetch, DEFAULT_MEDIA_FETCH_LIMITS);
    assert.deepEqual(config.outboundPolicy.entries, []);
  });

  test('the values given are kept', () => {
    const config = loadConfig({
      ...base,
      RECORDINGS_BASE_URL: 'https://api.twilio.com/',
      RECORDINGS_ACCOUNT_SID: AC,
      RECORDINGS_AUTH_TOKEN: 'token',
      MEDIA_MAX_BYTES: '1000',
      MEDIA_FETCH_TIMEOUT_MS: '2000',
      MEDIA_MAX_REDIRECTS: '0',
      OUTBOUND_ALLOWLIST: '127.0.0.1,10.0.0.0/8',
      TRANSCRIBER: 'openai',
      TRANSCRIBER_URL: 'http://127.0.0.1:8000/v1',
      TRANSCRIBER_MODEL: 'small',
    });
    assert.deepEqual(config.recordings, { baseUrl: 'https://api.twilio.com', accountSid: AC, authToken: 'token' });
    assert.deepEqual(config.mediaFetch, { maxBytes: 1000, timeoutMs: 2000, maxRedirects: 0 });
    assert.deepEqual(config.outboundPolicy.entries, ['127.0.0.1', '10.0.0.0/8']);
    assert.deepEqual(config.transcriber, {
      TRANSCRIBER: 'openai',
      TRANSCRIBER_URL: 'http://127.0.0.1:8000/v1',
      TRANSCRIBER_API_KEY: undefined,
      TRANSCRIBER_MODEL: 'small',
    });
  });

  const bad: Array<[string, Record<string, string>, RegExp]> = [
    ['an unknown TRANSCRIBER', { TRANSCRIBER: 'whisper' }, /^TRANSCRIBER must be one of openai, pocketsphinx, none, got "whisper"$/],
    ['TRANSCRIBER=openai without a URL', { TRANSCRIBER: 'openai' }, /^TRANSCRIBER=openai needs TRANSCRIBER_URL/],
    ['a TRANSCRIBER_URL that is not a URL', { TRANSCRIBER_URL: 'localhost:8000' }, /^TRANSCRIBER_URL must be an http\(s\) URL/],
    [
      'RECORDINGS_BASE_URL alone',
      { RECORDINGS_BASE_URL: 'https://api.twilio.com' },
      /must be set together \(missing: RECORDINGS_ACCOUNT_SID, RECORDINGS_AUTH_TOKEN\)$/,
    ],
    [
      'a RECORDINGS_ACCOUNT_SID that is not an account SID',
      { RECORDINGS_BASE_URL: 'https://api.twilio.com', RECORDINGS_ACCOUNT_SID: 'AC123', RECORDINGS_AUTH_TOKEN: 'x' },
      /^RECORDINGS_ACCOUNT_SID must be AC followed by 32 hex digits, got "AC123"$/,
    ],
    [
      'a RECORDINGS_BASE_URL that is not http(s)',
      { RECORDINGS_BASE_URL: 'ftp://x', RECORDINGS_ACCOUNT_SID: AC, RECORDINGS_AUTH_TOKEN: 'x' },
      /^RECORDINGS_BASE_URL must be an http\(s\) URL/,
    ],
    ['MEDIA_MAX_BYTES not a number', { MEDIA_MAX_BYTES: '3GB' }, /^MEDIA_MAX_BYTES must be a whole number/],
    ['MEDIA_FETCH_TIMEOUT_MS of 0', { MEDIA_FETCH_TIMEOUT_MS: '0' }, /^MEDIA_FETCH_TIMEOUT_MS must be a whole number from 1/],
    ['MEDIA_MAX_REDIRECTS over 20', { MEDIA_MAX_REDIRECTS: '21' }, /^MEDIA_MAX_REDIRECTS must be a whole number from 0 to 20/],
    [
      'an OUTBOUND_ALLOWLIST entry that is nothing',
      { OUTBOUND_ALLOWLIST: '127.0.0.1,not a host' },
      /^OUTBOUND_ALLOWLIST: "not a host" is not a host name/,
    ],
  ];
  for (const [name, env, message] of bad) {
    test(`${name} is a ConfigError`, () => {
      assert.throws(
        () => loadConfig({ ...base, ...env }),
        (error: unknown) => error instanceof ConfigError && message.test(error.message),
      );
    });
  }

  test('`serve` with a bad TRANSCRIBER exits at start-up, saying why', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'intelligence-pipeline-config-'));
    try {
      const root = fileURLToPath(new URL('../..', import.meta.url));
      const run = promisify(execFile);
      const outcome = await run(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: `sqlite:${join(directory, 'db')}`, PORT: '0', TRANSCRIBER: 'whisper' },
      }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );
      assert.notEqual(outcome.code, 0);
      assert.match(outcome.stderr, /TRANSCRIBER must be one of openai, pocketsphinx, none, got "whisper"/);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
