// The transcript job with the real pocketsphinx engine on flite speech (a stereo call: the agent on
// channel 1, the customer on channel 2, after the agent): what a recogniser with a 20–50 % word error
// rate still gets right — most words of each side found, on the right channel, times increasing.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, describe, test } from 'node:test';
import { readMonoWav, recall, speak, wordsOf, writeWav } from '../helpers/media.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { insertTranscript, leftovers, mediaServer, waitForStatus, type LocalServer, type Served } from './helpers.js';
import { decodeWords } from '../../src/store/transcripts/row.js';

const AGENT = 'Thank you for calling customer support, how can I help you today?';
const CUSTOMER = 'I would like to check the balance of my savings account.';

describe('transcript job with pocketsphinx on flite speech', { timeout: 180_000 }, () => {
  let server: TestServer;
  let media: LocalServer;
  let scratch: string;
  const files = new Map<string, Served>();
  const customerStarts = new Map<number, number>();
  const durations = new Map<number, number>();

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'intelligence-pipeline-sphinx-'));
    for (const rate of [8000, 16000] as const) {
      const agent = await readMonoWav(await speak(AGENT, rate, join(scratch, `agent-${rate}.wav`)));
      const customer = await readMonoWav(await speak(CUSTOMER, rate, join(scratch, `customer-${rate}.wav`)));
      const customerStart = agent.samples.length + rate / 2;
      const frames = customerStart + customer.samples.length + rate / 2;
      customerStarts.set(rate, customerStart / rate);
      durations.set(rate, frames / rate);
      const path = join(scratch, `call-${rate}.wav`);
      await writeWav(path, {
        sampleRate: rate,
        channels: 2,
        frames,
        signal: (channel, index) => (channel === 0 ? (agent.samples[index] ?? 0) : (customer.samples[index - customerStart] ?? 0)) / 32768,
      });
      files.set(`/call-${rate}.wav`, { body: readFileSync(path), contentType: 'audio/wav' });
    }
    media = await mediaServer(files);
    server = await startTestServer({
      jobs: true,
      env: { MEDIA_DIR: join(scratch, 'media'), OUTBOUND_ALLOWLIST: '127.0.0.1', TRANSCRIBER: 'pocketsphinx' },
    });
  });
  after(async () => {
    await server?.close();
    await media?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  for (const rate of [8000, 16000] as const) {
    test(`${rate / 1000} kHz stereo: most words of each side on its channel, in time order; real-time factor reported`, async (t) => {
      const started = performance.now();
      const created = await insertTranscript(server.store, { accountSid: server.account.sid, mediaUrl: `${media.url}/call-${rate}.wav` });
      const done = await waitForStatus(server.store, created.sid, ['completed', 'failed'], 120_000);
      const elapsed = (performance.now() - started) / 1000;
      assert.equal(done.status, 'completed', done.errorMessage ?? '');
      assert.equal(done.durationSeconds, Math.round(durations.get(rate)!));
      const sentences = await server.store.listSentences(created.sid, { limit: 100 });
      const textOf = (channel: number) =>
        sentences
          .filter((s) => s.mediaChannel === channel)
          .map((s) => s.transcript)
          .join(' ');
      const [agentRecall, customerRecall] = [recall(AGENT, wordsOf(textOf(1))), recall(CUSTOMER, wordsOf(textOf(2)))];
      t.diagnostic(`channel 1: "${textOf(1)}" (${Math.round(agentRecall * 100)} % of the words)`);
      t.diagnostic(`channel 2: "${textOf(2)}" (${Math.round(customerRecall * 100)} % of the words)`);
      t.diagnostic(
        `real-time factor (end to end, ${durations.get(rate)!.toFixed(1)} s of stereo audio): ${(elapsed / durations.get(rate)!).toFixed(2)}`,
      );
      assert.ok(agentRecall >= 0.5, `most of the agent's words are found on channel 1 (${agentRecall})`);
      assert.ok(customerRecall >= 0.5, `most of the customer's words are found on channel 2 (${customerRecall})`);
      assert.ok(recall(CUSTOMER, wordsOf(textOf(1))) < 0.3 && recall(AGENT, wordsOf(textOf(2))) < 0.3, 'the channels stay apart');
      for (const sentence of sentences.filter((s) => s.mediaChannel === 2))
        assert.ok(sentence.startTime! >= customerStarts.get(rate)! - 0.3, 'the customer speaks after the agent');
      const starts = sentences.map((s) => s.startTime!);
      assert.deepEqual(
        starts,
        [...starts].sort((a, b) => a - b),
        'sentence_index follows start time across channels',
      );
      for (const sentence of sentences) {
        let previous = sentence.startTime! - 1e-6;
        for (const word of decodeWords(sentence.wordsJson)) {
          assert.ok(word.startTime! >= previous - 1e-6 && word.endTime! >= word.startTime!, `"${word.word}" is in time order`);
          previous = word.endTime!;
        }
      }
      assert.deepEqual(leftovers(server.config.mediaDir, created.sid), { scratch: [], media: ['media.wav'] });
    });
  }
});
