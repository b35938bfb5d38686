// Decoded audio on disk: one raw PCM file per channel (16-bit signed little-endian), written and
// read in bounded blocks so that hours of audio never sit whole in memory.
import { type FileHandle, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AudioType } from '../detect.js';

export interface DecodedAudio {
  type: AudioType;
  sampleRate: number;
  /** Raw PCM files, 16-bit signed little-endian mono; index 0 is media_channel 1. */
  channelFiles: string[];
  /** Samples per channel. */
  samples: number;
  durationSeconds: number;
}

/** Samples per channel handed on at a time (and the read size when reading a channel back). */
export const BLOCK_SAMPLES = 65_536;

export class ChannelWriter {
  private constructor(
    readonly files: string[],
    private readonly handles: FileHandle[],
  ) {}

  samples = 0;

  static async create(directory: string, channels: number): Promise<ChannelWriter> {
    const files = Array.from({ length: channels }, (_, index) => join(directory, `channel-${index + 1}.pcm`));
    const handles: FileHandle[] = [];
    try {
      for (const file of files) handles.push(await open(file, 'w'));
    } catch (error) {
      await Promise.all(handles.map((handle) => handle.close()));
      await removeFiles(files);
      throw error;
    }
    return new ChannelWriter(files, handles);
  }

  async write(block: Int16Array[]): Promise<void> {
    const length = block[0]?.length ?? 0;
    await Promise.all(
      this.handles.map((handle, channel) => {
        const samples = block[channel];
        if (samples === undefined) throw new Error(`block has no channel ${channel}`);
        return handle.write(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength));
      }),
    );
    this.samples += length;
  }

  async close(): Promise<void> {
    await Promise.all(this.handles.map((handle) => handle.close()));
  }

  /** Closes and deletes what was written (a failed decode leaves nothing behind). */
  async discard(): Promise<void> {
    await Promise.allSettled(this.handles.map((handle) => handle.close()));
    await removeFiles(this.files);
  }
}

export const removeFiles = (files: string[]) => Promise.all(files.map((file) => rm(file, { force: true })));

/** A channel's samples, BLOCK_SAMPLES (or `blockSamples`) at a time. */
export async function* readChannel(file: string, blockSamples = BLOCK_SAMPLES): AsyncGenerator<Int16Array> {
  const handle = await open(file, 'r');
  try {
    for (;;) {
      const buffer = Buffer.alloc(blockSamples * 2);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      const whole = bytesRead - (bytesRead % 2);
      if (whole === 0) return;
      yield new Int16Array(buffer.buffer, buffer.byteOffset, whole / 2);
    }
  } finally {
    await handle.close();
  }
}

export function floatToInt16(samples: Float32Array | Float64Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let index = 0; index < samples.length; index++) {
    const value = samples[index]!;
    out[index] = value >= 1 ? 32767 : value <= -1 ? -32768 : Math.round(value * 32767);
  }
  return out;
}
