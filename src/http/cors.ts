// CORS as Twilio answers it, on every response; an OPTIONS preflight is answered (204) without
// credentials. One static set of headers: @fastify/cors sends Allow-Methods/-Headers only on
// preflights, and the contract wants them on every response.
import type { FastifyInstance } from 'fastify';

export const corsHeaders = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
  'access-control-allow-headers':
    'Accept, Authorization, Content-Type, If-Match, If-Modified-Since, If-None-Match, If-Unmodified-Since',
  'access-control-allow-credentials': 'true',
  'access-control-expose-headers': 'ETag',
} as const;

export function installPreflight(app: FastifyInstance): void {
  app.options('*', { config: { preflight: true } }, async (_request, reply) => reply.code(204).send());
}
