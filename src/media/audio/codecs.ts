// The three audio formats, each streamed from its file into a BlockSink: WAV read here, MP3 and FLAC
// by maintained WebAssembly decoders (mpg123, libFLAC) from npm, which need nothing installed.
import type { FileHandle } from 'node:fs/promises';
import { FLACDecoder } from '@wasm-audio-decoders/flac';
import { MPEGDecoder } from 'mpg123-decoder';
import type { AudioType } from '../detect.js';
import { unsupportedMedia } from '../failure.js';
import { floatToInt16 } from './pcm.js';
import { deinterleave, readWavFormat } from './wav.js';

export interface AudioFormat {
  sampleRate: number;
  channels: number;
}

export interface BlockSink {
  /** Called once, before the first block, with what the header (or first frame) says; `samples` when the header gives the length. */
  start(format: AudioFormat & { samples?: number }): Promise<void>;
  write(block: Int16Array[]): Promise<void>;
}

export type Codec = (file: FileHandle, fileBytes: number, sink: BlockSink) => Promise<void>;

const READ_BYTES = 256 * 1024;

async function* chunks(file: FileHandle, start: number, end: number, size = READ_BYTES): AsyncGenerator<Buffer> {
  for (let position = start; position < end;) {
    const buffer = Buffer.alloc(Math.min(size, end - position));
    const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) return;
    position += bytesRead;
    yield buffer.subarray(0, bytesRead);
  }
}

const wav: Codec = async (file, fileBytes, sink) => {
  const format = await readWavFormat(file, fileBytes);
  await sink.start({ ...format, samples: Math.floor(format.dataBytes / format.blockAlign) });
  const end = format.dataOffset + format.dataBytes;
  const frameBytes = Math.floor(READ_BYTES / format.blockAlign) * format.blockAlign;
  for await (const bytes of chunks(file, format.dataOffset, end, frameBytes)) await sink.write(deinterleave(bytes, format));
};

/** An ID3v2 tag's length (header, synchsafe size, footer), 0 when there is none. */
function id3Length(head: Buffer): number {
  if (head.length < 10 || head.toString('latin1', 0, 3) !== 'ID3') return 0;
  const byte = (at: number) => head.readUInt8(at);
  const size = ((byte(6) & 0x7f) << 21) | ((byte(7) & 0x7f) << 14) | ((byte(8) & 0x7f) << 7) | (byte(9) & 0x7f);
  return 10 + size + (byte(5) & 0x10 ? 10 : 0);
}

/**
 * The channel count of the first MPEG audio frame header after any ID3 tag (the decoder always hands
 * out two channels, a mono file's twice), or undefined when no frame header is found near the start.
 */
async function mp3Channels(file: FileHandle): Promise<number | undefined> {
  const head = Buffer.alloc(10);
  await file.read(head, 0, 10, 0);
  const start = id3Length(head);
  const window = Buffer.alloc(64 * 1024);
  const { bytesRead } = await file.read(window, 0, window.length, start);
  for (let at = 0; at + 4 <= bytesRead; at++) {
    const [b0, b1, b2, b3] = [window.readUInt8(at), window.readUInt8(at + 1), window.readUInt8(at + 2), window.readUInt8(at + 3)];
    const sync = b0 === 0xff && (b1 & 0xe0) === 0xe0;
    const valid = (b1 & 0x18) !== 0x08 && (b1 & 0x06) !== 0 && (b2 & 0xf0) !== 0xf0 && (b2 & 0x0c) !== 0x0c;
    if (sync && valid) return b3 >> 6 === 3 ? 1 : 2;
  }
  return undefined;
}

const mp3: Codec = async (file, fileBytes, sink) => {
  const channels = await mp3Channels(file);
  if (channels === undefined) throw unsupportedMedia('The media is not a valid MP3 file (no MPEG audio frame header found)');
  const decoder = new MPEGDecoder();
  await decoder.ready;
  try {
    let format: AudioFormat | undefined;
    let errors = 0;
    for await (const bytes of chunks(file, 0, fileBytes)) {
      const decoded = decoder.decode(bytes);
      errors += decoded.errors.length;
      if (decoded.samplesDecoded === 0) continue;
      if (!format) {
        format = { sampleRate: decoded.sampleRate, channels };
        await sink.start(format);
      } else if (decoded.sampleRate !== format.sampleRate) {
        throw unsupportedMedia('Invalid MP3 file: its sample rate changes midway');
      }
      const used = decoded.channelData.slice(0, channels);
      await sink.write(used.map((channel) => floatToInt16(channel.subarray(0, decoded.samplesDecoded))));
    }
    if (!format)
      throw unsupportedMedia(`The media is not a valid MP3 file (no audio frame could be decoded${errors ? `, ${errors} errors` : ''})`);
  } finally {
    decoder.free();
  }
};

interface StreamInfo extends AudioFormat {
  /** 0 when the encoder did not know it. */
  totalSamples: number;
}

/** FLAC's STREAMINFO block, which must come first: rate, channels and length before any frame is decoded. */
async function readStreamInfo(file: FileHandle): Promise<StreamInfo> {
  const head = Buffer.alloc(42);
  const { bytesRead } = await file.read(head, 0, 42, 0);
  if (bytesRead < 42 || head.toString('latin1', 0, 4) !== 'fLaC' || (head.readUInt8(4) & 0x7f) !== 0) {
    throw unsupportedMedia('The media is not a valid FLAC file (no fLaC signature and STREAMINFO block)');
  }
  const info = head.subarray(8);
  const byte = (at: number) => info.readUInt8(at);
  const sampleRate = (byte(10) << 12) | (byte(11) << 4) | (byte(12) >> 4);
  const channels = ((byte(12) >> 1) & 0x07) + 1;
  const totalSamples = (byte(13) & 0x0f) * 2 ** 32 + info.readUInt32BE(14);
  return { sampleRate, channels, totalSamples };
}

const flac: Codec = async (file, fileBytes, sink) => {
  const info = await readStreamInfo(file);
  await sink.start({ ...info, samples: info.totalSamples || undefined });
  const decoder = new FLACDecoder();
  await decoder.ready;
  try {
    let samples = 0;
    const write = async (decoded: Awaited<ReturnType<FLACDecoder['decode']>>) => {
      if (decoded.errors.length > 0) throw unsupportedMedia(`The FLAC file is corrupt: ${decoded.errors[0]?.message ?? 'decode error'}`);
      if (decoded.samplesDecoded === 0) return;
      if (decoded.channelData.length !== info.channels)
        throw unsupportedMedia('The FLAC file is corrupt: a frame has another channel count');
      samples += decoded.samplesDecoded;
      await sink.write(decoded.channelData.map((channel) => floatToInt16(channel.subarray(0, decoded.samplesDecoded))));
    };
    for await (const bytes of chunks(file, 0, fileBytes)) await write(await decoder.decode(bytes));
    await write(await decoder.flush());
    if (info.totalSamples > 0 && samples < info.totalSamples) {
      throw unsupportedMedia(`The FLAC file is truncated: ${samples} of its ${info.totalSamples} samples are present`);
    }
  } finally {
    decoder.free();
  }
};

export const CODECS: Record<AudioType, Codec> = { wav, mp3, flac };
