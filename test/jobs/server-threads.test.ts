// The server's worker threads: one pool per process, of WORKER_THREADS threads, started when a task
// first needs one and closed when the server stops.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { decodeAudioOffThread } from '../../src/media/audio/off-thread.js';
import { startServer } from '../../src/server.js';
import { writeWav } from '../helpers/media.js';

test('the server makes one pool of WORKER_THREADS threads, runs tasks on it, and closes it when it stops', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'intelligence-server-threads-'));
  const server = await startServer(
    loadConfig({
      DATABASE_URL: `sqlite:${join(directory, 'intelligence.db')}`,
      PORT: '0',
      LOG_LEVEL: 'silent',
      WORKER_THREADS: '2',
      TWILIO_ACCOUNT_SID: 'AC' + 'c'.repeat(32),
      TWILIO_AUTH_TOKEN: 'threads-token-1234',
    }),
  );
  try {
    assert.equal(server.threads.size, 2);
    assert.equal(server.threads.stats.threads, 0, 'no thread starts before a task needs one');
    const wav = join(directory, 'tone.wav');
    await writeWav(wav, { sampleRate: 8000, channels: 1, frames: 8000 * 3 });
    const decoded = await decodeAudioOffThread(server.threads, wav, 'wav', join(directory, 'decoded'));
    assert.equal(decoded.samples, 8000 * 3);
    assert.equal(server.threads.stats.threads, 1);
  } finally {
    await server.stop();
    rmSync(directory, { recursive: true, force: true });
  }
  assert.equal(server.threads.stats.threads, 0, 'every thread ended with the server');
  await assert.rejects(decodeAudioOffThread(server.threads, 'any.wav', 'wav', directory), /thread pool is closed/);
});

test('WORKER_THREADS is a whole number from 1 to 256; unset, the cores less one (at least 1)', () => {
  assert.throws(() => loadConfig({ WORKER_THREADS: '0' }), /WORKER_THREADS must be a whole number from 1 to 256, got "0"/);
  assert.throws(() => loadConfig({ WORKER_THREADS: 'many' }), /WORKER_THREADS must be a whole number/);
  assert.equal(loadConfig({ WORKER_THREADS: '3' }).workerThreads, 3);
  assert.ok(loadConfig({}).workerThreads >= 1);
});
