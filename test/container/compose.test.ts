// compose.yaml run for real with podman-compose (issue #29): its build section makes the image the
// other container tests build, its two server replicas come up on its PostgreSQL service and answer
// the twilio SDK, share the media volume, survive a restart of a server and a down/up of the stack
// with their data, and stop cleanly. The official postgres image cannot be pulled here: compose
// runs a stand-in built from test/container/postgres (POSTGRES_IMAGE). Skipped, saying what to
// install, where podman-compose is missing — except in CI (.ci/run installs it), where that fails.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import twilio from 'twilio';
import { catalogSid } from '../../src/catalog/sids.js';
import { freePort } from '../helpers/process.js';
import { buildPostgresImage, buildServerImage, must, podmanEnv, podmanUnusable, run } from './podman.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const suffix = randomBytes(4).toString('hex');
const PROJECT = `intelligence-compose-${suffix}`;
// This run's tag: another checkout's tests may build their own tree at the same time.
const IMAGE = `localhost/intelligence-server:compose-${suffix}`;
const POSTGRES_IMAGE = 'localhost/intelligence-test-postgres:15';
const SERVICES = ['postgres', 'intelligence-1', 'intelligence-2'] as const;
const container = (service: (typeof SERVICES)[number]) => `${PROJECT}_${service}_1`;
const sentiment = catalogSid('LY', 'Sentiment Analysis');

// The example credentials compose.yaml gives its servers, as a user would read them there.
const composeFile = readFileSync(new URL('../../compose.yaml', import.meta.url), 'utf8');
const accountSid = /^\s+TWILIO_ACCOUNT_SID: (AC[0-9a-f]{32})$/m.exec(composeFile)?.[1] ?? '';
const authToken = /^\s+TWILIO_AUTH_TOKEN: (\S+)$/m.exec(composeFile)?.[1] ?? '';

const unusable = podmanUnusable(['podman', 'runc', 'debootstrap', 'podman-compose']);
const skip = unusable !== undefined && !process.env.CI ? `${unusable}; CI runs it` : false;

let env: NodeJS.ProcessEnv;
let removeConf = () => {};
const urls: string[] = [];

/** podman-compose on compose.yaml as this test's project, with the images and host ports chosen here. */
function compose(...args: string[]) {
  return must('podman-compose', ['--project-name', PROJECT, '--file', 'compose.yaml', ...args], env, { cwd: root, timeoutMs: 10 * 60_000 });
}

const imageId = async (image: string) => (await must('podman', ['image', 'inspect', '--format', '{{.Id}}', image], env)).trim();

async function projectContainers(): Promise<string[]> {
  const out = await must(
    'podman',
    ['ps', '--all', '--format', '{{.Names}}', '--filter', `label=io.podman.compose.project=${PROJECT}`],
    env,
  );
  return out
    .split('\n')
    .filter((name) => name !== '')
    .sort();
}

async function projectVolumes(): Promise<string[]> {
  const out = await must(
    'podman',
    ['volume', 'ls', '--format', '{{.Name}}', '--filter', `label=io.podman.compose.project=${PROJECT}`],
    env,
  );
  return out
    .split('\n')
    .filter((name) => name !== '')
    .sort();
}

/** What every container of the project logged, for a failure's message. */
async function projectLogs(): Promise<string> {
  const logs = await Promise.all(
    (await projectContainers()).map(async (name) => {
      const out = await run('podman', ['logs', '--tail', '40', name], env);
      return `--- ${name}\n${out.stdout}${out.stderr}`;
    }),
  );
  return logs.join('\n');
}

/** Waits until both replicas' /readyz answer 200 (the servers restart until PostgreSQL accepts them). */
async function waitReady(): Promise<number> {
  const started = Date.now();
  const deadline = started + 180_000;
  for (const url of urls) {
    for (;;) {
      const status = await fetch(`${url}/readyz`).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) break;
      if (Date.now() > deadline) assert.fail(`${url}/readyz answered ${status} for 180 s:\n${await projectLogs()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return Date.now() - started;
}

function client(url: string) {
  const sdk = twilio(accountSid, authToken);
  sdk.intelligence.baseUrl = url;
  return sdk;
}

const startedAt = async (name: string) => (await must('podman', ['inspect', '--format', '{{.State.StartedAt}}', name], env)).trim();

describe('compose.yaml under podman-compose', { skip }, () => {
  before(async () => {
    if (unusable !== undefined) assert.fail(unusable);
    assert.match(accountSid, /^AC/, 'compose.yaml sets TWILIO_ACCOUNT_SID');
    assert.ok(authToken.length >= 32, 'compose.yaml sets a TWILIO_AUTH_TOKEN of 32 characters or more');
    ({ env, remove: removeConf } = podmanEnv());
    const base = await buildServerImage(env, root, IMAGE);
    process.stdout.write(`# base image ${base.key}: ${base.made}\n`);
    await buildPostgresImage(env, POSTGRES_IMAGE);
    const ports = [await freePort(), await freePort()];
    for (const port of ports) urls.push(`http://127.0.0.1:${port}`);
    env = {
      ...env,
      INTELLIGENCE_IMAGE: IMAGE,
      POSTGRES_IMAGE,
      INTELLIGENCE_1_PUBLISH: `127.0.0.1:${ports[0]}`,
      INTELLIGENCE_2_PUBLISH: `127.0.0.1:${ports[1]}`,
    };
  });

  after(async () => {
    if (env === undefined) return;
    await run('podman-compose', ['--project-name', PROJECT, '--file', 'compose.yaml', 'down', '--volumes'], env, { cwd: root });
    for (const name of await projectContainers().catch(() => [])) await run('podman', ['rm', '--force', '--time', '0', name], env);
    for (const name of await projectVolumes().catch(() => [])) await run('podman', ['volume', 'rm', '--force', name], env);
    // podman-compose 1.0.3's down leaves the project's network (docker compose removes it).
    await run('podman', ['network', 'rm', '--force', `${PROJECT}_default`], env);
    await run('podman', ['untag', IMAGE, IMAGE], env);
    removeConf();
  });

  test("build: compose.yaml's build section makes the image the Dockerfile tests build", async () => {
    const built = await imageId(IMAGE);
    const started = Date.now();
    await compose('build', 'intelligence-1');
    process.stdout.write(`# podman-compose build (every layer cached): ${Date.now() - started} ms\n`);
    assert.equal(await imageId(IMAGE), built);
  });

  test('up: two replicas on the PostgreSQL service answer GET /v2/Services with the credentials, one account, shared media', async () => {
    const started = Date.now();
    await compose('up', '--detach');
    const ready = await waitReady();
    process.stdout.write(`# podman-compose up to both /readyz 200: ${Date.now() - started} ms (${ready} ms after up returned)\n`);
    assert.deepEqual(await projectContainers(), SERVICES.map(container).sort());

    const [one, two] = urls as [string, string];
    // GET /v2/Services: refused without the credentials, answered with them, by either replica.
    assert.equal((await fetch(`${one}/v2/Services`)).status, 401);
    assert.deepEqual(await client(one).intelligence.v2.services.list(), []);
    const service = await client(one).intelligence.v2.services.create({ uniqueName: `compose-${suffix}`, friendlyName: 'Under compose' });
    await client(two).intelligence.v2.operatorAttachment(service.sid, sentiment).create();
    const listed = await client(two).intelligence.v2.services.list();
    assert.deepEqual(
      listed.map((each) => each.sid),
      [service.sid],
    );
    assert.deepEqual((await client(one).intelligence.v2.operatorAttachments(service.sid).fetch()).operatorSids, [sentiment]);

    // The media volume (MEDIA_DIR): written by one replica's user, read by the other's.
    await must('podman', ['exec', container('intelligence-1'), 'sh', '-c', `id -un > /media/probe-${suffix}`], env);
    assert.equal(
      (await must('podman', ['exec', container('intelligence-2'), 'cat', `/media/probe-${suffix}`], env)).trim(),
      'intelligence',
    );
  });

  test('restart of a server: it drains, comes back on the same database, data kept', async () => {
    const name = container('intelligence-1');
    const previousStart = await startedAt(name);
    await compose('restart', 'intelligence-1');
    const ready = await waitReady();
    process.stdout.write(`# podman-compose restart intelligence-1, then /readyz 200 in ${ready} ms\n`);
    assert.notEqual(await startedAt(name), previousStart);
    assert.match(await must('podman', ['logs', name], env), /shutting down/);

    const [one] = urls as [string];
    const service = await client(one).intelligence.v2.services(`compose-${suffix}`).fetch();
    assert.deepEqual((await client(one).intelligence.v2.operatorAttachments(service.sid).fetch()).operatorSids, [sentiment]);
  });

  test('down keeps the volumes and up finds the data; stop drains every container to exit 0; down removes them', async () => {
    await compose('down');
    assert.deepEqual(await projectContainers(), []);
    assert.deepEqual(
      await projectVolumes(),
      ['data', 'media', 'postgres'].map((volume) => `${PROJECT}_${volume}`),
    );

    await compose('up', '--detach');
    await waitReady();
    const [one, two] = urls as [string, string];
    const service = await client(two).intelligence.v2.services(`compose-${suffix}`).fetch();
    assert.equal(service.friendlyName, 'Under compose');
    assert.deepEqual((await client(one).intelligence.v2.operatorAttachments(service.sid).fetch()).operatorSids, [sentiment]);
    assert.equal(
      (await must('podman', ['exec', container('intelligence-2'), 'cat', `/media/probe-${suffix}`], env)).trim(),
      'intelligence',
    );

    // SIGTERM to the servers (they drain), SIGINT to PostgreSQL (its fast shutdown): all exit 0.
    await compose('stop');
    for (const each of SERVICES) {
      const state = (await must('podman', ['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', container(each)], env)).trim();
      assert.equal(state, 'exited 0', `${each}: ${state}\n${await projectLogs()}`);
    }
    await compose('down', '--volumes');
    assert.deepEqual(await projectContainers(), []);
    assert.deepEqual(await projectVolumes(), []);
  });
});
