// Fetches a media URL into a file, safely: http(s) only, every hop's address checked by the outbound
// policy at connect time, redirects followed by hand (each one checked again, a bounded number),
// a size cap and one deadline for the whole fetch. The body streams to a temporary file in the
// destination directory, renamed into place once complete; on every failure it is removed. A
// failure is a value with the transcript code it fails with (TRANSCRIPTS.md §3): 95103 over the
// cap, 95105 for everything else that stops the download.
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { integer } from '../config.js';
import { connectHost, guardedLookup, literalHostRefusal, OutboundAddressRefused, type OutboundPolicy } from './outbound-policy.js';

export const MEDIA_TOO_LARGE = 95103;
export const MEDIA_DOWNLOAD_FAILED = 95105;

export interface MediaFetchLimits {
  /** The most bytes a body may have (Twilio: 3 GB). */
  maxBytes: number;
  /** The whole fetch, redirects and body included (Twilio: 10 minutes). */
  timeoutMs: number;
  /** Redirects followed before giving up. */
  maxRedirects: number;
}

export interface FetchMediaRequest extends MediaFetchLimits {
  url: string;
  policy: OutboundPolicy;
  /** Where the file goes; the temporary file is made here too, so the final rename is atomic. */
  directory: string;
  fileName: string;
  /** Sent to the first URL's origin only (e.g. a Recordings API's Authorization), never across a redirect to another. */
  headers?: Record<string, string>;
}

export interface FetchedMedia {
  ok: true;
  path: string;
  /** The final response's Content-Type, or null when it sent none. */
  contentType: string | null;
  bytes: number;
  finalUrl: string;
}

export type MediaFetchFailureKind =
  'bad-url' | 'refused-address' | 'http-status' | 'too-many-redirects' | 'timeout' | 'too-large' | 'network';

export interface MediaFetchFailure {
  ok: false;
  code: typeof MEDIA_TOO_LARGE | typeof MEDIA_DOWNLOAD_FAILED;
  kind: MediaFetchFailureKind;
  /** Says what went wrong and, where the user can act, what to do. */
  message: string;
  /** The HTTP status, for kind 'http-status' (a 5xx may be worth a retry, a 4xx is not). */
  status?: number;
}

export const DEFAULT_MEDIA_FETCH_LIMITS: MediaFetchLimits = { maxBytes: 3 * 1024 ** 3, timeoutMs: 600_000, maxRedirects: 5 };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const USER_AGENT = 'intelligence-server (media fetch)';

class Failure extends Error {
  constructor(
    readonly kind: MediaFetchFailureKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

const failure = (kind: MediaFetchFailureKind, message: string, status?: number): MediaFetchFailure => ({
  ok: false,
  code: kind === 'too-large' ? MEDIA_TOO_LARGE : MEDIA_DOWNLOAD_FAILED,
  kind,
  message,
  ...(status === undefined ? {} : { status }),
});

const seconds = (ms: number) => `${ms % 1000 === 0 ? ms / 1000 : (ms / 1000).toFixed(1)} s`;
const cutShort = (bytes: number) =>
  new Failure('network', `media URL closed the connection after ${bytes} bytes, before the whole body arrived`);
const tooLarge = (maxBytes: number) => new Failure('too-large', `media is larger than the limit of ${maxBytes} bytes`);

/** A system error's message with its code, once: "connect ECONNREFUSED 127.0.0.1:9" stays as it is. */
const describeError = (error: NodeJS.ErrnoException) =>
  error.code === undefined || error.message.includes(error.code) ? error.message : `${error.message} (${error.code})`;

function refusedMessage(url: URL, refused: OutboundAddressRefused): string {
  return `media URL ${url.host} resolves to ${refused.address}, ${refused.reason}, which is not allowed; add it to OUTBOUND_ALLOWLIST`;
}

function parseHttpUrl(text: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    throw new Failure(
      'bad-url',
      base === undefined ? `media URL "${text}" is not a URL` : `media URL redirects to "${text}", which is not a URL`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Failure('bad-url', `media URL must be http or https, not ${url.protocol.replace(/:$/, '')} (${url.href})`);
  }
  return url;
}

/** Downloads `request.url` into `directory/fileName`. Never throws for anything the remote side does. */
export async function fetchMedia(request: FetchMediaRequest): Promise<FetchedMedia | MediaFetchFailure> {
  const temporary = join(request.directory, `.${request.fileName}.${randomBytes(6).toString('hex')}.part`);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), request.timeoutMs);
  try {
    const fetched = await download(request, temporary, deadline.signal);
    const path = join(request.directory, request.fileName);
    await rename(temporary, path);
    return { ok: true, path, ...fetched };
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    if (error instanceof Failure) return failure(error.kind, error.message, error.status);
    if (deadline.signal.aborted) {
      return failure('timeout', `media URL did not finish downloading within ${seconds(request.timeoutMs)}`);
    }
    return failure('network', `media URL could not be downloaded: ${describeError(error as NodeJS.ErrnoException)}`);
  } finally {
    clearTimeout(timer);
  }
}

async function download(
  request: FetchMediaRequest,
  temporary: string,
  signal: AbortSignal,
): Promise<{ contentType: string | null; bytes: number; finalUrl: string }> {
  const first = parseHttpUrl(request.url);
  let url = first;
  for (let redirects = 0; ; redirects++) {
    const headers = url.origin === first.origin ? request.headers : undefined;
    const response = await get(url, request.policy, headers, signal);
    const location = response.headers.location;
    if (REDIRECTS.has(response.statusCode ?? 0) && location !== undefined) {
      // Its body is not wanted, and a socket of its own (agent: false) is not reused.
      response.destroy();
      if (redirects === request.maxRedirects) {
        throw new Failure('too-many-redirects', `media URL redirected more than ${request.maxRedirects} times`);
      }
      url = parseHttpUrl(location, url);
      continue;
    }
    const status = response.statusCode ?? 0;
    if (status < 200 || status > 299) {
      response.destroy();
      throw new Failure('http-status', `media URL answered ${status} ${response.statusMessage ?? ''}`.trimEnd() + ` (${url.href})`, status);
    }
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > request.maxBytes) {
      response.destroy();
      throw tooLarge(request.maxBytes);
    }
    const bytes = await save(response, temporary, request.maxBytes, signal);
    return { contentType: response.headers['content-type'] ?? null, bytes, finalUrl: url.href };
  }
}

/** One GET, its address checked at connect time; resolves with the response's head. */
function get(url: URL, policy: OutboundPolicy, headers: Record<string, string> | undefined, signal: AbortSignal): Promise<IncomingMessage> {
  const refused = literalHostRefusal(policy, url);
  if (refused !== null) return Promise.reject(new Failure('refused-address', refusedMessage(url, refused)));
  const options: RequestOptions = {
    method: 'GET',
    host: connectHost(url),
    port: url.port || undefined,
    path: url.pathname + url.search,
    headers: { 'user-agent': USER_AGENT, accept: '*/*', 'accept-encoding': 'identity', ...headers },
    // A socket of its own: a pooled one may have been connected to an address checked for another host.
    agent: false,
    lookup: guardedLookup(policy),
    signal,
  };
  return new Promise((resolve, reject) => {
    const outgoing = (url.protocol === 'https:' ? httpsRequest : httpRequest)(options, resolve);
    outgoing.on('error', (error) =>
      reject(error instanceof OutboundAddressRefused ? new Failure('refused-address', refusedMessage(url, error)) : error),
    );
    outgoing.end();
  });
}

/** Streams the body into a new owner-only file, stopping past `maxBytes`; the data is on disk when it resolves. */
async function save(response: IncomingMessage, temporary: string, maxBytes: number, signal: AbortSignal): Promise<number> {
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(bytes > maxBytes ? tooLarge(maxBytes) : null, chunk);
    },
  });
  // Created before anything streams, and closed before this returns: a file a stream opens lazily
  // could appear after a failure's unlink.
  const sink = (await open(temporary, 'wx', 0o600)).createWriteStream();
  try {
    await pipeline(response, counter, sink, { signal });
  } catch (error) {
    // A body the server cut short (its connection closed mid-body) errors the response, or ends it unfinished.
    if (!(error instanceof Failure) && !signal.aborted && !response.complete) throw cutShort(bytes);
    throw error;
  } finally {
    // Not events.once: that rejects on the 'error' a failed pipeline leaves the file stream to emit.
    if (!sink.closed) await new Promise<void>((resolve) => sink.once('close', () => resolve()));
  }
  if (!response.complete) throw cutShort(bytes);
  // fsync flushes the file's data whichever descriptor asks: the media is on disk before it is renamed into place.
  const file = await open(temporary, 'r');
  try {
    await file.sync();
  } finally {
    await file.close();
  }
  return bytes;
}

/** MEDIA_MAX_BYTES, MEDIA_FETCH_TIMEOUT_MS and MEDIA_MAX_REDIRECTS, for the lead to wire into the config. */
export function parseMediaFetchLimits(env: NodeJS.ProcessEnv): MediaFetchLimits {
  return {
    maxBytes: integer(env, 'MEDIA_MAX_BYTES', DEFAULT_MEDIA_FETCH_LIMITS.maxBytes, 1, Number.MAX_SAFE_INTEGER),
    timeoutMs: integer(env, 'MEDIA_FETCH_TIMEOUT_MS', DEFAULT_MEDIA_FETCH_LIMITS.timeoutMs, 1, 86_400_000),
    maxRedirects: integer(env, 'MEDIA_MAX_REDIRECTS', DEFAULT_MEDIA_FETCH_LIMITS.maxRedirects, 0, 20),
  };
}
