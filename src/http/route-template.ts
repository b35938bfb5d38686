// The route template a request matched (such as /v2/Services/:Sid), for its log line and metrics.
// request.routeOptions builds an object of 13 fields at every read, only for its `url`; Fastify
// keeps the template in the route's context under its kRouteContext symbol (Fastify is pinned;
// test/ops/logging.test.ts and the metrics tests check the templates).
import type { FastifyRequest } from 'fastify';
import symbols from 'fastify/lib/symbols.js';

const { kRouteContext } = symbols;

interface RouteContext {
  config?: { url?: string };
}

/** The template of the route that answered (undefined: no route matched). */
export function routeTemplateOf(request: FastifyRequest): string | undefined {
  return (request as unknown as Record<symbol, RouteContext>)[kRouteContext].config?.url;
}
