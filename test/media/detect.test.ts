import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { detectMediaType, sniff } from '../../src/media/detect.js';
import { MediaFailure } from '../../src/media/failure.js';
import { PNG_BYTES } from '../helpers/media.js';

const bytes = (text: string) => Buffer.from(text, 'latin1');
const RIFF = Buffer.concat([bytes('RIFF'), Buffer.alloc(4), bytes('WAVEfmt ')]);

describe('detectMediaType', () => {
  const cases: Array<[string, Parameters<typeof detectMediaType>[0], string]> = [
    ['Content-Type audio/wav', { contentType: 'audio/wav', head: PNG_BYTES }, 'wav'],
    ['Content-Type audio/x-wav with parameters', { contentType: 'audio/x-wav; codecs=1', head: Buffer.alloc(0) }, 'wav'],
    ['Content-Type audio/mpeg', { contentType: 'audio/mpeg', head: Buffer.alloc(0) }, 'mp3'],
    ['Content-Type audio/flac', { contentType: 'AUDIO/FLAC', head: Buffer.alloc(0) }, 'flac'],
    ['Content-Type text/vtt', { contentType: 'text/vtt; charset=utf-8', url: 'https://x.test/a.json', head: Buffer.alloc(0) }, 'vtt'],
    ['Content-Type application/json', { contentType: 'application/json', head: Buffer.alloc(0) }, 'json'],
    [
      'a generic Content-Type falls back to the extension',
      { contentType: 'application/octet-stream', url: 'https://x.test/call.FLAC?sig=1', head: Buffer.alloc(0) },
      'flac',
    ],
    ['the extension .vtt', { url: 'https://x.test/a/b/transcript.vtt', head: Buffer.alloc(0) }, 'vtt'],
    ['the extension .mp3', { url: 'https://x.test/r.mp3', head: Buffer.alloc(0) }, 'mp3'],
    ['the first bytes RIFF/WAVE', { contentType: 'application/octet-stream', url: 'https://x.test/media', head: RIFF }, 'wav'],
    ['the first bytes fLaC', { head: bytes('fLaC\0\0\0\x22') }, 'flac'],
    ['the first bytes ID3', { head: bytes('ID3\x04\0\0\0\0\0\0') }, 'mp3'],
    ['an MPEG frame sync', { head: Buffer.from([0xff, 0xfb, 0x90, 0x64]) }, 'mp3'],
    ['the first bytes WEBVTT after a BOM', { head: Buffer.from('\uFEFFWEBVTT\n\n00:00.000 --> 00:01.000\nhi', 'utf8') }, 'vtt'],
    ['the first bytes of a JSON object', { head: bytes('  \n{"sentences": []}') }, 'json'],
  ];
  for (const [name, clues, expected] of cases) {
    test(`takes ${name} as ${expected}`, () => assert.equal(detectMediaType(clues), expected));
  }

  test('a PNG without a useful Content-Type or extension fails with 95104', () => {
    assert.throws(
      () => detectMediaType({ contentType: 'image/png', url: 'https://x.test/picture', head: PNG_BYTES }),
      (error: unknown) =>
        error instanceof MediaFailure && error.code === 95104 && /Unsupported media type \(Content-Type image\/png\)/.test(error.message),
    );
  });

  test('neither WEBVTT without its line end nor a lone 0xFF byte is taken for media', () => {
    assert.equal(sniff(bytes('WEBVTTX')), undefined);
    assert.equal(sniff(Buffer.from([0xff, 0xe0])), undefined, 'layer bits 00 are reserved');
    assert.equal(sniff(Buffer.alloc(0)), undefined);
  });
});
