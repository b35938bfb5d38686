// The batched stdout destination: every line arrives, in order, one write per turn of the event
// loop, and lines still pending when the process exits are written before it goes; a reader that
// stops reading costs lines (counted), never the server's time.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startServerProcess } from '../helpers/process.js';

const destination = fileURLToPath(new URL('../../src/ops/log-destination.ts', import.meta.url));

function runChild(script: string) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

test('lines written over several turns all arrive, in order', () => {
  const stdout = runChild(`
    import { batchedStdout } from ${JSON.stringify(destination)};
    const out = batchedStdout();
    let n = 0;
    const turn = () => {
      for (let i = 0; i < 100; i++) out.write('line ' + n++ + ' ✓\\n');
      if (n < 1000) setImmediate(turn);
    };
    turn();
  `);
  const lines = stdout.split('\n').filter(Boolean);
  assert.equal(lines.length, 1000);
  lines.forEach((line, index) => assert.equal(line, `line ${index} ✓`));
});

test('a turn of lines larger than the pipe holds arrives whole, multi-byte characters included (partial writes)', () => {
  const stdout = runChild(`
    import { batchedStdout } from ${JSON.stringify(destination)};
    // Touching process.stdout makes the pipe non-blocking (as the server's isTTY check does): writes
    // then take what the pipe holds, and the rest must follow from the right byte, on later turns.
    void process.stdout.isTTY;
    const out = batchedStdout();
    for (let n = 0; n < 6000; n++) out.write(n + ' ' + 'é✓'.repeat(100) + '\\n');
    // After the turn's flush, alive until the backlog is written by its own retries (not by the exit's last flush).
    setImmediate(() => {
      const alive = setInterval(() => { if (out.backlogged === 0) clearInterval(alive); }, 1);
    });
  `);
  const lines = stdout.split('\n').filter(Boolean);
  assert.equal(lines.length, 6000);
  lines.forEach((line, index) => assert.equal(line, `${index} ${'é✓'.repeat(100)}`));
});

test('lines pending when the process exits are written before it goes', () => {
  const stdout = runChild(`
    import { batchedStdout } from ${JSON.stringify(destination)};
    const out = batchedStdout();
    out.write('first\\n');
    out.write('last\\n');
    process.exit(0);
  `);
  assert.equal(stdout, 'first\nlast\n');
});

test('a closed stdout does not stop the process', () => {
  const result = spawnSync(
    'bash',
    [
      '-c',
      `"${process.execPath}" --import tsx --input-type=module -e "${`
      import { batchedStdout } from '${destination}';
      const out = batchedStdout();
      const turn = (n) => { for (let i = 0; i < 1000; i++) out.write('x'.repeat(100) + '\\n'); if (n > 0) setImmediate(turn, n - 1); else console.error('survived'); };
      turn(50);
    `.replace(/"/g, '\\"')}" | head -c 10 > /dev/null; echo "exit \${PIPESTATUS[0]}" >&2`,
    ],
    { encoding: 'utf8' },
  );
  assert.match(result.stderr, /survived/);
  assert.match(result.stderr, /exit 0/);
});

test(
  'a server whose log reader stopped reading keeps answering, drops lines, counts them and says so once the reader is back',
  { timeout: 120_000 },
  async () => {
    const directory = mkdtempSync(join(tmpdir(), 'intelligence-stalled-log-'));
    const accountSid = 'AC' + 'e'.repeat(32);
    const authToken = 'stalled-log-reader-token';
    const env = {
      DATABASE_URL: `sqlite:${join(directory, 'db.sqlite')}`,
      TWILIO_ACCOUNT_SID: accountSid,
      TWILIO_AUTH_TOKEN: authToken,
      LOG_LEVEL: 'info',
    };
    const server = await startServerProcess(env, 'src/main.ts', { readStdout: false });
    try {
      const authorization = 'Basic ' + Buffer.from(`${accountSid}:${authToken}`).toString('base64');
      // One log line a request, ~250 bytes: 4,000 of them are more than the pipe and the backlog hold.
      let answered = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let index = 0; index < 500; index++) {
            const response = await fetch(`${server.url}/v2/Services`, { headers: { authorization } });
            assert.equal(response.status, 200);
            await response.arrayBuffer();
            answered++;
          }
        }),
      );
      assert.equal(answered, 4000);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      const dropped = Number(/^intelligence_log_lines_dropped_total (\d+)$/m.exec(metrics)?.[1]);
      assert.ok(dropped > 0, `dropped ${dropped}:\n${metrics.slice(0, 2000)}`);

      // The reader comes back: what is left arrives, then a warning with the count so far.
      const warning = new Promise<{ dropped_lines: number; level: number }>((resolve) => {
        const lines = createInterface({ input: server.child.stdout! });
        lines.on('line', (line) => {
          if (line.includes('log lines dropped')) resolve(JSON.parse(line));
        });
      });
      const warned = await warning;
      assert.equal(warned.level, 40);
      assert.ok(warned.dropped_lines >= dropped, `warned of ${warned.dropped_lines}, counted ${dropped}`);
    } finally {
      await server.stop();
      rmSync(directory, { recursive: true, force: true });
    }
  },
);
