// The npm package: `npm pack` holds what `npx intelligence-server` needs (the built dist/, the
// README, the licence, package.json) and nothing else; its bin runs; engines says node ≥ 20. The
// built server (one bundled script and its code cache, scripts/build.mjs) answers on both stores,
// and `npm start` hands it SIGTERM. (Installing the tarball and serving from it: readme.test.ts.)
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { builtinModules } from 'node:module';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { builtinCatalog } from '../../src/catalog/builtin.js';
import { catalogSid } from '../../src/catalog/sids.js';
import { ThreadPool } from '../../src/jobs/threads.js';
import { decodeAudioFile } from '../../src/media/audio/decode.js';
import { decodeAudioOffThread } from '../../src/media/audio/off-thread.js';
import { MediaFailure } from '../../src/media/failure.js';
import { runOperatorsOffThread } from '../../src/operators/off-thread.js';
import { createOperatorRegistry } from '../../src/operators/registry.js';
import { conversation } from '../helpers/conversations.js';
import { writeWav } from '../helpers/media.js';
import { assertPostgresReachable, createSchema, dropSchema, newSchemaName, urlWithSearchPath } from '../helpers/postgres.js';
import { groupMembers, stopGroup, untilReady } from '../helpers/installed-package.js';
import { callServer, freePort, startServerProcess } from '../helpers/process.js';

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

before(
  async () => {
    for (const file of ['package.json', 'README.md', 'LICENSE', '.gitignore', '.npmignore']) {
      if (existsSync(join(root, file))) copyFileSync(join(root, file), join(staging, file));
    }
    symlinkSync(join(root, 'node_modules'), join(staging, 'node_modules'), 'dir');
    await run(process.execPath, [join(root, 'scripts/build.mjs'), join(staging, 'dist')], { cwd: root });
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const { stdout } = await run(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: staging, maxBuffer: 16 * 1024 * 1024 });
    packed = (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((file) => file.path).sort();
  },
  { timeout: 120_000 },
);
after(() => rmSync(staging, { recursive: true, force: true }));

test("the package holds dist/main.js, its worker threads' entry, README.md, LICENSE and package.json", () => {
  for (const file of ['dist/main.js', 'dist/thread-tasks.cjs', 'README.md', 'LICENSE', 'package.json'])
    assert.ok(packed.includes(file), `${file} is not packed`);
});

test('the package holds nothing else: no sources, tests, benchmarks, data or maps', () => {
  const unexpected = packed.filter(
    (file) =>
      !/^(dist\/main\.js|dist\/server\.cjs(\.cache)?|dist\/thread-tasks\.cjs|dist\/migrations\/(sqlite|postgres)\/\d{4}-[a-z0-9-]+\.sql|dist\/console\/(index\.html|assets\/main-[A-Z0-9]+\.(js|css))|README\.md|LICENSE|package\.json)$/.test(
        file,
      ),
  );
  // The web console: its page and one hashed script and stylesheet, built with the package.
  assert.equal(packed.filter((file) => file.startsWith('dist/console/')).length, 3);
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
      entry.isDirectory() ? files(join(directory, entry.name)) : /\.c?js$/.test(entry.name) ? [join(directory, entry.name)] : [],
    );
  const missing = new Set<string>();
  for (const file of files(join(staging, 'dist'))) {
    const source = readFileSync(file, 'utf8');
    // Static imports and exports (the loader), and the bundle's require("…") of what it takes from
    // outside itself (what is loaded only when first needed too: the build turns import() into
    // require()). esbuild writes those with double quotes; require('…') in single quotes is text in
    // code that a package generates (fast-json-stringify's standalone mode), not a call.
    const specifiers = source.matchAll(
      /(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|(?<![.\w$])(?:import|require)\(\s*"([^"]+)"\s*\)/g,
    );
    for (const [, staticSpecifier, dynamicSpecifier] of specifiers) {
      const specifier = staticSpecifier ?? dynamicSpecifier;
      // The pattern's two alternatives each capture one of the two groups.
      if (specifier === undefined) continue;
      if (specifier.startsWith('.') || specifier.startsWith('node:') || builtins.has(specifier)) continue;
      const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] ?? specifier);
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

test('the built command runs with the code cache the build made, and runs the same without it or with one of other text', async () => {
  const report = { ...process.env, INTELLIGENCE_SERVER_CODE_CACHE_REPORT: '1' };
  const versionWith = async (dist: string, expected: string) => {
    const { stdout, stderr } = await run(process.execPath, [join(dist, 'main.js'), '--version'], { env: report });
    assert.equal(stdout, `${manifest.version}\n`);
    assert.equal(stderr, `code cache: ${expected}\n`);
  };
  await versionWith(join(staging, 'dist'), 'used');
  // A copy beside the original (so that its packages resolve the same), then changed in turn.
  const copy = join(staging, 'dist-copy');
  cpSync(join(staging, 'dist'), copy, { recursive: true });
  const cache = readFileSync(join(copy, 'server.cjs.cache'));
  // The same digest before a payload V8 cannot use: V8 rejects it and compiles as usual.
  writeFileSync(join(copy, 'server.cjs.cache'), Buffer.concat([cache.subarray(0, 32), Buffer.alloc(4096, 7)]));
  await versionWith(copy, 'rejected');
  // A cache made from other text (one byte more): not handed to V8 at all, even though V8 might take it.
  writeFileSync(join(copy, 'server.cjs.cache'), cache);
  writeFileSync(join(copy, 'server.cjs'), readFileSync(join(copy, 'server.cjs'), 'latin1') + ' ', 'latin1');
  await versionWith(copy, 'none');
  rmSync(join(copy, 'server.cjs.cache'));
  await versionWith(copy, 'none');
});

test('the built worker entry runs the tasks on its threads: decodes a WAV and runs operators, as the sources do', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'intelligence-built-threads-'));
  const threads = new ThreadPool({ entry: pathToFileURL(join(staging, 'dist/thread-tasks.cjs')), size: 1 });
  try {
    const wav = join(directory, 'tone.wav');
    await writeWav(wav, { sampleRate: 8000, channels: 2, frames: 8000 * 3 });
    const decoded = await decodeAudioOffThread(threads, wav, 'wav', join(directory, 'off-thread'));
    const expected = await decodeAudioFile(wav, 'wav', join(directory, 'here'));
    assert.deepEqual({ ...decoded, channelFiles: [] }, { ...expected, channelFiles: [] });
    assert.deepEqual(readFileSync(decoded.channelFiles[1]!), readFileSync(expected.channelFiles[1]!));
    // A failure keeps its class and Twilio code across the thread.
    writeFileSync(join(directory, 'short.wav'), readFileSync(wav).subarray(0, 100));
    await assert.rejects(decodeAudioOffThread(threads, join(directory, 'short.wav'), 'wav', join(directory, 'short')), MediaFailure);

    const transcript = conversation(
      '1: Thanks for calling, this is Anna.',
      '2: I was charged twice and I am really unhappy, I want my money back.',
    );
    const operators = builtinCatalog.prebuiltOperators.map((operator) => ({
      operatorSid: operator.sid,
      operatorType: builtinCatalog.operatorTypes.find((type) => type.name === operator.operatorType)!,
      config: null,
    }));
    const runs = await runOperatorsOffThread(threads, transcript, operators);
    assert.deepEqual(runs, await createOperatorRegistry({ llm: null }).runAll(transcript, operators));
    assert.ok(runs.filter((run) => run.outcome.ok).length >= 5, 'the language models loaded in the thread');
  } finally {
    await threads.close();
    rmSync(directory, { recursive: true, force: true });
  }
});

test('the built server finds its worker entry beside server.cjs, and without it refuses to start, naming the file', async () => {
  const copy = join(staging, 'dist-without-threads');
  cpSync(join(staging, 'dist'), copy, { recursive: true });
  rmSync(join(copy, 'thread-tasks.cjs'));
  const directory = mkdtempSync(join(tmpdir(), 'intelligence-no-threads-'));
  try {
    const failed = await run(process.execPath, [join(copy, 'main.js'), 'serve'], {
      env: { ...process.env, DATABASE_URL: `sqlite:${join(directory, 'db.sqlite')}`, PORT: '0', HOST: '127.0.0.1' },
    }).then(
      () => assert.fail('the server started without its worker entry'),
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(failed.code, 1);
    assert.ok(failed.stderr.includes(`The worker thread entry ${join(copy, 'thread-tasks.cjs')} does not exist`), failed.stderr);
  } finally {
    rmSync(copy, { recursive: true, force: true });
    rmSync(directory, { recursive: true, force: true });
  }
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
    assert.equal(
      (await callServer(server.url, authorization, 'POST', `/v2/Services/${created.body.sid}/Operators/${operatorSid}`)).status,
      202,
    );
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

test('npm start makes the server the process npm signals: SIGTERM to npm drains it, and nothing is left', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'intelligence-npm-start-'));
  const port = await freePort();
  const npm = spawn(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['start'], {
    cwd: staging,
    env: {
      ...process.env,
      ...credentials,
      DATABASE_URL: `sqlite:${join(directory, 'db.sqlite')}`,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  npm.stdout.on('data', (chunk) => (output += chunk));
  npm.stderr.on('data', (chunk) => (output += chunk));
  try {
    await untilReady(`http://127.0.0.1:${port}/readyz`, npm, () => output);
    const serverPid = Number(/"pid":(\d+)[^\n]*Server listening/.exec(output)?.[1]);
    assert.ok(serverPid > 0, output);
    // exec: the server is npm's own child, with no shell between them to swallow the signal.
    const parent = Number(readFileSync(`/proc/${serverPid}/stat`, 'latin1').split(') ')[1]!.split(' ')[1]);
    assert.equal(parent, npm.pid);
    const exited = once(npm, 'exit');
    npm.kill('SIGTERM');
    assert.deepEqual(await exited, [0, null], output);
    assert.match(output, new RegExp(`"pid":${serverPid}[^\\n]*"signal":"SIGTERM"[^\\n]*shutting down`));
    assert.deepEqual(groupMembers(npm.pid!), [], 'no process of npm start is left');
  } finally {
    await stopGroup(npm.pid!, 'SIGKILL').catch(() => undefined);
    rmSync(directory, { recursive: true, force: true });
  }
});
