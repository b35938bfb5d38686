import assert from 'node:assert/strict';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RecognisedSentence } from '../../src/engines/speech/engine.js';
import { parseTimedOutput, pocketsphinxEngine, soundswallowerModelDirectory } from '../../src/engines/speech/pocketsphinx.js';
import { transcribeAudio } from '../../src/engines/speech/transcribe.js';
import { BACKGROUND_NICE } from '../../src/jobs/priority.js';
import { decodeAudioFile } from '../../src/media/audio/decode.js';
import { createThreadPool } from '../../src/threads.js';
import { failsWith, readMonoWav, recall, run, scratchDirectory, speak, writeWav } from '../helpers/media.js';

// Call-centre sentences; flite's speech is recognised with a word error rate well under 50 %.
const GREETING = 'Thank you for calling customer support, how can I help you today?';
const BALANCE = 'I would like to check the balance of my savings account.';
const NUMBER = 'Can you give me your account number and your date of birth please?';

function assertTimesIncrease(sentences: RecognisedSentence[], duration: number) {
  let previousEnd = 0;
  for (const sentence of sentences) {
    assert.ok(sentence.startTime <= sentence.endTime, `${sentence.startTime} ≤ ${sentence.endTime}`);
    assert.ok(sentence.confidence !== null && sentence.confidence >= 0 && sentence.confidence <= 1);
    for (const word of sentence.words) {
      assert.ok(
        word.startTime! >= previousEnd - 1e-6,
        `"${word.word}" starts at ${word.startTime}, after the previous word's end ${previousEnd}`,
      );
      assert.ok(word.endTime! > word.startTime!, `"${word.word}" ends after it starts`);
      previousEnd = word.endTime!;
    }
  }
  assert.ok(previousEnd <= duration + 0.05, `the last word ends (${previousEnd}) within the audio (${duration} s)`);
}

let scratch: Awaited<ReturnType<typeof scratchDirectory>>;
const threads = createThreadPool(1);
before(async () => (scratch = await scratchDirectory()));
after(async () => {
  await threads.close();
  await scratch.remove();
});

const engine = pocketsphinxEngine(threads);

describe('pocketsphinx engine on flite speech', () => {
  for (const rate of [8000, 16000] as const) {
    test(`${rate / 1000} kHz: most words of each sentence found, times increasing, real-time factor reported`, async (t) => {
      const first = await speak(GREETING, rate, join(scratch.path, `greeting-${rate}.wav`));
      const second = await speak(BALANCE, rate, join(scratch.path, `balance-${rate}.wav`));
      const path = join(scratch.path, `two-sentences-${rate}.wav`);
      const [a, b] = [await readMonoWav(first), await readMonoWav(second)];
      const pause = rate; // 1 s of silence between the sentences
      await writeWav(path, {
        sampleRate: rate,
        channels: 1,
        frames: a.samples.length + pause + b.samples.length,
        signal: (_, i) => (a.samples[i] ?? (i < a.samples.length + pause ? 0 : b.samples[i - a.samples.length - pause]!)) / 32767,
      });
      const audio = await decodeAudioFile(path, 'wav', join(scratch.path, `decoded-${rate}`));
      const started = process.hrtime.bigint();
      const sentences = await transcribeAudio(engine, audio, 'en-US');
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      t.diagnostic(
        `pocketsphinx at ${rate} Hz: ${seconds.toFixed(2)} s for ${audio.durationSeconds.toFixed(2)} s of audio, real-time factor ${(seconds / audio.durationSeconds).toFixed(3)}`,
      );
      t.diagnostic(`recognised: ${sentences.map((s) => s.transcript).join(' | ')}`);
      assert.ok(sentences.length >= 2, `the pause splits the sentences (got ${sentences.length})`);
      assert.ok(sentences.every((s) => s.mediaChannel === 1));
      const boundary = (a.samples.length + pause / 2) / rate;
      const before = sentences.filter((s) => s.endTime! <= boundary).flatMap((s) => s.words.map((w) => w.word));
      const afterPause = sentences.filter((s) => s.startTime! >= boundary).flatMap((s) => s.words.map((w) => w.word));
      assert.ok(recall(GREETING, before) >= 0.6, `greeting recall ${recall(GREETING, before)}: ${before.join(' ')}`);
      assert.ok(recall(BALANCE, afterPause) >= 0.6, `balance recall ${recall(BALANCE, afterPause)}: ${afterPause.join(' ')}`);
      assertTimesIncrease(
        sentences.map((s) => ({ ...s, startTime: s.startTime!, endTime: s.endTime! })),
        audio.durationSeconds,
      );
    });
  }

  test('stereo: each channel is recognised on its own and keeps its own words', async () => {
    const agent = await readMonoWav(await speak(GREETING, 8000, join(scratch.path, 'agent.wav')));
    const customer = await readMonoWav(await speak(NUMBER, 8000, join(scratch.path, 'customer.wav')));
    const offset = agent.samples.length + 4000; // the customer speaks after the agent, on channel 2
    const path = join(scratch.path, 'call.wav');
    await writeWav(path, {
      sampleRate: 8000,
      channels: 2,
      frames: offset + customer.samples.length + 4000,
      signal: (channel, i) => (channel === 0 ? (agent.samples[i] ?? 0) : i >= offset ? (customer.samples[i - offset] ?? 0) : 0) / 32767,
    });
    const audio = await decodeAudioFile(path, 'wav', join(scratch.path, 'call'));
    const sentences = await transcribeAudio(engine, audio, 'en-US');
    const channelWords = (channel: number) =>
      sentences.filter((s) => s.mediaChannel === channel).flatMap((s) => s.words.map((w) => w.word));
    assert.ok(recall(GREETING, channelWords(1)) >= 0.6, `channel 1: ${channelWords(1).join(' ')}`);
    assert.ok(recall(NUMBER, channelWords(2)) >= 0.6, `channel 2: ${channelWords(2).join(' ')}`);
    assert.ok(recall(NUMBER, channelWords(1)) < 0.3, `the customer's words stay out of channel 1: ${channelWords(1).join(' ')}`);
    assert.ok(recall(GREETING, channelWords(2)) < 0.3, `the agent's words stay out of channel 2: ${channelWords(2).join(' ')}`);
    const firstCustomer = sentences.find((s) => s.mediaChannel === 2)!;
    assert.ok(firstCustomer.startTime! >= offset / 8000 - 0.3, 'channel 2 starts where the customer starts speaking');
    const starts = sentences.map((s) => s.startTime!);
    assert.deepEqual(
      starts,
      [...starts].sort((x, y) => x - y),
      'sentences in time order across channels',
    );
  });

  test('44.1 kHz MP3 and FLAC (neither 8 nor 16 kHz) are resampled for the model and still recognised', async () => {
    const wav16 = await speak(NUMBER, 16000, join(scratch.path, 'number16.wav'));
    const wav44 = join(scratch.path, 'number44.wav');
    await run('sox', [wav16, '-r', '44100', wav44]);
    const flac = join(scratch.path, 'number44.flac');
    await run('flac', ['--silent', '--force', wav44, '-o', flac]);
    const mp3 = join(scratch.path, 'number22.mp3');
    await run('lame', ['--quiet', '--resample', '22.05', wav44, mp3]);
    for (const [file, type, rate] of [
      [flac, 'flac', 44100],
      [mp3, 'mp3', 22050],
    ] as const) {
      const audio = await decodeAudioFile(file, type, join(scratch.path, `${type}-44`));
      assert.equal(audio.sampleRate, rate);
      const words = (await transcribeAudio(engine, audio, 'en-US')).flatMap((s) => s.words.map((w) => w.word));
      assert.ok(recall(NUMBER, words) >= 0.6, `${type}: ${words.join(' ')}`);
    }
    assert.deepEqual(
      (await scratch.files()).filter((file) => /\.\d+\.pcm$/.test(file)),
      [],
      'the resampled copies are removed',
    );
  });
});

describe('pocketsphinx engine failures', () => {
  let pcmFile: string;
  before(async () => {
    const path = join(scratch.path, 'tone.wav');
    await writeWav(path, { sampleRate: 8000, channels: 1, frames: 8000 * 3 });
    pcmFile = (await decodeAudioFile(path, 'wav', join(scratch.path, 'tone'))).channelFiles[0]!;
  });

  const failsWith95106 = (message: RegExp) => failsWith(95106, message);

  test('a recogniser that hangs is killed at the timeout → 95106', async () => {
    const hanging = join(scratch.path, 'hanging-recogniser');
    await writeFile(hanging, '#!/bin/sh\nexec sleep 600\n');
    await chmod(hanging, 0o755);
    await assert.rejects(
      pocketsphinxEngine(threads, { binary: hanging, timeoutMs: 300 }).transcribe({ pcmFile, sampleRate: 8000, languageCode: 'en-US' }),
      failsWith95106(/did not finish within 0 s|did not finish within \d+ s/),
    );
  });

  test('a missing binary, a crash and a language without a model → 95106', async () => {
    await assert.rejects(
      pocketsphinxEngine(threads, { binary: join(scratch.path, 'no-such-binary') }).transcribe({
        pcmFile,
        sampleRate: 8000,
        languageCode: 'en-US',
      }),
      failsWith95106(/could not be started/),
    );
    const crashing = join(scratch.path, 'crashing-recogniser');
    await writeFile(crashing, '#!/bin/sh\necho "FATAL: acoustic model missing" >&2\nexit 3\n');
    await chmod(crashing, 0o755);
    await assert.rejects(
      pocketsphinxEngine(threads, { binary: crashing }).transcribe({ pcmFile, sampleRate: 8000, languageCode: 'en-US' }),
      failsWith95106(/exited with code 3: FATAL: acoustic model missing/),
    );
    await assert.rejects(
      engine.transcribe({ pcmFile, sampleRate: 8000, languageCode: 'es-ES' }),
      failsWith95106(/English model only, not es-ES/),
    );
  });

  test('the recogniser runs at the lowest CPU priority: the event loop comes first', async () => {
    // It answers with its niceness once that is no longer the one it started with (or after 2,000 looks).
    const reporting = join(scratch.path, 'reporting-recogniser');
    const started = getPriority();
    await writeFile(
      reporting,
      `#!/bin/sh\nlooks=0\nwhile [ "$(nice)" = "${started}" ] && [ $looks -lt 2000 ]; do looks=$((looks + 1)); done\necho "nice$(nice) 0.100 0.500 0.900"\n`,
    );
    await chmod(reporting, 0o755);
    const sentences = await pocketsphinxEngine(threads, { binary: reporting }).transcribe({
      pcmFile,
      sampleRate: 8000,
      languageCode: 'en-US',
    });
    assert.equal(sentences[0]?.transcript, `nice${BACKGROUND_NICE}`);
  });

  test('aborting while the audio is resampled stops the worker and leaves no resampled copy', async () => {
    const path = join(scratch.path, 'tone44.wav');
    await writeWav(path, { sampleRate: 44100, channels: 1, frames: 44100 * 30 });
    const audio = await decodeAudioFile(path, 'wav', join(scratch.path, 'tone44'));
    const controller = new AbortController();
    const pending = engine.transcribe({
      pcmFile: audio.channelFiles[0]!,
      sampleRate: 44100,
      languageCode: 'en-US',
      signal: controller.signal,
    });
    controller.abort(new Error('transcript deleted'));
    await assert.rejects(pending, /transcript deleted/);
    assert.deepEqual(
      (await scratch.files()).filter((file) => file.startsWith('tone44/')),
      ['tone44/channel-1.pcm'],
    );
  });

  test('the 8 kHz model is the one soundswallower ships', async () => {
    const params = JSON.parse(await readFile(join(soundswallowerModelDirectory(), 'feat_params.json'), 'utf8'));
    assert.equal(params.upperf, 3700, 'a phone-band model');
  });

  test('-time output: fillers and alternate-pronunciation marks dropped, one sentence per utterance', () => {
    const output = [
      'hello world',
      '<s> 0.000 0.120 0.998801',
      'hello 0.130 0.500 0.9',
      '[NOISE] 0.510 0.600 0.5',
      'world(2) 0.610 1.000 1.000100',
      '</s> 1.010 1.100 1.000000',
      '',
      'again',
      '<s> 3.000 3.100 0.9',
      '<sil> 3.100 3.200 0.9',
      'again 3.200 3.600 0.5',
      '</s> 3.600 3.700 1.0',
    ].join('\n');
    assert.deepEqual(parseTimedOutput(output), [
      {
        startTime: 0.13,
        endTime: 1,
        confidence: 0.95,
        transcript: 'hello world',
        words: [
          { word: 'hello', startTime: 0.13, endTime: 0.5 },
          { word: 'world', startTime: 0.61, endTime: 1 },
        ],
      },
      { startTime: 3.2, endTime: 3.6, confidence: 0.5, transcript: 'again', words: [{ word: 'again', startTime: 3.2, endTime: 3.6 }] },
    ]);
  });
});
