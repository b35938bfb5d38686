// `npm run build`: the server as one ES module, dist/main.js, plus a chunk for each part loaded only
// when needed (the PostgreSQL store). Node then reads one file at start-up instead of ~300 (our
// modules and those of Fastify, Ajv and the rest): a cold start took ~560 ms from tsc's output and
// takes ~360 ms from this. Type checking is `npm run typecheck` (and the first step of `npm test`).
// Usage: node scripts/build.mjs [outdir] (default: dist/ beside src/).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Packages left to Node's own loader: the native SQLite driver; what is imported only when first
 * needed (pg, prom-client, @fastify/swagger) and loads many files of its own; and pino, whose
 * transports (pretty printing) start worker threads from files beside its own code.
 * They must be dependencies: test/ops/package.test.ts checks that.
 */
const EXTERNAL_PACKAGES = ['better-sqlite3', 'pg', 'prom-client', '@fastify/swagger', 'pino', 'pino-pretty'];

async function buildDist(outdir = join(root, 'dist')) {
  outdir = resolve(outdir);
  rmSync(outdir, { recursive: true, force: true });
  return build({
    absWorkingDir: root,
    entryPoints: ['src/main.ts'],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunks/[name]-[hash]',
    external: EXTERNAL_PACKAGES,
    // Fastify and its parts are CommonJS: their require() of Node's modules and of pino needs a real one.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
}

await buildDist(process.argv[2]);
