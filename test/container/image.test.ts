// The Dockerfile, built and run for real with podman (issue #29): the image serves the API to the
// twilio SDK, keeps its data in the /data volume across containers, runs as a non-root user with
// the server as PID 1, and drains and exits 0 on SIGTERM. Without podman, runc and debootstrap
// this test fails, saying what to install (see podman.ts for how the base image is made here).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import twilio from 'twilio';
import { catalogSid } from '../../src/catalog/sids.js';
import { freePort } from '../helpers/process.js';
import { assertPostgresReachable, createSchema, dropSchema, newSchemaName, urlWithSearchPath } from '../helpers/postgres.js';
import { assertPodmanUsable, buildServerImage, must, podmanEnv, run } from './podman.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const IMAGE = 'localhost/intelligence-server:test';
const suffix = randomBytes(4).toString('hex');
const volume = `intelligence-test-data-${suffix}`;
const containers: string[] = [];
const accountSid = 'AC' + randomBytes(16).toString('hex');
// Long enough for a server that requires ≥ 32 characters when it listens beyond loopback.
const authToken = randomBytes(24).toString('hex');
const SHUTDOWN_TIMEOUT_SECONDS = 10;
const sentiment = catalogSid('LY', 'Sentiment Analysis');

let env: NodeJS.ProcessEnv;
let removeConf = () => {};

before(async () => {
  assertPodmanUsable();
  ({ env, remove: removeConf } = podmanEnv());
  const base = await buildServerImage(env, root, IMAGE);
  process.stdout.write(`# base image ${base.key}: ${base.made}\n`);
  await must('podman', ['volume', 'create', volume], env);
});

after(async () => {
  if (env === undefined) return;
  for (const name of containers) await run('podman', ['rm', '--force', '--time', '0', name], env);
  await run('podman', ['volume', 'rm', '--force', volume], env);
  removeConf();
});

/** Starts a container of the image on the volume (and the environment given), on the host's network, and waits for /readyz. */
async function startContainer(extraEnv: Record<string, string> = {}): Promise<{ name: string; url: string }> {
  const name = `intelligence-test-${suffix}-${containers.length}`;
  const port = await freePort();
  containers.push(name);
  const started = Date.now();
  await must(
    'podman',
    [
      'run',
      '--detach',
      '--name',
      name,
      '--network=host',
      '--volume',
      `${volume}:/data`,
      '--env',
      `PORT=${port}`,
      '--env',
      `TWILIO_ACCOUNT_SID=${accountSid}`,
      '--env',
      `TWILIO_AUTH_TOKEN=${authToken}`,
      '--env',
      `SHUTDOWN_TIMEOUT_MS=${SHUTDOWN_TIMEOUT_SECONDS * 1000}`,
      '--env',
      'LOG_LEVEL=info',
      ...Object.entries(extraEnv).flatMap(([key, value]) => ['--env', `${key}=${value}`]),
      IMAGE,
    ],
    env,
  );
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    const status = await fetch(`${url}/readyz`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) break;
    const state = (await must('podman', ['inspect', '--format', '{{.State.Status}}', name], env)).trim();
    if (state !== 'running' || attempt >= 600) {
      const logs = await run('podman', ['logs', name], env);
      assert.fail(`${name} is ${state} and /readyz answered ${status} after ${attempt} tries:\n${logs.stdout}${logs.stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  process.stdout.write(`# ${name}: podman run to /readyz 200 in ${Date.now() - started} ms\n`);
  return { name, url };
}

function client(url: string) {
  const sdk = twilio(accountSid, authToken);
  sdk.intelligence.baseUrl = url;
  return sdk;
}

/** Sends SIGTERM (podman stop) and answers the exit code; podman kills only after the drain timeout. */
async function stopContainer(name: string): Promise<number> {
  await must('podman', ['stop', '--time', String(SHUTDOWN_TIMEOUT_SECONDS + 5), name], env, { timeoutMs: 60_000 });
  return Number((await must('podman', ['inspect', '--format', '{{.State.ExitCode}}', name], env)).trim());
}

test('the image: non-root user, /data volume, port, health check on /readyz', async () => {
  const size = Number((await must('podman', ['image', 'inspect', '--format', '{{.Size}}', IMAGE], env)).trim());
  process.stdout.write(`# image size: ${(size / 1e6).toFixed(0)} MB\n`);
  const config = JSON.parse(await must('podman', ['image', 'inspect', '--format', '{{json .Config}}', IMAGE], env)) as {
    User: string;
    ExposedPorts: Record<string, unknown>;
    Volumes: Record<string, unknown>;
    Cmd: string[];
  };
  assert.equal(config.User, 'intelligence');
  assert.ok('4010/tcp' in config.ExposedPorts);
  assert.ok('/data' in config.Volumes);
  assert.deepEqual(config.Cmd, ['node', 'dist/main.js', 'serve']);
  const healthcheck = JSON.parse(await must('podman', ['image', 'inspect', '--format', '{{json .HealthCheck}}', IMAGE], env)) as {
    Test: string[];
  } | null;
  assert.match(healthcheck?.Test.join(' ') ?? '', /\/readyz/);
  // Production dependencies only: none of the build's tools.
  const modules = await run(
    'podman',
    [
      'run',
      '--rm',
      '--network=none',
      IMAGE,
      'node',
      '-e',
      "for (const m of ['esbuild', 'typescript', 'tsx', 'twilio', 'better-sqlite3']) { try { require.resolve(m, { paths: ['/app'] }); console.log(m) } catch {} }",
    ],
    env,
  );
  assert.equal(modules.code, 0, modules.stderr);
  assert.deepEqual(modules.stdout.trim().split('\n'), ['better-sqlite3']);
});

test('serves the SDK, keeps its data in the volume across containers, and drains on SIGTERM', async () => {
  const first = await startContainer();

  // The server is PID 1, runs as the image's user (not root), and its health check passes.
  const status = await must('podman', ['exec', first.name, 'cat', '/proc/1/status', '/proc/1/cmdline'], env);
  const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
  assert.notEqual(uid, undefined, status);
  assert.notEqual(uid, '0');
  assert.match(status, /node\0dist\/main\.js\0serve/);
  assert.equal((await run('podman', ['healthcheck', 'run', first.name], env)).code, 0);

  const service = await client(first.url).intelligence.v2.services.create({
    uniqueName: `container-${suffix}`,
    friendlyName: 'In a container',
  });
  await client(first.url).intelligence.v2.operatorAttachment(service.sid, sentiment).create();
  assert.equal(await stopContainer(first.name), 0);
  const firstLogs = await must('podman', ['logs', first.name], env);
  assert.match(firstLogs, /shutting down/);

  // A new container on the same volume: same account, same service, same attachment.
  const second = await startContainer();
  const again = await client(second.url).intelligence.v2.services(`container-${suffix}`).fetch();
  assert.equal(again.sid, service.sid);
  const attached = await client(second.url).intelligence.v2.operatorAttachments(service.sid).fetch();
  assert.deepEqual(attached.operatorSids, [sentiment]);

  // SIGTERM: the server drains and exits 0 by itself, before podman's kill after the drain timeout.
  assert.equal(await stopContainer(second.name), 0);
  assert.match(await must('podman', ['logs', second.name], env), /shutting down/);
});

test('two replicas on one PostgreSQL database, as compose.yaml runs them', async () => {
  await assertPostgresReachable();
  const schema = newSchemaName();
  await createSchema(schema);
  try {
    // The image's production dependencies include pg (loaded only for a postgres:// URL).
    const database = { DATABASE_URL: urlWithSearchPath(schema), SECRET_KEY: 'c0'.repeat(32) };
    const one = await startContainer(database);
    const two = await startContainer(database);
    const service = await client(one.url).intelligence.v2.services.create({ uniqueName: `replicas-${suffix}` });
    await client(two.url).intelligence.v2.operatorAttachment(service.sid, sentiment).create();
    const attached = await client(one.url).intelligence.v2.operatorAttachments(service.sid).fetch();
    assert.deepEqual(attached.operatorSids, [sentiment]);
    assert.equal(await stopContainer(one.name), 0);
    assert.equal(await stopContainer(two.name), 0);
  } finally {
    await dropSchema(schema);
  }
});

test('SPEECH=pocketsphinx adds the offline recogniser; another value stops the build', async () => {
  const speechImage = `${IMAGE}-pocketsphinx`;
  const build = (speech: string, tag: string) =>
    run(
      'podman',
      ['build', '--pull=never', '--network=host', '--format', 'docker', '--build-arg', `SPEECH=${speech}`, '-t', tag, '.'],
      env,
      { cwd: root, timeoutMs: 20 * 60_000 },
    );
  const bad = await build('whisper', `${IMAGE}-bad`);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr + bad.stdout, /SPEECH must be none or pocketsphinx, got whisper/);

  const built = await build('pocketsphinx', speechImage);
  assert.equal(built.code, 0, built.stderr.slice(-4000));
  // What src/engines/speech/pocketsphinx.ts looks for: the binary on PATH, the model, the dictionary.
  const found = await must(
    'podman',
    [
      'run',
      '--rm',
      '--network=none',
      speechImage,
      'sh',
      '-c',
      'command -v pocketsphinx_continuous && cd /usr/share/pocketsphinx/model/en-us && test -f en-us.lm.bin -a -f cmudict-en-us.dict -a -f en-us/mdef && id -un',
    ],
    env,
  );
  assert.deepEqual(found.trim().split('\n'), ['/usr/bin/pocketsphinx_continuous', 'intelligence']);
});
