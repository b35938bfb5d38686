// CORS as Twilio answers it, on every response; an OPTIONS preflight is answered (204) without
// credentials. One static set of headers: @fastify/cors sends Allow-Methods/-Headers only on
// preflights, and the contract wants them on every response.
import type { FastifyInstance } from 'fastify';

export const corsHeaders = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
  'access-control-allow-headers': 'Accept, Authorization, Content-Type, If-Match, If-Modified-Since, If-None-Match, If-Unmodified-Since',
  'access-control-allow-credentials': 'true',
  'access-control-expose-headers': 'ETag',
} as const;

export function installPreflight(app: FastifyInstance): void {
  // Answered in onRequest, before the body stage: a preflight's body is never read or parsed.
  app.options('*', {
    config: { preflight: true },
    onRequest: (_request, reply) => void reply.code(204).send(),
    handler: async () => undefined,
  });
}
