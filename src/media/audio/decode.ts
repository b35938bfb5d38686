// Audio media → PCM per channel on disk, with Twilio's limits enforced as early as the format allows
// (channels and sample rate from the header, length while decoding). A failure leaves no file.
import { mkdir, open } from 'node:fs/promises';
import type { AudioType } from '../detect.js';
import { MediaFailure, unsupportedMedia } from '../failure.js';
import { CODECS } from './codecs.js';
import { checkFormat, checkLongEnough, checkNotTooLong } from './limits.js';
import { ChannelWriter, type DecodedAudio } from './pcm.js';

/**
 * Decodes `path` (of the detected `type`) into `outputDirectory` (created if missing):
 * channel-1.pcm and, for stereo, channel-2.pcm. Runs on the calling thread, yielding between
 * blocks; `decodeAudioOffThread` (./off-thread.ts) runs it on a worker thread.
 */
export async function decodeAudioFile(path: string, type: AudioType, outputDirectory: string, signal?: AbortSignal): Promise<DecodedAudio> {
  await mkdir(outputDirectory, { recursive: true });
  const file = await open(path, 'r');
  let writer: ChannelWriter | undefined;
  let sampleRate = 0;
  try {
    const { size } = await file.stat();
    await CODECS[type](file, size, {
      async start(format) {
        checkFormat(format);
        if (format.samples !== undefined) checkNotTooLong(format.samples, format.sampleRate);
        sampleRate = format.sampleRate;
        writer = await ChannelWriter.create(outputDirectory, format.channels);
      },
      async write(block) {
        signal?.throwIfAborted();
        await writer!.write(block);
        checkNotTooLong(writer!.samples, sampleRate);
      },
    });
    if (!writer) throw unsupportedMedia(`The ${type} file holds no audio`);
    checkLongEnough(writer.samples, sampleRate);
    await writer.close();
    return { type, sampleRate, channelFiles: writer.files, samples: writer.samples, durationSeconds: writer.samples / sampleRate };
  } catch (error) {
    await writer?.discard();
    // A decoder's own exception means bad media; a system error (disk full, file gone) stays itself, for a retry.
    const systemError = typeof (error as NodeJS.ErrnoException).code === 'string';
    if (error instanceof MediaFailure || systemError || signal?.aborted) throw error;
    throw unsupportedMedia(`The ${type} file could not be decoded: ${(error as Error).message}`);
  } finally {
    await file.close();
  }
}
