// The headers every response carries: CORS (cors.ts) and Twilio-Request-Id. A new reply has none
// yet, so they are put in place as one object literal rather than through reply.headers(), which
// lowercases each name and stores it into an object of another shape from reply to reply (6 % of
// an attach request's instructions). Fastify keeps a reply's headers under its kReplyHeaders
// symbol; Fastify is pinned, and test/http/protocol.test.ts checks the headers on every kind of
// response.
import type { FastifyReply } from 'fastify';
import symbols from 'fastify/lib/symbols.js';
import { corsHeaders } from './cors.js';

const { kReplyHeaders } = symbols;

export type Headers = Record<string, string | number | string[] | undefined>;
/** Every CORS header and the request id: a header added to cors.ts does not compile below until it is set there too. */
type EveryResponseHeaders = Record<keyof typeof corsHeaders | 'twilio-request-id', string>;

/**
 * The reply's headers as Fastify keeps them, by lower-case name: for headers set on every response of
 * a kind, with names written out where they are set (reply.header() lowercases each name and stores
 * it through a lookup that no longer knows the object's shape).
 */
export function replyHeadersOf(reply: FastifyReply): Headers {
  return (reply as unknown as Record<symbol, Headers>)[kReplyHeaders];
}

/** Sets the headers every response carries (through reply.headers() if the reply has some already). */
export function setEveryResponseHeaders(reply: FastifyReply, requestId: string): void {
  const replyHeaders = reply as unknown as Record<symbol, Headers>;
  for (const _ in replyHeaders[kReplyHeaders]) {
    void reply.headers(corsHeaders).header('twilio-request-id', requestId);
    return;
  }
  const headers: EveryResponseHeaders = {
    'access-control-allow-origin': corsHeaders['access-control-allow-origin'],
    'access-control-allow-methods': corsHeaders['access-control-allow-methods'],
    'access-control-allow-headers': corsHeaders['access-control-allow-headers'],
    'access-control-allow-credentials': corsHeaders['access-control-allow-credentials'],
    'access-control-expose-headers': corsHeaders['access-control-expose-headers'],
    'twilio-request-id': requestId,
  };
  replyHeaders[kReplyHeaders] = headers;
}
