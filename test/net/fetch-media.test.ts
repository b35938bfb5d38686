// The media fetcher against real HTTP servers on loopback: what it saves, what it refuses, and that
// no failure leaves a file behind.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fetchMedia, parseMediaFetchLimits, type FetchMediaRequest, type MediaFetchFailure } from '../../src/net/fetch-media.js';
import { parseOutboundAllowlist } from '../../src/net/outbound-policy.js';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

interface TestHttpServer {
  origin: string;
  port: number;
  /** The paths asked for, in order. */
  seen: Array<{ path: string; authorization?: string }>;
  server: Server;
}

const servers: TestHttpServer[] = [];
const directories: string[] = [];

async function serve(routes: Record<string, Handler>): Promise<TestHttpServer> {
  const seen: TestHttpServer['seen'] = [];
  const server = createServer((request, response) => {
    seen.push({ path: request.url ?? '', authorization: request.headers.authorization });
    const handler = routes[request.url ?? ''];
    if (handler === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('no such media');
      return;
    }
    handler(request, response);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const entry = { origin: `http://127.0.0.1:${port}`, port, seen, server };
  servers.push(entry);
  return entry;
}

after(() => {
  for (const { server } of servers) {
    server.closeAllConnections();
    server.close();
  }
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

const BODY = Buffer.from('RIFF....WAVEfmt '.repeat(64));
let media: TestHttpServer;
before(async () => {
  media = await serve({
    '/call.wav': (_request, response) => response.writeHead(200, { 'content-type': 'audio/wav', 'content-length': BODY.length }).end(BODY),
    '/chunked.wav': (_request, response) => {
      response.writeHead(200, { 'content-type': 'audio/wav' });
      response.write(BODY.subarray(0, 100));
      response.end(BODY.subarray(100));
    },
    '/moved': (_request, response) => response.writeHead(302, { location: '/call.wav' }).end(),
    '/loop': (_request, response) => response.writeHead(301, { location: '/loop' }).end(),
    '/never': () => undefined,
    '/cut': (request, response) => {
      response.writeHead(200, { 'content-type': 'audio/wav', 'content-length': 10_000 });
      response.write(BODY.subarray(0, 100), () => request.socket.destroy());
    },
    '/cut-chunked': (request, response) => {
      response.writeHead(200, { 'content-type': 'audio/wav' });
      response.write(BODY.subarray(0, 100), () => request.socket.destroy());
    },
    '/ftp': (_request, response) => response.writeHead(302, { location: 'ftp://example.com/call.wav' }).end(),
  });
});

function request(url: string, overrides: Partial<FetchMediaRequest> = {}): FetchMediaRequest {
  const directory = mkdtempSync(join(tmpdir(), 'fetch-media-'));
  directories.push(directory);
  return {
    url,
    policy: parseOutboundAllowlist('127.0.0.0/8'),
    directory,
    fileName: 'media',
    maxBytes: 1024 * 1024,
    timeoutMs: 60_000,
    maxRedirects: 3,
    ...overrides,
  };
}

/** Fetches, expects a failure with `code` and `kind`, and checks that the directory is left empty. */
async function expectFailure(fetch: FetchMediaRequest, code: number, kind: string, message: RegExp): Promise<MediaFetchFailure> {
  const result = await fetchMedia(fetch);
  assert.equal(result.ok, false, JSON.stringify(result));
  const failure = result;
  assert.deepEqual({ code: failure.code, kind: failure.kind }, { code, kind }, failure.message);
  assert.match(failure.message, message);
  assert.deepEqual(readdirSync(fetch.directory), [], 'no file, temporary or final, is left');
  return failure;
}

test('an allowed URL is saved whole, owner-only, with its type, size and final URL, and no temporary file', async () => {
  for (const path of ['/call.wav', '/chunked.wav']) {
    const fetch = request(media.origin + path);
    const result = await fetchMedia(fetch);
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result, {
      ok: true,
      path: join(fetch.directory, 'media'),
      contentType: 'audio/wav',
      bytes: BODY.length,
      finalUrl: media.origin + path,
    });
    assert.deepEqual(readFileSync(result.path), BODY);
    assert.equal(statSync(result.path).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(fetch.directory), ['media']);
  }
});

test('redirects are followed, and the final URL is the one that answered', async () => {
  const result = await fetchMedia(request(`${media.origin}/moved`));
  assert.ok(result.ok, JSON.stringify(result));
  assert.equal(result.finalUrl, `${media.origin}/call.wav`);
  assert.equal(result.bytes, BODY.length);
});

test('a loopback URL without OUTBOUND_ALLOWLIST is refused with 95105 before any request is sent', async () => {
  const before = media.seen.length;
  await expectFailure(
    request(`${media.origin}/call.wav`, { policy: parseOutboundAllowlist(undefined) }),
    95105,
    'refused-address',
    new RegExp(
      `^media URL 127\\.0\\.0\\.1:${media.port} resolves to 127\\.0\\.0\\.1, a loopback address, which is not allowed; add it to OUTBOUND_ALLOWLIST$`,
    ),
  );
  await expectFailure(
    request(`http://localhost:${media.port}/call.wav`, { policy: parseOutboundAllowlist(undefined) }),
    95105,
    'refused-address',
    /^media URL localhost:\d+ resolves to (127\.0\.0\.1|::1), a loopback address, which is not allowed; add it to OUTBOUND_ALLOWLIST$/,
  );
  assert.equal(media.seen.length, before, 'the server saw no request');
});

test('a redirect to a refused address is refused, and the refused server is never contacted', async () => {
  const target = await serve({ '/secret': (_request, response) => response.end('metadata') });
  const hop = await serve({ '/hop': (_request, response) => response.writeHead(307, { location: `${target.origin}/secret` }).end() });
  // Only the name "localhost" is allowed: the redirect's IP literal is not.
  await expectFailure(
    request(`http://localhost:${hop.port}/hop`, { policy: parseOutboundAllowlist('localhost') }),
    95105,
    'refused-address',
    new RegExp(`^media URL 127\\.0\\.0\\.1:${target.port} resolves to 127\\.0\\.0\\.1, a loopback address`),
  );
  assert.deepEqual(
    hop.seen.map((seen) => seen.path),
    ['/hop'],
  );
  assert.deepEqual(target.seen, []);
});

test('headers for the first origin are not sent across a redirect to another origin', async () => {
  const other = await serve({ '/file': (_request, response) => response.end('x') });
  const first = await serve({
    '/start': (_request, response) => response.writeHead(302, { location: `http://localhost:${other.port}/file` }).end(),
  });
  const result = await fetchMedia(
    request(`${first.origin}/start`, {
      policy: parseOutboundAllowlist('127.0.0.1,localhost'),
      headers: { authorization: 'Basic c2VjcmV0' },
    }),
  );
  assert.ok(result.ok, JSON.stringify(result));
  assert.equal(first.seen[0]!.authorization, 'Basic c2VjcmV0');
  assert.equal(other.seen[0]!.authorization, undefined);
});

test('a 404 fails with 95105 naming the status and the URL', async () => {
  await expectFailure(
    request(`${media.origin}/missing.wav`),
    95105,
    'http-status',
    /^media URL answered 404 Not Found \(http:\/\/127\.0\.0\.1:\d+\/missing\.wav\)$/,
  );
});

test('a server that never answers fails with 95105 at the deadline', async () => {
  await expectFailure(
    request(`${media.origin}/never`, { timeoutMs: 200 }),
    95105,
    'timeout',
    /^media URL did not finish downloading within 0\.2 s$/,
  );
});

test('a body over the cap fails with 95103, whether its length is declared or not', async () => {
  const limit = BODY.length - 1;
  await expectFailure(
    request(`${media.origin}/call.wav`, { maxBytes: limit }),
    95103,
    'too-large',
    new RegExp(`larger than the limit of ${limit} bytes`),
  );
  await expectFailure(
    request(`${media.origin}/chunked.wav`, { maxBytes: limit }),
    95103,
    'too-large',
    new RegExp(`larger than the limit of ${limit} bytes`),
  );
});

test('a server that closes the connection mid-body fails with 95105', async () => {
  for (const path of ['/cut', '/cut-chunked']) {
    await expectFailure(
      request(media.origin + path),
      95105,
      'network',
      /^media URL closed the connection after \d+ bytes, before the whole body arrived$/,
    );
  }
});

test('too many redirects, a redirect to ftp:, and a URL that is not http(s) fail with 95105', async () => {
  await expectFailure(request(`${media.origin}/loop`), 95105, 'too-many-redirects', /^media URL redirected more than 3 times$/);
  await expectFailure(request(`${media.origin}/ftp`), 95105, 'bad-url', /^media URL must be http or https, not ftp/);
  await expectFailure(request('ftp://example.com/call.wav'), 95105, 'bad-url', /^media URL must be http or https, not ftp/);
  await expectFailure(request('not a url'), 95105, 'bad-url', /is not a URL/);
});

test('a refused connection (nothing listening) fails with 95105', async () => {
  const gone = await serve({});
  gone.server.close();
  await once(gone.server, 'close');
  await expectFailure(request(`${gone.origin}/x`), 95105, 'network', /ECONNREFUSED/);
});

test('the limits come from MEDIA_MAX_BYTES, MEDIA_FETCH_TIMEOUT_MS and MEDIA_MAX_REDIRECTS, with Twilio’s defaults', () => {
  assert.deepEqual(parseMediaFetchLimits({}), { maxBytes: 3 * 1024 ** 3, timeoutMs: 600_000, maxRedirects: 5 });
  assert.deepEqual(parseMediaFetchLimits({ MEDIA_MAX_BYTES: '1000', MEDIA_FETCH_TIMEOUT_MS: '5000', MEDIA_MAX_REDIRECTS: '0' }), {
    maxBytes: 1000,
    timeoutMs: 5000,
    maxRedirects: 0,
  });
  assert.throws(() => parseMediaFetchLimits({ MEDIA_MAX_REDIRECTS: '21' }), /MEDIA_MAX_REDIRECTS must be a whole number from 0 to 20/);
});
