// README.md runs, so that its examples cannot rot. The convention (also stated in the README):
// - every ```js and ```sh block runs, in the README's order, in an empty project where the packed
//   package is installed from its tarball (test/helpers/installed-package.ts), against a real server;
// - `<!-- readme-test: setup -->` on the line before a block: it runs first (it starts the server,
//   in the background, on a free port), and the environment it exports is every other block's;
// - `<!-- readme-test: file NAME -->`: the block is saved as NAME and a test of its own runs it;
// - `<!-- readme-test: skip (why) -->`: not run, and the reason is required. Other languages
//   (python, yaml, plain text) are not run.
// `http://127.0.0.1:4010` in a block becomes the test server's address; js blocks run as ES
// modules with the real twilio SDK, and with TWILIO_REGION and TWILIO_EDGE set, as the pitfall the
// README warns of; sh blocks run under `bash -euo pipefail`. A block that exits non-zero fails.
// It is also the test that the package installs and serves from an npm install (issue #26.11).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { catalogSid } from '../../src/catalog/sids.js';
import { installPackedPackage, stopGroup, untilReady, type InstalledPackage } from '../helpers/installed-package.js';
import { assertPostgresReachable, createSchema, dropSchema, newSchemaName, urlWithSearchPath } from '../helpers/postgres.js';
import { freePort } from '../helpers/process.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Block {
  language: string;
  /** The README line the block's code starts on (1-based). */
  line: number;
  marker: { kind: 'setup' } | { kind: 'file'; name: string } | { kind: 'skip'; reason: string } | null;
  code: string;
}

/** The fenced blocks of a Markdown text, each with the readme-test marker on the line before it. */
export function readmeBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\S*)/.exec(lines[i]!);
    if (fence === null) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end] !== '```') end++;
    if (end === lines.length) throw new Error(`README.md:${i + 1}: a code block is not closed`);
    const previous = i > 0 ? lines[i - 1]! : '';
    const comment = /^<!-- readme-test: (.*) -->$/.exec(previous);
    let marker: Block['marker'] = null;
    if (comment !== null) {
      const text = comment[1]!;
      const skip = /^skip \((.+)\)$/.exec(text);
      const file = /^file (\S+)$/.exec(text);
      if (text === 'setup') marker = { kind: 'setup' };
      else if (file !== null) marker = { kind: 'file', name: file[1]! };
      else if (skip !== null) marker = { kind: 'skip', reason: skip[1]! };
      else throw new Error(`README.md:${i}: unknown marker "${text}" (setup, file NAME or skip (why))`);
    } else if (previous.includes('readme-test')) {
      throw new Error(`README.md:${i}: a readme-test marker must be a whole line: <!-- readme-test: … -->`);
    }
    blocks.push({ language: fence[1]!, line: start + 1, marker, code: lines.slice(start, end).join('\n') + '\n' });
    i = end;
  }
  return blocks;
}

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = readmeBlocks(readme);
const runs = (block: Block) => block.language === 'js' || block.language === 'sh';
const setupBlocks = blocks.filter((block) => runs(block) && block.marker?.kind === 'setup');
const steps = blocks.filter((block) => runs(block) && block.marker === null);
const fileBlock = (name: string) => blocks.find((block) => block.marker?.kind === 'file' && block.marker.name === name);

interface Outcome {
  code: number | null;
  output: string;
  /** Its process group (what it left in the background is in it). */
  group: number;
}

/** Runs one block in `cwd` and waits for it; a block still running after a minute is killed and fails. */
async function runBlock(block: Block, cwd: string, env: NodeJS.ProcessEnv, port: number, index: number): Promise<Outcome> {
  const code = block.code.replaceAll('127.0.0.1:4010', `127.0.0.1:${port}`);
  let command: string[];
  if (block.language === 'js') {
    const file = join(cwd, `readme-block-${index}.mjs`);
    writeFileSync(file, code);
    command = [process.execPath, file];
  } else {
    command = ['bash', '-euo', 'pipefail', '-c', code];
  }
  // Its own process group: whatever it leaves in the background is stopped with it at the end.
  const child = spawn(command[0]!, command.slice(1), { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 60_000);
  // 'close', not 'exit': the output is complete, even though a background process may hold the pipes
  // open (the setup block's server writes to its own log file, so it does not).
  const [exitCode] = (await once(child, 'close')) as [number | null];
  clearTimeout(timer);
  return { code: exitCode, output, group: child.pid! };
}

test('the README marks its blocks as this test expects: one setup block, runnable steps, reasons for skips', () => {
  assert.equal(setupBlocks.length, 1, 'one block starts the server the others use');
  assert.ok(steps.some((block) => block.language === 'js') && steps.some((block) => block.language === 'sh'));
  for (const block of blocks) {
    if (block.marker?.kind === 'skip') assert.ok(block.marker.reason.length > 10, `README.md:${block.line}: say why it is skipped`);
    if (block.marker !== null) assert.ok(runs(block), `README.md:${block.line}: a marker on a ${block.language} block`);
  }
  assert.ok(fileBlock('cluster.mjs'), 'the cluster example is marked for its own test');
  // The first lines are the two commands a newcomer runs.
  assert.match(blocks[0]!.code, /^npm ci && npm start\b.*\nnpm test\b/);
  assert.ok(Buffer.byteLength(readme) < 30_000, 'README.md stays under 30,000 bytes');
});

// One install for both suites (packing and installing is most of this file's time).
let installed: InstalledPackage;
before(
  async () => {
    installed = await installPackedPackage({ withTwilio: true });
  },
  { timeout: 180_000 },
);
after(() => installed?.remove());

describe('the README against the packed package, installed in an empty project', () => {
  let port: number;
  const groups: number[] = [];
  let environment: NodeJS.ProcessEnv;

  before(
    async () => {
      port = await freePort();
      // A user's shell: none of this machine's Twilio or server settings.
      const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), LOG_LEVEL: 'info' };
      const setup = setupBlocks[0]!;
      const envFile = join(installed.project, 'readme-setup-env.json');
      const captured = { ...setup, code: `${setup.code}\nnode -e 'process.stdout.write(JSON.stringify(process.env))' > ${envFile}\n` };
      const outcome = await runBlock(captured, installed.project, base, port, 0);
      groups.push(outcome.group);
      assert.equal(outcome.code, 0, `README.md:${setup.line}: the setup block failed: ${outcome.output}`);
      environment = JSON.parse(readFileSync(envFile, 'utf8')) as NodeJS.ProcessEnv;
    },
    { timeout: 180_000 },
  );

  after(async () => {
    for (const group of groups) await stopGroup(group);
  });

  test('every js and sh block runs, in order, and the quick start attaches Sentiment Analysis', async () => {
    const sentiment = catalogSid('LY', 'Sentiment Analysis');
    // The pitfall the README warns of: the examples must work with these set.
    const env = { ...environment, TWILIO_REGION: 'au1', TWILIO_EDGE: 'sydney' };
    for (const [index, block] of steps.entries()) {
      const outcome = await runBlock(block, installed.project, env, port, index + 1);
      groups.push(outcome.group);
      assert.equal(outcome.code, 0, `README.md:${block.line} (${block.language}) failed:\n${outcome.output}`);
      if (block.code.includes("uniqueName: 'support-calls'")) assert.match(outcome.output, new RegExp(`\\[ '${sentiment}' \\]`));
    }
    const authorization = 'Basic ' + Buffer.from(`${environment.TWILIO_ACCOUNT_SID}:${environment.TWILIO_AUTH_TOKEN}`).toString('base64');
    const service = (await (await fetch(`http://127.0.0.1:${port}/v2/Services/support-calls`, { headers: { authorization } })).json()) as {
      sid: string;
    };
    const attached = await fetch(`http://127.0.0.1:${port}/v2/Services/${service.sid}/Operators`, { headers: { authorization } });
    assert.equal(attached.status, 200);
    assert.deepEqual(((await attached.json()) as { operator_sids: string[] }).operator_sids, [sentiment]);
  });
});

describe("the README's cluster.mjs, in the installed project", () => {
  before(() => writeFileSync(join(installed.project, 'cluster.mjs'), fileBlock('cluster.mjs')!.code));

  function startCluster(env: Record<string, string>) {
    const child = spawn(process.execPath, ['cluster.mjs'], {
      cwd: installed.project,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    return { child, output: () => output };
  }

  test('serves on PostgreSQL from every worker, and SIGTERM drains them all and exits 0', async () => {
    await assertPostgresReachable();
    const schema = newSchemaName();
    await createSchema(schema);
    const port = await freePort();
    const accountSid = 'AC' + 'e'.repeat(32);
    const cluster = startCluster({
      DATABASE_URL: urlWithSearchPath(schema),
      PORT: String(port),
      TWILIO_ACCOUNT_SID: accountSid,
      TWILIO_AUTH_TOKEN: 'cluster-token-1234',
      SECRET_KEY: 'c1'.repeat(32),
    });
    try {
      await untilReady(`http://127.0.0.1:${port}/readyz`, cluster.child, cluster.output);
      const authorization = 'Basic ' + Buffer.from(`${accountSid}:cluster-token-1234`).toString('base64');
      const created = await fetch(`http://127.0.0.1:${port}/v2/Services`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'UniqueName=clustered',
      });
      assert.equal(created.status, 201, cluster.output());
      const exited = once(cluster.child, 'exit');
      cluster.child.kill('SIGTERM');
      assert.deepEqual(await exited, [0, null], cluster.output());
      await stopGroup(cluster.child.pid!, 'SIGTERM', 5_000); // throws if a worker outlived the primary
    } finally {
      await stopGroup(cluster.child.pid!, 'SIGKILL').catch(() => undefined);
      await dropSchema(schema);
    }
  });

  test('a worker that fails at start-up is not forked again: the primary stops with exit status 1', async () => {
    const cluster = startCluster({ DATABASE_URL: 'mysql://nope', PORT: String(await freePort()) });
    try {
      const [code] = (await once(cluster.child, 'exit')) as [number | null];
      assert.equal(code, 1, cluster.output());
      assert.match(cluster.output(), /before it served; stopping/);
      const failures = cluster.output().match(/DATABASE_URL must/g) ?? [];
      assert.ok(
        failures.length >= 1 && failures.length <= availableParallelism(),
        `${failures.length} failed starts:\n${cluster.output()}`,
      );
    } finally {
      await stopGroup(cluster.child.pid!, 'SIGKILL').catch(() => undefined);
    }
  });
});
