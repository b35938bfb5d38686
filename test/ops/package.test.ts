// The npm package: `npm pack` holds what `npx intelligence-server` needs (the built dist/, the
// README, the licence, package.json) and nothing else; its bin runs; engines says node ≥ 20. The
// built server (one bundled module, scripts/build.mjs) answers on both stores.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { builtinModules } from 'node:module';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { catalogSid } from '../../src/catalog/sids.js';
import { assertPostgresReachable, createSchema, dropSchema, newSchemaName, urlWithSearchPath } from '../helpers/postgres.js';
import { callServer, startServerProcess } from '../helpers/process.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
  files: string[];
  engines: { node: string };
  dependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
};

// A clean build in a directory of its own: the work tree's dist/ may hold stale files.
const staging = mkdtempSync(join(tmpdir(), 'intelligence-pack-'));
let packed: string[] = [];

before(async () => {
  for (const file of ['package.json', 'README.md', 'LICENSE', '.gitignore', '.npmignore']) {
    if (existsSync(join(root, file))) copyFileSync(join(root, file), join(staging, file));
  }
  symlinkSync(join(root, 'node_modules'), join(staging, 'node_modules'), 'dir');
  await run(process.execPath, [join(root, 'scripts/build.mjs'), join(staging, 'dist')], { cwd: root });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const { stdout } = await run(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: staging, maxBuffer: 16 * 1024 * 1024 });
  packed = (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0].files.map((file) => file.path).sort();
}, { timeout: 120_000 });
after(() => rmSync(staging, { recursive: true, force: true }));

test('the package holds dist/main.js, README.md, LICENSE and package.json', () => {
  for (const file of ['dist/main.js', 'README.md', 'LICENSE', 'package.json']) assert.ok(packed.includes(file), `${file} is not packed`);
});

test('the package holds nothing else: no sources, tests, benchmarks, data or maps', () => {
  const unexpected = packed.filter((file) => !/^(dist\/.+\.js|README\.md|LICENSE|package\.json)$/.test(file));
  assert.deepEqual(unexpected, []);
  assert.ok(!packed.some((file) => /^(src|test|bench|data)\//.test(file)));
});

test('bin, files and engines are set for npx on Node 20 or later', () => {
  assert.deepEqual(manifest.bin, { 'intelligence-server': 'dist/main.js' });
  assert.ok(manifest.files.includes('dist'));
  assert.equal(manifest.engines.node, '>=20');
  assert.match(readFileSync(join(staging, 'dist/main.js'), 'utf8'), /^#!\/usr\/bin\/env node\n/);
});

test('every package the built code imports is a dependency (not a devDependency)', () => {
  const runtime = new Set([...Object.keys(manifest.dependencies), ...Object.keys(manifest.optionalDependencies ?? {})]);
  const builtins = new Set(builtinModules);
  const files = (directory: string): string[] =>
    readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? files(join(directory, entry.name)) : entry.name.endsWith('.js') ? [join(directory, entry.name)] : [],
    );
  const missing = new Set<string>();
  for (const file of files(join(staging, 'dist'))) {
    const source = readFileSync(file, 'utf8');
    // Static imports and exports, dynamic import('…') of what is loaded only when first needed, and
    // the bundle's __require('…') of what the CommonJS code in it requires from outside it.
    const specifiers = source.matchAll(
      /(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|(?<![.\w$])(?:import|__require)\(\s*['"]([^'"]+)['"]\s*\)/g,
    );
    for (const [, staticSpecifier, dynamicSpecifier] of specifiers) {
      const specifier = staticSpecifier ?? dynamicSpecifier;
      if (specifier.startsWith('.') || specifier.startsWith('node:') || builtins.has(specifier)) continue;
      const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
      if (!runtime.has(name)) missing.add(`${name} (${relative(staging, file)})`);
    }
  }
  assert.deepEqual([...missing], []);
});

test('the built command runs: --version and --help', async () => {
  const version = await run(process.execPath, [join(staging, 'dist/main.js'), '--version']);
  assert.equal(version.stdout, `${manifest.version}\n`);
  const help = await run(process.execPath, [join(staging, 'dist/main.js'), '--help']);
  assert.match(help.stdout, /^intelligence-server /);
});

const accountSid = 'AC' + 'b'.repeat(32);
const authToken = 'package-token-1234';
const authorization = 'Basic ' + Buffer.from(`${accountSid}:${authToken}`).toString('base64');
const credentials = { TWILIO_ACCOUNT_SID: accountSid, TWILIO_AUTH_TOKEN: authToken };

test('the built server answers on SQLite: reads, writes, /openapi.json and /metrics', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'intelligence-built-'));
  const env = { ...credentials, DATABASE_URL: `sqlite:${join(directory, 'intelligence.db')}`, METRICS_ENABLED: 'true' };
  const server = await startServerProcess(env, join(staging, 'dist/main.js'));
  try {
    const created = await callServer(server.url, authorization, 'POST', '/v2/Services', { UniqueName: 'built' });
    assert.equal(created.status, 201);
    const operatorSid = catalogSid('LY', 'Sentiment Analysis');
    assert.equal((await callServer(server.url, authorization, 'POST', `/v2/Services/${created.body.sid}/Operators/${operatorSid}`)).status, 202);
    const attached = await callServer(server.url, authorization, 'GET', `/v2/Services/${created.body.sid}/Operators`);
    assert.deepEqual(attached.body.operator_sids, [operatorSid]);
    // @fastify/swagger and prom-client are imported from node_modules when first needed.
    const openapi = await fetch(`${server.url}/openapi.json`);
    assert.equal(openapi.status, 200);
    assert.equal(((await openapi.json()) as { info: { version: string } }).info.version, manifest.version);
    const metrics = await fetch(`${server.url}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(await metrics.text(), new RegExp(`intelligence_build_info\\{version="${manifest.version.replace(/\./g, '\\.')}"\\} 1`));
  } finally {
    await server.stop();
    rmSync(directory, { recursive: true, force: true });
  }
});

test('the built server answers on PostgreSQL (its store is a chunk of the bundle, loaded only then)', async () => {
  await assertPostgresReachable();
  const schema = newSchemaName();
  await createSchema(schema);
  const server = await startServerProcess({ ...credentials, DATABASE_URL: urlWithSearchPath(schema) }, join(staging, 'dist/main.js'));
  try {
    const created = await callServer(server.url, authorization, 'POST', '/v2/Services', { UniqueName: 'built-on-postgres' });
    assert.equal(created.status, 201);
    const fetched = await callServer(server.url, authorization, 'GET', '/v2/Services/built-on-postgres');
    assert.equal(fetched.body.sid, created.body.sid);
  } finally {
    await server.stop();
    await dropSchema(schema);
  }
});
