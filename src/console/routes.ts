// The web console's static files, built by scripts/build-console.mjs into dist/console/: GET
// /console/ and /console/* answer index.html (the console routes in the browser), a hashed asset
// under /console/assets/ answers itself, cached for good. The console is a client of /v2 like any
// other (HTTP Basic from the browser), so these routes need no credentials and grant nothing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { resourceNotFound } from '../errors.js';

interface Asset {
  body: Buffer;
  type: string;
}

const HTML = 'text/html; charset=utf-8';
const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': HTML,
  '.svg': 'image/svg+xml',
};

/** Nothing but our own files; the API is same-origin, so no other origin is ever needed. */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; media-src 'self'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** dist/console beside the bundled server (dist/server.cjs), or the built one when run from src/ by tsx. */
function consoleDirectory(): string | null {
  for (const relative of ['./console/', '../../dist/console/']) {
    const directory = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(join(directory, 'index.html'))) return directory;
  }
  return null;
}

/** The built files, read once at the first request (a few small files; the server does not start slower). */
function loadAssets(): Map<string, Asset> | null {
  const directory = consoleDirectory();
  if (directory === null) return null;
  const assets = new Map<string, Asset>();
  assets.set('index.html', { body: readFileSync(join(directory, 'index.html')), type: HTML });
  for (const name of readdirSync(join(directory, 'assets'))) {
    const type = TYPES[extname(name)];
    if (type !== undefined) assets.set(`assets/${name}`, { body: readFileSync(join(directory, 'assets', name)), type });
  }
  return assets;
}

function send(reply: FastifyReply, asset: Asset, cacheControl: string): FastifyReply {
  return reply
    .headers({
      'content-type': asset.type,
      'cache-control': cacheControl,
      'content-security-policy': CONSOLE_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    })
    .send(asset.body);
}

export function consoleRoutes(app: FastifyInstance): void {
  let assets: Map<string, Asset> | null | undefined;
  const hidden = { schema: { hide: true } };
  app.get('/console', hidden, async (_request, reply) => reply.redirect('/console/', 301));
  // The router fills the wildcard (possibly with ''); the route has no schema to type it.
  app.get<{ Params: { '*': string } }>('/console/*', hidden, async (request, reply) => {
    assets ??= loadAssets();
    const path = request.params['*'];
    if (assets === null) throw resourceNotFound('/console/ (the console is not built: run npm run build)');
    const asset = assets.get(path);
    if (asset !== undefined && path.startsWith('assets/')) return send(reply, asset, 'public, max-age=31536000, immutable');
    // A missing asset is a 404, not the page: a stale hashed name must not load HTML as a script.
    if (path.startsWith('assets/')) throw resourceNotFound(`/console/${path}`);
    return send(reply, assets.get('index.html')!, 'no-cache');
  });
}
