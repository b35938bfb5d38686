// X-Twilio-Signature as Twilio computes it: base64(HMAC-SHA1(auth token, full URL + each form
// parameter's name and value, sorted by name)). A JSON POST carries no form parameters: its URL gets
// `bodySHA256=<hex SHA-256 of the body>` and the signature covers that URL (what twilio-node's
// validateRequestWithBody checks); a GET carries its parameters in the URL, signed as they are.
import { createHash, createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Twilio-Signature';

/** The signature of a request to `url` with form parameters `params` (none for JSON and GET). */
export function twilioSignature(authToken: string, url: string, params: Record<string, string> = {}): string {
  const data = Object.keys(params)
    .sort()
    .reduce((signed, name) => signed + name + params[name], url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

export const bodySha256 = (body: string) => createHash('sha256').update(Buffer.from(body, 'utf8')).digest('hex');

/** `url` with `query` (already encoded) added to its query string, its fragment dropped; the rest kept as written. */
function withQuery(url: URL, query: string): URL {
  const target = new URL(url.href);
  target.hash = '';
  if (query !== '') target.search = target.search === '' || target.search === '?' ? `?${query}` : `${target.search}&${query}`;
  return target;
}

export interface SignedRequest {
  /** The URL to call, exactly as signed. */
  url: URL;
  signature: string;
}

/** A JSON POST: the URL with bodySHA256, and the signature over it. */
export function signJsonPost(authToken: string, url: URL, body: string): SignedRequest {
  const signed = url.searchParams.has('bodySHA256') ? withQuery(url, '') : withQuery(url, `bodySHA256=${bodySha256(body)}`);
  return { url: signed, signature: twilioSignature(authToken, signed.href) };
}

/** A GET: the parameters added to the URL's query, and the signature over the whole URL. */
export function signGet(authToken: string, url: URL, params: Record<string, string>): SignedRequest {
  const query = Object.entries(params)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
  const signed = withQuery(url, query);
  return { url: signed, signature: twilioSignature(authToken, signed.href) };
}
