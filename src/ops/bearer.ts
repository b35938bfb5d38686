// `Authorization: Bearer <token>` for the operations endpoints (/metrics, /admin/*): compared in
// constant time, and a refusal is a Twilio 401 like every other.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { onRequestAsyncHookHandler } from 'fastify';
import { TwilioError } from '../errors.js';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** True when `authorization` is `Bearer <token>` (scheme case-insensitive), in constant time. */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  if (authorization === undefined || authorization.length > 4096) return false;
  const match = /^bearer[ ]+(\S+)[ ]*$/i.exec(authorization);
  // Comparing digests keeps the comparison constant-time whatever the presented length.
  return match !== null && timingSafeEqual(digest(match[1]!), digest(token));
}

/** An onRequest hook refusing requests without the bearer token (named in the message by its variable). */
export function requireBearer(token: string, variable: string): onRequestAsyncHookHandler {
  return async (request, reply) => {
    if (bearerMatches(request.headers.authorization, token)) return;
    void reply.header('WWW-Authenticate', 'Bearer realm="intelligence-server"');
    throw new TwilioError(401, 20003, `Authenticate: send Authorization: Bearer <${variable}>`);
  };
}
