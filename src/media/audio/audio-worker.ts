// The body of an audio worker thread (see off-thread.ts): runs one task and posts its outcome.
import { parentPort, workerData } from 'node:worker_threads';
import { MediaFailure } from '../failure.js';
import { decodeAudioFile } from './decode.js';
import { redactToWav } from './redact.js';
import { resampleChannelFile } from './resample.js';
import type { AudioTask } from './off-thread.js';

async function run(task: AudioTask): Promise<unknown> {
  switch (task.kind) {
    case 'decode':
      return decodeAudioFile(task.path, task.type, task.outputDirectory);
    case 'redact':
      return redactToWav(task.audio, task.ranges, task.outputPath);
    case 'resample':
      return resampleChannelFile(task.input, task.output, task.fromRate, task.toRate);
  }
}

run(workerData as AudioTask).then(
  (result) => parentPort!.postMessage({ result }),
  (error: Error) =>
    parentPort!.postMessage({
      error: {
        name: error.name,
        message: error.message,
        code: error instanceof MediaFailure ? error.code : undefined,
        systemCode: (error as NodeJS.ErrnoException).code,
      },
    }),
);
