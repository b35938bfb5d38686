// Media redaction: the decoded audio, silent over the given time ranges (PII words), written as a
// 16-bit PCM WAV with the original rate and channels — what the Media endpoint serves as redacted.
import { open, rm } from 'node:fs/promises';
import type { MediaChannel } from '../documents/sentence.js';
import { BLOCK_SAMPLES, type DecodedAudio, readChannel } from './pcm.js';
import { wavHeader } from './wav.js';

export interface SilenceRange {
  /** Seconds from the start of the media. */
  startTime: number;
  endTime: number;
  /** Only this channel; every channel when absent. */
  mediaChannel?: MediaChannel;
}

export async function redactToWav(audio: DecodedAudio, ranges: readonly SilenceRange[], outputPath: string): Promise<void> {
  const channels = audio.channelFiles.length;
  const silent = audio.channelFiles.map((_, index) =>
    ranges
      .filter((range) => range.mediaChannel === undefined || range.mediaChannel === index + 1)
      .map((range) => [Math.floor(range.startTime * audio.sampleRate), Math.ceil(range.endTime * audio.sampleRate)] as const)
      .filter(([start, end]) => end > start),
  );
  const output = await open(outputPath, 'w');
  try {
    await output.write(wavHeader(audio.sampleRate, channels, audio.samples * channels * 2));
    const readers = audio.channelFiles.map((file) => readChannel(file, BLOCK_SAMPLES));
    for (let offset = 0; ; offset += BLOCK_SAMPLES) {
      const blocks = await Promise.all(readers.map((reader) => reader.next()));
      if (blocks.some((block) => block.done)) break;
      const samples = blocks.map((block) => block.value as Int16Array);
      const frames = Math.min(...samples.map((block) => block.length));
      const interleaved = new Int16Array(frames * channels);
      for (let channel = 0; channel < channels; channel++) {
        const block = samples[channel]!;
        for (const [start, end] of silent[channel] ?? [])
          block.fill(0, Math.max(0, start - offset), Math.max(0, Math.min(frames, end - offset)));
        for (let frame = 0; frame < frames; frame++) interleaved[frame * channels + channel] = block[frame]!;
      }
      await output.write(new Uint8Array(interleaved.buffer));
    }
    await Promise.all(readers.map((reader) => reader.return(undefined)));
    await output.close();
  } catch (error) {
    await output.close().catch(() => undefined);
    await rm(outputPath, { force: true });
    throw error;
  }
}
