// WAV (RIFF): the header's format, the data chunk's samples as 16-bit PCM per channel, and the
// header of the 16-bit PCM files we write back (redacted media, a channel sent to a recogniser).
import type { FileHandle } from 'node:fs/promises';
import { unsupportedMedia } from '../failure.js';

export type WavEncoding = 'pcm' | 'float' | 'alaw' | 'mulaw';

export interface WavFormat {
  encoding: WavEncoding;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  blockAlign: number;
  /** Where the data chunk's samples begin, and how many bytes it holds (to the end of the file when the header leaves it open). */
  dataOffset: number;
  dataBytes: number;
}

const FORMAT_TAGS: Record<number, WavEncoding> = { 1: 'pcm', 3: 'float', 6: 'alaw', 7: 'mulaw' };
const EXTENSIBLE = 0xfffe;
/** Streaming writers leave the sizes at 0 or all ones: the data runs to the end of the file. */
const OPEN_SIZES = new Set([0, 0xffffffff]);

export async function readWavFormat(file: FileHandle, fileBytes: number): Promise<WavFormat> {
  const head = await readAt(file, 0, 12);
  if (head.length < 12 || head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE') {
    throw unsupportedMedia('The media is not a WAV file (no RIFF/WAVE header)');
  }
  let offset = 12;
  let format: Omit<WavFormat, 'dataOffset' | 'dataBytes'> | undefined;
  while (offset + 8 <= fileBytes) {
    const chunk = await readAt(file, offset, 8);
    const id = chunk.toString('latin1', 0, 4);
    const size = chunk.readUInt32LE(4);
    if (id === 'fmt ') format = parseFmt(await readAt(file, offset + 8, Math.min(size, 40)));
    if (id === 'data') {
      if (!format) throw unsupportedMedia('Invalid WAV file: the data chunk comes before the fmt chunk');
      const available = fileBytes - (offset + 8);
      if (!OPEN_SIZES.has(size) && size > available) {
        throw unsupportedMedia(`The WAV file is truncated: its data chunk declares ${size} bytes, ${available} are present`);
      }
      return { ...format, dataOffset: offset + 8, dataBytes: OPEN_SIZES.has(size) ? available : size };
    }
    offset += 8 + size + (size % 2);
  }
  throw unsupportedMedia(format ? 'The WAV file is truncated: it has no data chunk' : 'Invalid WAV file: no fmt chunk');
}

function parseFmt(fmt: Buffer): Omit<WavFormat, 'dataOffset' | 'dataBytes'> {
  if (fmt.length < 16) throw unsupportedMedia('Invalid WAV file: the fmt chunk is too short');
  let tag = fmt.readUInt16LE(0);
  if (tag === EXTENSIBLE && fmt.length >= 26) tag = fmt.readUInt16LE(24);
  const encoding = FORMAT_TAGS[tag];
  const channels = fmt.readUInt16LE(2);
  const sampleRate = fmt.readUInt32LE(4);
  const blockAlign = fmt.readUInt16LE(12);
  const bitsPerSample = fmt.readUInt16LE(14);
  if (encoding === undefined)
    throw unsupportedMedia(`Unsupported WAV encoding (format tag ${tag}): PCM, IEEE float, A-law and µ-law are read`);
  const supported =
    encoding === 'pcm'
      ? [8, 16, 24, 32].includes(bitsPerSample)
      : encoding === 'float'
        ? [32, 64].includes(bitsPerSample)
        : bitsPerSample === 8;
  if (!supported) throw unsupportedMedia(`Unsupported WAV sample size: ${bitsPerSample}-bit ${encoding}`);
  if (channels > 0 && blockAlign !== channels * (bitsPerSample / 8)) {
    throw unsupportedMedia(`Invalid WAV file: block align ${blockAlign} does not match ${channels} channels of ${bitsPerSample} bits`);
  }
  return { encoding, channels, sampleRate, bitsPerSample, blockAlign };
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/** Whole frames of the data chunk → one Int16Array per channel. */
export function deinterleave(bytes: Buffer, format: WavFormat): Int16Array[] {
  const frames = Math.floor(bytes.length / format.blockAlign);
  const width = format.bitsPerSample / 8;
  const sample = sampleReader(format);
  return Array.from({ length: format.channels }, (_, channel) => {
    const out = new Int16Array(frames);
    for (let frame = 0, at = channel * width; frame < frames; frame++, at += format.blockAlign) out[frame] = sample(bytes, at);
    return out;
  });
}

function sampleReader({ encoding, bitsPerSample }: WavFormat): (bytes: Buffer, at: number) => number {
  // The tables have an entry for each of the 256 byte values; callers read only within the data chunk.
  if (encoding === 'alaw') return (bytes, at) => ALAW[bytes[at]!]!;
  if (encoding === 'mulaw') return (bytes, at) => MULAW[bytes[at]!]!;
  if (encoding === 'float') {
    const read = bitsPerSample === 32 ? (b: Buffer, at: number) => b.readFloatLE(at) : (b: Buffer, at: number) => b.readDoubleLE(at);
    return (bytes, at) => {
      const value = read(bytes, at);
      return value >= 1 ? 32767 : value <= -1 ? -32768 : Number.isNaN(value) ? 0 : Math.round(value * 32767);
    };
  }
  switch (bitsPerSample) {
    case 8:
      return (bytes, at) => (bytes[at]! - 128) << 8;
    case 16:
      return (bytes, at) => bytes.readInt16LE(at);
    case 24:
      return (bytes, at) => bytes.readInt16LE(at + 1);
    default:
      return (bytes, at) => bytes.readInt16LE(at + 2);
  }
}

/** G.711 expansion tables (ITU-T G.711), 8-bit code → 16-bit linear. */
const ALAW = Int16Array.from({ length: 256 }, (_, code) => {
  const value = code ^ 0x55;
  const exponent = (value & 0x70) >> 4;
  let magnitude = (value & 0x0f) << 4;
  magnitude = exponent === 0 ? magnitude + 8 : (magnitude + 0x108) << (exponent - 1);
  return value & 0x80 ? magnitude : -magnitude;
});
const MULAW = Int16Array.from({ length: 256 }, (_, code) => {
  const value = ~code & 0xff;
  const magnitude = ((((value & 0x0f) << 3) + 0x84) << ((value & 0x70) >> 4)) - 0x84;
  return value & 0x80 ? -magnitude : magnitude;
});

/** The 44-byte header of a 16-bit PCM WAV file. */
export function wavHeader(sampleRate: number, channels: number, dataBytes: number): Buffer {
  if (dataBytes + 36 > 0xffffffff) throw new Error(`A WAV file holds at most 4 GB of samples, not ${dataBytes} bytes`);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * channels * 2, 28);
  header.writeUInt16LE(channels * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}
