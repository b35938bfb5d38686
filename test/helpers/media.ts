// Media for the audio tests, made in the test into a scratch directory (never committed): speech
// from Debian's flite, MP3 and FLAC from lame and flac, and WAV files of any layout written here.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MediaFailure } from '../../src/media/failure.js';

const exec = promisify(execFile);

export async function scratchDirectory(): Promise<{ path: string; files: () => Promise<string[]>; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'intelligence-audio-'));
  return {
    path,
    files: async () => (await readdir(path, { recursive: true })).map(String).sort(),
    remove: () => rm(path, { recursive: true, force: true }),
  };
}

/** Speech by flite: its `kal` voice speaks at 8 kHz, `slt` at 16 kHz. Returns the WAV's path. */
export async function speak(text: string, rate: 8000 | 16000, path: string): Promise<string> {
  await exec('flite', ['-voice', rate === 8000 ? 'kal' : 'slt', '-t', text, '-o', path]);
  return path;
}

/** A text's words, lower case, without punctuation (what a recogniser's output is compared by). */
export const wordsOf = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z' ]/g, ' ')
    .split(/\s+/)
    .filter(Boolean);

/** The share of the reference's words that the recogniser found (each found word used once). */
export function recall(reference: string, recognised: readonly string[]): number {
  const pool = [...recognised];
  const expected = wordsOf(reference);
  let found = 0;
  for (const word of expected) {
    const at = pool.indexOf(word);
    if (at >= 0) {
      found++;
      pool.splice(at, 1);
    }
  }
  return found / expected.length;
}

export const run = (command: string, args: string[]) => exec(command, args, { maxBuffer: 64 * 1024 * 1024 });

/** 16-bit PCM samples of a mono WAV written by flite (a 44-byte header). */
export async function readMonoWav(path: string): Promise<{ sampleRate: number; samples: Int16Array }> {
  const bytes = await readFile(path);
  const sampleRate = bytes.readUInt32LE(24);
  const data = bytes.subarray(44);
  return { sampleRate, samples: new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length - (data.length % 2))) };
}

export type SampleLayout = { encoding: 'pcm'; bits: 8 | 16 | 24 | 32 } | { encoding: 'float'; bits: 32 };

/**
 * A WAV file of `channels` channels whose samples are `signal(channel, index)` (−1…1), in the
 * layout given; the samples a 16-bit reader should see are returned beside it.
 */
export async function writeWav(
  path: string,
  options: {
    sampleRate: number;
    channels: number;
    frames: number;
    layout?: SampleLayout;
    signal?: (channel: number, index: number) => number;
  },
): Promise<Int16Array[]> {
  const layout = options.layout ?? { encoding: 'pcm', bits: 16 };
  const signal = options.signal ?? ((channel, index) => 0.5 * Math.sin((2 * Math.PI * 440 * (channel + 1) * index) / options.sampleRate));
  const width = layout.bits / 8;
  const blockAlign = width * options.channels;
  const data = Buffer.alloc(options.frames * blockAlign);
  const expected = Array.from({ length: options.channels }, () => new Int16Array(options.frames));
  for (let index = 0; index < options.frames; index++) {
    for (let channel = 0; channel < options.channels; channel++) {
      const value = signal(channel, index);
      const at = index * blockAlign + channel * width;
      const int16 = Math.max(-32768, Math.min(32767, Math.round(value * 32767)));
      if (layout.encoding === 'float') {
        data.writeFloatLE(value, at);
        expected[channel]![index] = Math.round(Math.fround(value) * 32767);
      } else if (layout.bits === 8) {
        const byte = Math.max(0, Math.min(255, Math.round(value * 127) + 128));
        data[at] = byte;
        expected[channel]![index] = (byte - 128) << 8;
      } else if (layout.bits === 16) {
        data.writeInt16LE(int16, at);
        expected[channel]![index] = int16;
      } else {
        const full = Math.max(
          -(2 ** (layout.bits - 1)),
          Math.min(2 ** (layout.bits - 1) - 1, Math.round(value * (2 ** (layout.bits - 1) - 1))),
        );
        data.writeIntLE(full, at, width);
        expected[channel]![index] = full >> (layout.bits - 16);
      }
    }
  }
  await writeFile(path, wavBytes(layout.encoding === 'float' ? 3 : 1, options.channels, options.sampleRate, layout.bits, data));
  return expected;
}

/** A WAV file's bytes: a 44-byte header (format tag 1 PCM, 3 float, 6 A-law, 7 µ-law) and `data`. */
export function wavBytes(tag: number, channels: number, sampleRate: number, bits: number, data: Buffer): Buffer {
  const blockAlign = (bits / 8) * channels;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(tag, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * blockAlign, 28);
  header.writeUInt16LE(blockAlign, 32);
  header.writeUInt16LE(bits, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** A tiny valid PNG (1×1 pixel). */
export const PNG_BYTES = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** For assert.throws / assert.rejects: a MediaFailure with this code and a message matching `message`. */
export const failsWith = (code: number, message: RegExp) => (error: unknown) => {
  assert.ok(error instanceof MediaFailure, `expected a MediaFailure, got ${String(error)}`);
  assert.equal(error.code, code);
  assert.match(error.message, message);
  return true;
};
