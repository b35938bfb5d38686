// The media type of a fetched file: from its Content-Type, else the URL's extension, else its first
// bytes (TRANSCRIPTS.md §3). Anything else is 95104.
import { open } from 'node:fs/promises';
import { unsupportedMedia } from './failure.js';

export type AudioType = 'wav' | 'mp3' | 'flac';
export type DocumentType = 'vtt' | 'json';
export type MediaType = AudioType | DocumentType;

export const isAudio = (type: MediaType): type is AudioType => type === 'wav' || type === 'mp3' || type === 'flac';

/** How many leading bytes `sniff` needs (ID3 header, a WebVTT BOM and signature, JSON after whitespace). */
export const HEAD_BYTES = 64;

const CONTENT_TYPES: Record<string, MediaType> = {
  'audio/wav': 'wav',
  'audio/wave': 'wav',
  'audio/x-wav': 'wav',
  'audio/vnd.wave': 'wav',
  'audio/x-pn-wav': 'wav',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/mpeg3': 'mp3',
  'audio/x-mpeg-3': 'mp3',
  'audio/flac': 'flac',
  'audio/x-flac': 'flac',
  'text/vtt': 'vtt',
  'application/json': 'json',
};

const EXTENSIONS: Record<string, MediaType> = { wav: 'wav', wave: 'wav', mp3: 'mp3', flac: 'flac', vtt: 'vtt', json: 'json' };

export interface MediaClues {
  /** The response's Content-Type header, if any (generic ones such as application/octet-stream say nothing). */
  contentType?: string | null;
  /** The URL the media came from (after redirects). */
  url?: string | null;
  /** The file's first bytes (at least HEAD_BYTES when the file is that long). */
  head: Uint8Array;
}

export function detectMediaType(clues: MediaClues): MediaType {
  const type = fromContentType(clues.contentType) ?? fromUrl(clues.url) ?? sniff(clues.head);
  if (type === undefined) {
    throw unsupportedMedia(
      `Unsupported media type${clues.contentType ? ` (Content-Type ${clues.contentType})` : ''}: ` +
        'expected WAV, MP3, FLAC, WebVTT (text/vtt) or a JSON sentences document',
    );
  }
  return type;
}

export async function detectMediaFile(path: string, clues: Omit<MediaClues, 'head'> = {}): Promise<MediaType> {
  return detectMediaType({ ...clues, head: await readHead(path, HEAD_BYTES) });
}

export async function readHead(path: string, length: number): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await file.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

function fromContentType(contentType: string | null | undefined): MediaType | undefined {
  const essence = contentType?.split(';')[0]?.trim().toLowerCase();
  return essence ? CONTENT_TYPES[essence] : undefined;
}

function fromUrl(url: string | null | undefined): MediaType | undefined {
  if (!url) return undefined;
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const match = /\.([a-z0-9]+)$/i.exec(pathname);
  return match ? EXTENSIONS[match[1]!.toLowerCase()] : undefined;
}

export function sniff(head: Uint8Array): MediaType | undefined {
  const ascii = (start: number, end: number) => Buffer.from(head.subarray(start, end)).toString('latin1');
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'wav';
  if (ascii(0, 4) === 'fLaC') return 'flac';
  if (ascii(0, 3) === 'ID3') return 'mp3';
  // An MPEG audio frame header: 11 set sync bits, then a layer other than the reserved 00.
  const [b0, b1] = head;
  if (b0 === 0xff && b1 !== undefined && (b1 & 0xe0) === 0xe0 && (b1 & 0x06) !== 0) return 'mp3';
  const text = Buffer.from(head)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  if (/^WEBVTT(?:[ \t\r\n]|$)/.test(text)) return 'vtt';
  if (/^\s*\{/.test(text)) return 'json';
  return undefined;
}
