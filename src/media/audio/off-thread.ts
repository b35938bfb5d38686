// CPU-heavy audio work (decoding, resampling, redaction) on a worker thread, so that the HTTP event
// loop stays free: one short-lived worker per task; aborting terminates it (the task's own cleanup
// cannot run then, so the caller removes its output directory).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AudioType } from '../detect.js';
import { MediaFailure, type MediaFailureCode } from '../failure.js';
import type { DecodedAudio } from './pcm.js';
import type { SilenceRange } from './redact.js';

export type AudioTask =
  | { kind: 'decode'; path: string; type: AudioType; outputDirectory: string }
  | { kind: 'redact'; audio: DecodedAudio; ranges: SilenceRange[]; outputPath: string }
  | { kind: 'resample'; input: string; output: string; fromRate: number; toRate: number };

/**
 * The worker's entry beside this module: compiled (.js), or the source (.ts) under tsx, whose
 * loader a Node 20 worker does not inherit, so it is registered first.
 */
function startWorker(task: AudioTask): Worker {
  const compiled = fileURLToPath(new URL('./audio-worker.js', import.meta.url));
  if (existsSync(compiled)) return new Worker(compiled, { workerData: task });
  const source = new URL('./audio-worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: task });
}

function runTask<T>(task: AudioTask, signal?: AbortSignal): Promise<T> {
  signal?.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const worker = startWorker(task);
    let settled = false;
    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      action();
    };
    const onAbort = () => settle(() => void worker.terminate().then(() => reject(signal!.reason)));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.once(
      'message',
      (message: { result?: T; error?: { name: string; message: string; code?: MediaFailureCode; systemCode?: string } }) =>
        settle(() => {
          const { error } = message;
          if (!error) return resolve(message.result as T);
          if (error.code !== undefined) return reject(new MediaFailure(error.code, error.message));
          reject(Object.assign(new Error(error.message), { name: error.name, code: error.systemCode }));
        }),
    );
    worker.once('error', (error) => settle(() => reject(error)));
    worker.once('exit', (code) => settle(() => reject(new Error(`The audio worker stopped (exit code ${code}) before it answered`))));
  });
}

export const decodeAudioOffThread = (path: string, type: AudioType, outputDirectory: string, signal?: AbortSignal) =>
  runTask<DecodedAudio>({ kind: 'decode', path, type, outputDirectory }, signal);

export const redactToWavOffThread = (audio: DecodedAudio, ranges: SilenceRange[], outputPath: string, signal?: AbortSignal) =>
  runTask<void>({ kind: 'redact', audio, ranges, outputPath }, signal);

export const resampleChannelFileOffThread = (input: string, output: string, fromRate: number, toRate: number, signal?: AbortSignal) =>
  runTask<void>({ kind: 'resample', input, output, fromRate, toRate }, signal);
