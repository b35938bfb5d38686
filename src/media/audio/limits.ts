// Twilio's limits on transcribed audio (TRANSCRIPTS.md §2), each failing with its own code.
import { MediaFailure, MediaFailureCode } from '../failure.js';

export const AUDIO_LIMITS = {
  minSeconds: 2,
  minSampleRate: 8000,
  maxSeconds: 8 * 3600,
  maxChannels: 2,
} as const;

/** What a header says, checked before any sample is decoded. */
export function checkFormat(format: { sampleRate: number; channels: number }): void {
  if (format.channels > AUDIO_LIMITS.maxChannels) {
    throw new MediaFailure(
      MediaFailureCode.tooManyChannels,
      `The audio has ${format.channels} channels; at most ${AUDIO_LIMITS.maxChannels} (mono or stereo) are supported`,
    );
  }
  if (format.channels < 1) throw new MediaFailure(MediaFailureCode.unsupportedMedia, 'The audio has no channels');
  if (format.sampleRate < AUDIO_LIMITS.minSampleRate) {
    throw new MediaFailure(
      MediaFailureCode.sampleRateTooLow,
      `The audio's sample rate is ${format.sampleRate} Hz; at least ${AUDIO_LIMITS.minSampleRate} Hz is required`,
    );
  }
}

/** Checked while decoding, so that an over-long file stops as soon as it passes the limit. */
export function checkNotTooLong(samples: number, sampleRate: number): void {
  if (samples > AUDIO_LIMITS.maxSeconds * sampleRate) {
    throw new MediaFailure(
      MediaFailureCode.tooLong,
      `The audio is longer than ${AUDIO_LIMITS.maxSeconds / 3600} hours, the longest that can be transcribed`,
    );
  }
}

export function checkLongEnough(samples: number, sampleRate: number): void {
  const seconds = samples / sampleRate;
  if (samples === 0 || seconds < AUDIO_LIMITS.minSeconds) {
    throw new MediaFailure(
      MediaFailureCode.tooShort,
      samples === 0 ? 'The audio is empty' : `The audio is ${seconds.toFixed(2)} s long; at least ${AUDIO_LIMITS.minSeconds} s is required`,
    );
  }
}
