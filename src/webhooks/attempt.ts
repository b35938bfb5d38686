// One webhook attempt over HTTP: signed as Twilio signs, on a socket of its own whose address the
// outbound policy checks at connect time, redirects followed by hand (a few, each hop checked and
// signed again), one deadline for the whole attempt. It answers what happened; it never throws for
// anything the receiver does.
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connectHost, guardedLookup, literalHostRefusal, OutboundAddressRefused, type OutboundPolicy } from '../net/outbound-policy.js';
import { SIGNATURE_HEADER, signGet, signJsonPost, type SignedRequest } from './signature.js';
import type { WebhookJobPayload } from './outbox.js';

export const USER_AGENT = 'TwilioProxy/1.1';
export const MAX_REDIRECTS = 3;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export type AttemptOutcome =
  | { kind: 'answered'; status: number; url: string; retryAfter: string | null }
  | { kind: 'timeout'; url: string }
  | { kind: 'network'; url: string; message: string }
  | { kind: 'refused'; url: string; message: string }
  | { kind: 'bad-url'; url: string; message: string }
  | { kind: 'too-many-redirects'; url: string };

export interface AttemptRequest {
  payload: WebhookJobPayload;
  authToken: string;
  policy: OutboundPolicy;
  timeoutMs: number;
  /** Aborted when the job's lease is lost or the server stops. */
  signal: AbortSignal;
}

/** A URL for logs and alerts: without user information (a password may be in it). */
export const shownUrl = (url: URL) => {
  const shown = new URL(url.href);
  shown.username = '';
  shown.password = '';
  return shown.href;
};

function parseHttpUrl(text: string, base?: URL): URL | null {
  try {
    const url = new URL(text, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/** Signed over the URL a receiver sees: user information travels as Basic credentials instead (as Twilio sends it). */
function sign(payload: WebhookJobPayload, authToken: string, withCredentials: URL, body: string): SignedRequest {
  const url = new URL(shownUrl(withCredentials));
  if (payload.method === 'POST') return signJsonPost(authToken, url, body);
  const params = Object.fromEntries(Object.entries(payload.body).map(([name, value]) => [name, value ?? '']));
  return signGet(authToken, url, params);
}

export async function attemptWebhook(request: AttemptRequest): Promise<AttemptOutcome> {
  // One controller for the deadline and the job's own signal (AbortSignal.any needs Node 20.3).
  const abort = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort(new Error('webhook timeout'));
  }, request.timeoutMs);
  const stop = () => abort.abort(request.signal.reason);
  if (request.signal.aborted) stop();
  else request.signal.addEventListener('abort', stop, { once: true });
  try {
    return await attemptHops(request, abort.signal, () => timedOut);
  } finally {
    clearTimeout(timer);
    request.signal.removeEventListener('abort', stop);
  }
}

async function attemptHops(request: AttemptRequest, signal: AbortSignal, timedOut: () => boolean): Promise<AttemptOutcome> {
  const { payload, authToken, policy } = request;
  const body = JSON.stringify(payload.body);
  let url = parseHttpUrl(payload.url);
  if (url === null) return { kind: 'bad-url', url: payload.url, message: `webhook URL "${payload.url}" is not an http or https URL` };
  for (let redirects = 0; ; redirects++) {
    const signed = sign(payload, authToken, url, body);
    const credentials = url.username === '' ? null : `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    const shown = shownUrl(signed.url);
    const refused = literalHostRefusal(policy, signed.url);
    if (refused !== null) return { kind: 'refused', url: shown, message: refusedMessage(signed.url, refused) };
    let response: IncomingMessage;
    try {
      response = await send(signed, credentials, payload, body, policy, signal);
    } catch (error) {
      if (error instanceof OutboundAddressRefused) return { kind: 'refused', url: shown, message: refusedMessage(signed.url, error) };
      if (timedOut()) return { kind: 'timeout', url: shown };
      return { kind: 'network', url: shown, message: describeError(error as NodeJS.ErrnoException) };
    }
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    const retryAfter = response.headers['retry-after'] ?? null;
    // Only the status is wanted; the socket is this attempt's own, so closing it wastes nothing.
    response.destroy();
    if (!REDIRECTS.has(status) || location === undefined) return { kind: 'answered', status, url: shown, retryAfter };
    if (redirects === MAX_REDIRECTS) return { kind: 'too-many-redirects', url: shown };
    const next = parseHttpUrl(location, signed.url);
    if (next === null)
      return { kind: 'bad-url', url: shown, message: `webhook URL ${shown} redirects to "${location}", which is not an http or https URL` };
    url = next;
  }
}

function refusedMessage(url: URL, refused: OutboundAddressRefused): string {
  return `webhook URL ${url.host} resolves to ${refused.address}, ${refused.reason}, which is not allowed; add it to OUTBOUND_ALLOWLIST`;
}

const describeError = (error: NodeJS.ErrnoException) =>
  error.code === undefined || error.message.includes(error.code) ? error.message : `${error.message} (${error.code})`;

/** One request, its address checked at connect time; resolves with the response's head. */
function send(
  signed: SignedRequest,
  credentials: string | null,
  payload: WebhookJobPayload,
  body: string,
  policy: OutboundPolicy,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const { url } = signed;
  const headers: Record<string, string> = {
    'user-agent': USER_AGENT,
    [SIGNATURE_HEADER.toLowerCase()]: signed.signature,
    'i-twilio-idempotency-token': payload.idempotencyToken,
    accept: '*/*',
    'accept-encoding': 'identity',
    connection: 'close',
  };
  if (credentials !== null) headers.authorization = `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
  if (payload.method === 'POST') {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  const options: RequestOptions = {
    method: payload.method,
    host: connectHost(url),
    port: url.port || undefined,
    path: url.pathname + url.search,
    headers,
    // A socket of its own: a pooled one may have been connected to an address checked for another host.
    agent: false,
    lookup: guardedLookup(policy),
    signal,
  };
  return new Promise((resolve, reject) => {
    const outgoing = (url.protocol === 'https:' ? httpsRequest : httpRequest)(options, resolve);
    outgoing.on('error', reject);
    outgoing.end(payload.method === 'POST' ? body : undefined);
  });
}
