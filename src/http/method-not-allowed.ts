// A known path asked with a method it does not have answers 405 20004, not 404.
import type { FastifyInstance, HTTPMethods } from 'fastify';
import { methodNotAllowed } from '../errors.js';
import { requestPath } from './urls.js';

const answerable: HTTPMethods[] = ['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'TRACE', 'QUERY'];

/** Collects the methods of every route; call `install` once all routes are registered. */
export function methodNotAllowedRoutes(app: FastifyInstance) {
  const methodsByPath = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    const methods = methodsByPath.get(route.url) ?? new Set<string>();
    for (const method of [route.method].flat()) methods.add(method);
    methodsByPath.set(route.url, methods);
  });
  return {
    install(): void {
      for (const [path, methods] of [...methodsByPath]) {
        if (!path.startsWith('/v2/') && !path.startsWith('/v1/')) continue;
        const missing = answerable.filter((method) => !methods.has(method));
        if (missing.length === 0) continue;
        app.route({
          method: missing,
          url: path,
          config: { methodNotAllowed: true },
          // Refused before the body is read: a QUERY or PUT is not parsed only to be turned away.
          onRequest: async (request) => {
            throw methodNotAllowed(request.method, requestPath(request));
          },
          handler: async () => undefined,
        });
      }
    },
  };
}
