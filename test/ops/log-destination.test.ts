// The batched stdout destination: every line arrives, in order, one write per turn of the event
// loop, and lines still pending when the process exits are written before it goes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

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
    // then take what the pipe holds, and the rest must follow from the right byte.
    void process.stdout.isTTY;
    const out = batchedStdout();
    let n = 0;
    const turn = () => {
      for (let i = 0; i < 2000; i++) out.write(n++ + ' ' + 'é✓'.repeat(100) + '\\n');
      if (n < 6000) setImmediate(turn);
    };
    turn();
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
    ['-c', `"${process.execPath}" --import tsx --input-type=module -e "${`
      import { batchedStdout } from '${destination}';
      const out = batchedStdout();
      const turn = (n) => { for (let i = 0; i < 1000; i++) out.write('x'.repeat(100) + '\\n'); if (n > 0) setImmediate(turn, n - 1); else console.error('survived'); };
      turn(50);
    `.replace(/"/g, '\\"')}" | head -c 10 > /dev/null; echo "exit \${PIPESTATUS[0]}" >&2`],
    { encoding: 'utf8' },
  );
  assert.match(result.stderr, /survived/);
  assert.match(result.stderr, /exit 0/);
});
