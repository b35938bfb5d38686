import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeAudioFile } from '../../src/media/audio/decode.js';
import { decodeAudioOffThread, redactToWavOffThread } from '../../src/media/audio/off-thread.js';
import { readChannel } from '../../src/media/audio/pcm.js';
import { redactToWav } from '../../src/media/audio/redact.js';
import { resampleChannelFile } from '../../src/media/audio/resample.js';
import { detectMediaFile } from '../../src/media/detect.js';
import { createThreadPool } from '../../src/threads.js';
import {
  failsWith,
  PNG_BYTES,
  readMonoWav,
  run,
  scratchDirectory,
  speak,
  type SampleLayout,
  wavBytes,
  writeWav,
} from '../helpers/media.js';

let scratch: Awaited<ReturnType<typeof scratchDirectory>>;
const threads = createThreadPool(1);
before(async () => (scratch = await scratchDirectory()));
after(async () => {
  await threads.close();
  await scratch.remove();
});

async function samplesOf(file: string): Promise<Int16Array> {
  const blocks: Int16Array[] = [];
  for await (const block of readChannel(file)) blocks.push(block);
  return Int16Array.from(blocks.flatMap((block) => Array.from(block)));
}

describe('WAV decoding', () => {
  const layouts: SampleLayout[] = [
    { encoding: 'pcm', bits: 8 },
    { encoding: 'pcm', bits: 16 },
    { encoding: 'pcm', bits: 24 },
    { encoding: 'pcm', bits: 32 },
    { encoding: 'float', bits: 32 },
  ];
  for (const layout of layouts) {
    test(`${layout.bits}-bit ${layout.encoding} stereo: each channel's samples, rate and duration`, async () => {
      const path = join(scratch.path, `${layout.encoding}${layout.bits}.wav`);
      const frames = 16000 * 2 + 123;
      const expected = await writeWav(path, { sampleRate: 16000, channels: 2, frames, layout });
      const out = join(scratch.path, `${layout.encoding}${layout.bits}-out`);
      const audio = await decodeAudioFile(path, 'wav', out);
      assert.equal(audio.sampleRate, 16000);
      assert.equal(audio.samples, frames);
      assert.equal(audio.durationSeconds, frames / 16000);
      assert.equal(audio.channelFiles.length, 2);
      assert.deepEqual(await samplesOf(audio.channelFiles[0]!), expected[0]);
      assert.deepEqual(await samplesOf(audio.channelFiles[1]!), expected[1]);
    });
  }

  test('µ-law and A-law expand by the G.711 tables', async () => {
    const frames = 8000 * 3;
    const codes = [0x00, 0x80, 0xff, 0x7f, 0x0f];
    const mulaw = join(scratch.path, 'mulaw.wav');
    await writeFile(mulaw, wavBytes(7, 1, 8000, 8, Buffer.from(Array.from({ length: frames }, (_, i) => codes[i % codes.length]!))));
    const decoded = await samplesOf((await decodeAudioFile(mulaw, 'wav', join(scratch.path, 'mulaw-out'))).channelFiles[0]!);
    assert.deepEqual(Array.from(decoded.subarray(0, 5)), [-32124, 32124, 0, 0, -16764]);
    const alaw = join(scratch.path, 'alaw.wav');
    await writeFile(alaw, wavBytes(6, 1, 8000, 8, Buffer.from(Array.from({ length: frames }, (_, i) => [0xd5, 0x55, 0xaa, 0x2a][i % 4]!))));
    const decodedAlaw = await samplesOf((await decodeAudioFile(alaw, 'wav', join(scratch.path, 'alaw-out'))).channelFiles[0]!);
    assert.deepEqual(Array.from(decodedAlaw.subarray(0, 4)), [8, -8, 32256, -32256]);
  });
});

describe('MP3 and FLAC decoding (files made by lame and flac from flite speech)', () => {
  let speech: { sampleRate: number; samples: Int16Array };
  let stereoWav: string;
  before(async () => {
    const mono = await speak('Thank you for calling, how can I help you today?', 16000, join(scratch.path, 'speech16.wav'));
    speech = await readMonoWav(mono);
    stereoWav = join(scratch.path, 'stereo16.wav');
    // Channel 2 is channel 1 inverted: the decoders must keep the channels apart.
    await writeWav(stereoWav, {
      sampleRate: 16000,
      channels: 2,
      frames: speech.samples.length,
      signal: (c, i) => ((c === 0 ? 1 : -1) * speech.samples[i]!) / 32767,
    });
  });

  test('FLAC decodes losslessly, stereo channels apart', async () => {
    const flac = join(scratch.path, 'stereo.flac');
    await run('flac', ['--silent', '--force', stereoWav, '-o', flac]);
    assert.equal(await detectMediaFile(flac), 'flac');
    const audio = await decodeAudioFile(flac, 'flac', join(scratch.path, 'flac-out'));
    assert.equal(audio.sampleRate, 16000);
    assert.equal(audio.samples, speech.samples.length);
    const [left, right] = await Promise.all(audio.channelFiles.map(samplesOf));
    assert.ok(left && right, 'two channels');
    assert.deepEqual(
      left,
      Int16Array.from(speech.samples, (s) => Math.round((s / 32767) * 32767)),
    );
    assert.ok(right.every((sample, index) => Math.abs(sample + left[index]!) <= 1));
  });

  test('MP3 decodes stereo and mono with the right rate, channels and length', async () => {
    const stereo = join(scratch.path, 'stereo.mp3');
    await run('lame', ['--quiet', '-m', 's', stereoWav, stereo]);
    assert.equal(await detectMediaFile(stereo), 'mp3');
    const audio = await decodeAudioFile(stereo, 'mp3', join(scratch.path, 'mp3-out'));
    assert.equal(audio.sampleRate, 16000);
    assert.equal(audio.channelFiles.length, 2);
    assert.ok(Math.abs(audio.samples - speech.samples.length) < 2000, `${audio.samples} samples for ${speech.samples.length}`);
    const [left, right] = await Promise.all(audio.channelFiles.map(samplesOf));
    assert.ok(left && right, 'two channels');
    const energy = (samples: Int16Array) => samples.reduce((sum, s) => sum + s * s, 0);
    const sum = Int16Array.from(left, (s, i) => s + right[i]!);
    assert.ok(energy(sum) < energy(left) / 50, 'channel 2 is channel 1 inverted, so their sum is near silence');

    const mono = join(scratch.path, 'mono.mp3');
    await run('lame', ['--quiet', '-m', 'm', '--resample', '8', join(scratch.path, 'speech16.wav'), mono]);
    const monoAudio = await decodeAudioFile(mono, 'mp3', join(scratch.path, 'mp3-mono-out'));
    assert.equal(monoAudio.channelFiles.length, 1);
    assert.equal(monoAudio.sampleRate, 8000);
  });

  test('on a worker thread: the same result, failures keep their code (a system error its errno code)', async () => {
    const flac = join(scratch.path, 'stereo.flac');
    const inThread = await decodeAudioFile(flac, 'flac', join(scratch.path, 'flac-a'));
    const offThread = await decodeAudioOffThread(threads, flac, 'flac', join(scratch.path, 'flac-b'));
    assert.deepEqual({ ...offThread, channelFiles: [] }, { ...inThread, channelFiles: [] });
    assert.deepEqual(await samplesOf(offThread.channelFiles[1]!), await samplesOf(inThread.channelFiles[1]!));
    const png = join(scratch.path, 'picture-off.wav');
    await writeFile(png, PNG_BYTES);
    await assert.rejects(decodeAudioOffThread(threads, png, 'wav', join(scratch.path, 'png-off')), failsWith(95104, /not a WAV file/));
    await assert.rejects(decodeAudioOffThread(threads, join(scratch.path, 'missing.flac'), 'flac', join(scratch.path, 'missing')), {
      code: 'ENOENT',
    });
    const aborted = new AbortController();
    const pending = decodeAudioOffThread(threads, flac, 'flac', join(scratch.path, 'flac-c'), aborted.signal);
    aborted.abort(new Error('transcript deleted'));
    await assert.rejects(pending, /transcript deleted/);
  });
});

describe('bad audio fails with its code and leaves no file', () => {
  const cases: Array<[string, (path: string) => Promise<unknown>, number, RegExp]> = [
    ['a 1 s WAV', (path) => writeWav(path, { sampleRate: 8000, channels: 1, frames: 8000 }), 95109, /1\.00 s long; at least 2 s/],
    ['an empty WAV', (path) => writeWav(path, { sampleRate: 8000, channels: 1, frames: 0 }), 95109, /empty/],
    ['a 6 kHz WAV', (path) => writeWav(path, { sampleRate: 6000, channels: 1, frames: 6000 * 5 }), 95112, /6000 Hz; at least 8000 Hz/],
    ['a 3-channel WAV', (path) => writeWav(path, { sampleRate: 8000, channels: 3, frames: 8000 * 5 }), 95115, /3 channels; at most 2/],
    ['a PNG named .wav', (path) => writeFile(path, PNG_BYTES), 95104, /not a WAV file/],
    [
      'a truncated WAV',
      async (path) => {
        await writeWav(path, { sampleRate: 8000, channels: 1, frames: 8000 * 5 });
        await writeFile(path, (await readFile(path)).subarray(0, 20000));
      },
      95104,
      /WAV file is truncated: its data chunk declares 80000 bytes, 19956 are present/,
    ],
    [
      'ADPCM WAV',
      (path) => writeFile(path, wavBytes(2, 1, 8000, 4, Buffer.alloc(40000))),
      95104,
      /Unsupported WAV encoding \(format tag 2\)/,
    ],
  ];
  for (const [name, make, code, message] of cases) {
    test(`${name} → ${code}`, async () => {
      const path = join(scratch.path, `${name.replace(/\W+/g, '-')}.wav`);
      await make(path);
      const out = join(scratch.path, `${name.replace(/\W+/g, '-')}-out`);
      await assert.rejects(decodeAudioFile(path, 'wav', out), failsWith(code, message));
      assert.deepEqual(await scratchDirectoryFiles(out), []);
    });
  }

  test('a truncated FLAC → 95104, a FLAC whose header says over 8 h → 95114, neither leaves a file', async () => {
    const wav = join(scratch.path, 'tone.wav');
    await writeWav(wav, { sampleRate: 8000, channels: 1, frames: 8000 * 6 });
    const flac = join(scratch.path, 'tone.flac');
    await run('flac', ['--silent', '--force', wav, '-o', flac]);
    const whole = await readFile(flac);
    const truncated = join(scratch.path, 'truncated.flac');
    await writeFile(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
    const out = join(scratch.path, 'flac-bad-out');
    await assert.rejects(decodeAudioFile(truncated, 'flac', out), failsWith(95104, /FLAC file is truncated: \d+ of its 48000 samples/));
    assert.deepEqual(await scratchDirectoryFiles(out), []);
    const long = Buffer.from(whole);
    // STREAMINFO's 36-bit total sample count (bytes 21–25 of the file): 9 h at 8 kHz.
    const total = 9 * 3600 * 8000;
    long[21] = (long[21]! & 0xf0) | Math.floor(total / 2 ** 32);
    long.writeUInt32BE(total % 2 ** 32, 22);
    const longPath = join(scratch.path, 'long.flac');
    await writeFile(longPath, long);
    await assert.rejects(decodeAudioFile(longPath, 'flac', out), failsWith(95114, /longer than 8 hours/));
    assert.deepEqual(await scratchDirectoryFiles(out), []);
  });

  test('bytes that are not MP3 → 95104', async () => {
    const path = join(scratch.path, 'picture.mp3');
    await writeFile(path, Buffer.concat([PNG_BYTES, Buffer.alloc(4096, 0x41)]));
    await assert.rejects(decodeAudioFile(path, 'mp3', join(scratch.path, 'mp3-bad-out')), failsWith(95104, /not a valid MP3 file/));
    assert.deepEqual(await scratchDirectoryFiles(join(scratch.path, 'mp3-bad-out')), []);
  });
});

const scratchDirectoryFiles = (directory: string): Promise<string[]> => readdir(directory).catch(() => []);

describe('media redaction', () => {
  test('silences the given ranges (one channel or all) and writes a 16-bit WAV that decodes again', async () => {
    const path = join(scratch.path, 'redact-source.wav');
    const signal = (channel: number, index: number) => (channel === 0 ? 0.25 : -0.5) * (index % 2 === 0 ? 1 : -1);
    await writeWav(path, { sampleRate: 8000, channels: 2, frames: 8000 * 20, signal });
    const audio = await decodeAudioFile(path, 'wav', join(scratch.path, 'redact-decoded'));
    const output = join(scratch.path, 'redacted.wav');
    await redactToWav(
      audio,
      [
        { startTime: 1, endTime: 2.5, mediaChannel: 1 },
        { startTime: 10, endTime: 10.5 },
      ],
      output,
    );
    assert.equal(await detectMediaFile(output), 'wav');
    const redacted = await decodeAudioFile(output, 'wav', join(scratch.path, 'redacted-decoded'));
    assert.equal(redacted.samples, audio.samples);
    const [left, right] = await Promise.all(redacted.channelFiles.map(samplesOf));
    assert.ok(left && right, 'two channels');
    const silent = (samples: Int16Array, from: number, to: number) => samples.subarray(from * 8000, to * 8000).every((s) => s === 0);
    const loud = (samples: Int16Array, from: number, to: number) =>
      samples.subarray(from * 8000, to * 8000).every((s) => Math.abs(s) > 8000);
    assert.ok(silent(left, 1, 2.5) && silent(left, 10, 10.5) && silent(right, 10, 10.5));
    assert.ok(loud(left, 0, 1) && loud(left, 2.5, 10) && loud(left, 10.5, 20));
    assert.ok(loud(right, 0, 10) && loud(right, 10.5, 20), 'channel 2 keeps its sound outside the range for all channels');
    assert.equal(right[8000 * 1.5], Math.round(-0.5 * 32767), 'the channel-1 range leaves channel 2 as it was');

    const offThread = join(scratch.path, 'redacted-off.wav');
    await redactToWavOffThread(
      threads,
      audio,
      [
        { startTime: 1, endTime: 2.5, mediaChannel: 1 },
        { startTime: 10, endTime: 10.5 },
      ],
      offThread,
    );
    assert.deepEqual(await readFile(offThread), await readFile(output));
  });
});

describe('resampling (for a recogniser that needs 8 or 16 kHz)', () => {
  async function tone(name: string, rate: number, frequency: number, seconds: number): Promise<string> {
    const path = join(scratch.path, `${name}.wav`);
    await writeWav(path, {
      sampleRate: rate,
      channels: 1,
      frames: rate * seconds,
      signal: (_, i) => 0.5 * Math.sin((2 * Math.PI * frequency * i) / rate),
    });
    return (await decodeAudioFile(path, 'wav', join(scratch.path, name))).channelFiles[0]!;
  }
  const rms = (samples: Int16Array) => Math.sqrt(samples.reduce((sum, s) => sum + s * s, 0) / samples.length) / 32767;
  const crossings = (samples: Int16Array) => samples.reduce((count, s, i) => count + (i > 0 && samples[i - 1]! < 0 !== s < 0 ? 1 : 0), 0);

  for (const [from, to] of [
    [44100, 16000],
    [22050, 8000],
    [8000, 16000],
    [11025, 8000],
  ] as const) {
    test(`${from} → ${to} Hz keeps a 1 kHz tone's length, pitch and level`, async () => {
      const input = await tone(`tone-${from}`, from, 1000, 3);
      const output = join(scratch.path, `tone-${from}-${to}.pcm`);
      await resampleChannelFile(input, output, from, to);
      const samples = await samplesOf(output);
      assert.ok(Math.abs(samples.length - 3 * to) <= 1, `${samples.length} samples for 3 s at ${to} Hz`);
      const middle = samples.subarray(to / 2, to * 2.5);
      assert.ok(Math.abs(crossings(middle) - 2 * 1000 * 2) <= 2, `${crossings(middle)} zero crossings in 2 s of a 1 kHz tone`);
      assert.ok(Math.abs(rms(middle) - 0.5 / Math.SQRT2) < 0.02, `level ${rms(middle)}`);
    });
  }

  test('44100 → 16000 Hz removes a 12 kHz tone instead of folding it into the band', async () => {
    const input = await tone('tone-12k', 44100, 12000, 2);
    const output = join(scratch.path, 'tone-12k-16000.pcm');
    await resampleChannelFile(input, output, 44100, 16000);
    const samples = await samplesOf(output);
    assert.ok(rms(samples.subarray(1000, samples.length - 1000)) < 0.01, `residue ${rms(samples)}`);
  });
});
