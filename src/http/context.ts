// What every route handler may use: the caller's account (set by the auth hook) and URL building.
import type { FastifyRequest } from 'fastify';
import type { AccountSid } from '../sids.js';
import type { ReadGeneration } from './recent-answers.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The spec lists X-Rate-Limit-* headers on this route's responses. */
    rateLimitHeaders?: boolean;
    preflight?: boolean;
    methodNotAllowed?: boolean;
  }
  interface FastifyRequest {
    /** The account the credentials act for; set by the auth hook on every /v1 and /v2 route. */
    accountSid: AccountSid;
  }
}

export interface RouteContext {
  publicBaseUrl: string | null;
  /** The store's read generation (store/read-cache.ts), for answers remembered whole. */
  readGeneration: ReadGeneration;
  /** The same, changing with every write of a transcript or its operator results too. */
  transcriptsGeneration: ReadGeneration;
}

export const queryOf = (request: FastifyRequest) => (request.query ?? {}) as Record<string, string | undefined>;
/** The route's path parameters: the router matches a route only with every `:Name` of its path filled. */
export const paramsOf = <Name extends string>(request: FastifyRequest) => request.params as Record<Name, string>;
