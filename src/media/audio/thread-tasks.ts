// The audio tasks' bodies, run on a worker thread (see off-thread.ts); each loads its module when
// first run, so that a thread that never decodes never loads the decoders.
import { implement } from '../../jobs/thread-host.js';
import { decodeAudioTask, redactAudioTask, resampleAudioTask } from './off-thread.js';

export const audioThreadTasks = [
  implement(decodeAudioTask, async ({ path, type, outputDirectory }) =>
    (await import('./decode.js')).decodeAudioFile(path, type, outputDirectory),
  ),
  implement(redactAudioTask, async ({ audio, ranges, outputPath }) => (await import('./redact.js')).redactToWav(audio, ranges, outputPath)),
  implement(resampleAudioTask, async ({ input, output, fromRate, toRate }) =>
    (await import('./resample.js')).resampleChannelFile(input, output, fromRate, toRate),
  ),
];
