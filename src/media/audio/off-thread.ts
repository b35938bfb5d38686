// CPU-heavy audio work (decoding, resampling, redaction) on the process's worker threads
// (src/jobs/threads.ts), so that the HTTP event loop stays free. Aborting terminates the thread
// running the task: the task's own cleanup cannot run then, so the caller removes its output.
import { reviveError, threadTask, type ReportedError, type ThreadPool } from '../../jobs/threads.js';
import type { AudioType } from '../detect.js';
import { MediaFailure, MediaFailureCode } from '../failure.js';
import type { DecodedAudio } from './pcm.js';
import type { SilenceRange } from './redact.js';

const MEDIA_FAILURE_CODES = new Set<unknown>(Object.values(MediaFailureCode));

/** A MediaFailure keeps its class and Twilio code across the thread; any other error (ENOENT…) its `code`. */
const reviveMediaFailure = (error: ReportedError): Error =>
  error.name === 'MediaFailure' && MEDIA_FAILURE_CODES.has(error.fields.code)
    ? new MediaFailure(error.fields.code as MediaFailureCode, error.message)
    : reviveError(error);

export const decodeAudioTask = threadTask<{ path: string; type: AudioType; outputDirectory: string }, DecodedAudio>(
  'audio.decode',
  reviveMediaFailure,
);
export const redactAudioTask = threadTask<{ audio: DecodedAudio; ranges: SilenceRange[]; outputPath: string }, void>(
  'audio.redact',
  reviveMediaFailure,
);
export const resampleAudioTask = threadTask<{ input: string; output: string; fromRate: number; toRate: number }, void>(
  'audio.resample',
  reviveMediaFailure,
);

export const decodeAudioOffThread = (threads: ThreadPool, path: string, type: AudioType, outputDirectory: string, signal?: AbortSignal) =>
  threads.run(decodeAudioTask, { path, type, outputDirectory }, { signal });

export const redactToWavOffThread = (
  threads: ThreadPool,
  audio: DecodedAudio,
  ranges: SilenceRange[],
  outputPath: string,
  signal?: AbortSignal,
) => threads.run(redactAudioTask, { audio, ranges, outputPath }, { signal });

export const resampleChannelFileOffThread = (
  threads: ThreadPool,
  input: string,
  output: string,
  fromRate: number,
  toRate: number,
  signal?: AbortSignal,
) => threads.run(resampleAudioTask, { input, output, fromRate, toRate }, { signal });
