// Out of file descriptors: a server process under `ulimit -n 200` flooded with 400 idle
// connections. Before, it accepted until accept() failed with EMFILE, and the overload sampler's
// process.memoryUsage() (which opens /proc/self/stat) threw in its timer and ended the process.
// Now it holds at most the open-file limit less a reserve, refuses the rest at once, says so in its
// log, and answers as soon as the flood lets go. The sampler itself survives a failing reading too.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { OverloadMonitor } from '../../src/http/overload.js';
import { freePort } from '../helpers/process.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'intelligence-fds-'));
after(() => rmSync(directory, { recursive: true, force: true }));

const FD_LIMIT = 200;
const FLOOD = 400;

test(`a server under ulimit -n ${FD_LIMIT} survives ${FLOOD} idle connections and answers once they go`, async () => {
  const port = await freePort();
  const child = spawn('sh', ['-c', `ulimit -n ${FD_LIMIT} && exec "${process.execPath}" --import tsx src/main.ts serve`], {
    cwd: root,
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${join(directory, 'db')}`,
      MAX_CONNECTIONS_PER_CLIENT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const outputChanged = () => new Promise((resolve) => child.stdout.once('data', resolve).once('close', resolve));
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = once(child, 'exit');
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let attempt = 0; ; attempt++) {
      assert.equal(child.exitCode, null, output);
      try {
        await fetch(`${url}/livez`);
        break;
      } catch {
        assert.ok(attempt < 400, `the server did not start: ${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    const sockets: Socket[] = [];
    for (let index = 0; index < FLOOD; index++) {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      sockets.push(socket);
    }
    // The event: the server reports the connections it refused (or it died: then the test fails).
    for (let waits = 0; !/connections refused/.test(output); waits++) {
      assert.equal(child.exitCode, null, `the server exited: ${output}`);
      assert.ok(waits < 100, output);
      await Promise.race([outputChanged(), exited]);
    }
    assert.equal(child.exitCode, null, output);
    const refused = JSON.parse(output.split('\n').find((line) => line.includes('connections refused'))!);
    assert.ok(refused.overMax > 0 && refused.max_connections < FD_LIMIT, JSON.stringify(refused));

    for (const socket of sockets) socket.destroy();
    const live = await fetch(`${url}/livez`);
    assert.equal(live.status, 200);
    assert.equal((await fetch(`${url}/v2/Services`)).status, 401);
    assert.equal(child.exitCode, null, output);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
});

test('the overload sampler reads the heap without a file descriptor, and a failing reading cannot end the process', async () => {
  const memoryUsage = process.memoryUsage;
  const failing = () => {
    throw Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE' });
  };
  process.memoryUsage = Object.assign(failing, { rss: failing });
  const monitor = new OverloadMonitor({ maxEventLoopDelayMs: 0, maxHeapUsedBytes: 1, sampleIntervalMs: 5 });
  try {
    for (let turns = 0; !monitor.isOverloaded; turns++) {
      assert.ok(turns < 2000, 'the sampler never judged the heap');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    monitor.stop();
    process.memoryUsage = memoryUsage;
  }
});
