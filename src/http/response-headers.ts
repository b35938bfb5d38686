// The headers every response carries: CORS (cors.ts) and Twilio-Request-Id. A new reply has none
// yet, so where the internals allow they are put in place as one object literal: reply.headers()
// lowercases each name and stores it into an object whose shape differs from reply to reply.
import type { FastifyReply } from 'fastify';
import { corsHeaders } from './cors.js';
import type { ReplyHeaders } from './internals.js';

/** Every CORS header and the request id: a header added to cors.ts does not compile below until it is set there too. */
type EveryResponseHeaders = Record<keyof typeof corsHeaders | 'twilio-request-id', string>;

export type SetEveryResponseHeaders = (reply: FastifyReply, requestId: string) => void;

const throughFastify: SetEveryResponseHeaders = (reply, requestId) => {
  void reply.headers(corsHeaders).header('twilio-request-id', requestId);
};

/** Sets the headers every response carries: directly into `replyHeaders` when a reply has none yet, else through Fastify. */
export function everyResponseHeaders(replyHeaders: ReplyHeaders | null): SetEveryResponseHeaders {
  if (replyHeaders === null) return throughFastify;
  return (reply, requestId) => {
    for (const _ in replyHeaders.of(reply)) return throughFastify(reply, requestId);
    const headers: EveryResponseHeaders = {
      'access-control-allow-origin': corsHeaders['access-control-allow-origin'],
      'access-control-allow-methods': corsHeaders['access-control-allow-methods'],
      'access-control-allow-headers': corsHeaders['access-control-allow-headers'],
      'access-control-allow-credentials': corsHeaders['access-control-allow-credentials'],
      'access-control-expose-headers': corsHeaders['access-control-expose-headers'],
      'twilio-request-id': requestId,
    };
    replyHeaders.replace(reply, headers);
  };
}
