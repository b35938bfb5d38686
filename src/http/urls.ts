// Absolute URLs that point at this server: PUBLIC_BASE_URL, or the request's own scheme and Host.
import type { FastifyRequest } from 'fastify';

export function baseUrlOf(request: FastifyRequest, publicBaseUrl: string | null): string {
  if (publicBaseUrl !== null) return publicBaseUrl;
  return `${request.protocol}://${request.host}`;
}

/** The request's path without its query string, as the client sent it. */
export function requestPath(request: FastifyRequest): string {
  const url = request.raw.url ?? request.url;
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
