// Absolute URLs that point at this server: PUBLIC_BASE_URL, or the request's own scheme and Host.
import type { FastifyRequest } from 'fastify';

// A DNS name (≤ 253 characters; '_' for container names) or an IPv4 or bracketed IPv6 literal, with
// an optional port: anything else (a path, a query, a 12 KB name) would be copied into every URL.
const HOST_HEADER = /^(?:[A-Za-z0-9][A-Za-z0-9._-]{0,252}|\[[0-9A-Fa-f:.]{2,45}\])(?::([0-9]{1,5}))?$/;

/** Host is the only part of the request copied into answers' URLs, so only a host[:port] is accepted. */
export function isValidHostHeader(host: string): boolean {
  const match = HOST_HEADER.exec(host);
  return match !== null && (match[1] === undefined || Number(match[1]) <= 65535);
}

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
