// Why a transcript's media could not be turned into sentences: a Twilio 95xxx code and a message,
// which the transcript job records (status `failed`) and logs. Thrown, never returned half-built.

/** Twilio's codes for a failed transcript (TRANSCRIPTS.md §2) that media and speech work can produce. */
export const MediaFailureCode = {
  /** Not a type we read, or a file that is not what it claims to be (corrupt, truncated). */
  unsupportedMedia: 95104,
  transcriptionFailed: 95106,
  tooShort: 95109,
  sampleRateTooLow: 95112,
  tooLong: 95114,
  tooManyChannels: 95115,
} as const;

export type MediaFailureCode = (typeof MediaFailureCode)[keyof typeof MediaFailureCode];

export class MediaFailure extends Error {
  constructor(
    readonly code: MediaFailureCode,
    message: string,
  ) {
    super(message);
    this.name = 'MediaFailure';
  }
}

export const unsupportedMedia = (message: string) => new MediaFailure(MediaFailureCode.unsupportedMedia, message);
export const transcriptionFailed = (message: string) => new MediaFailure(MediaFailureCode.transcriptionFailed, message);
