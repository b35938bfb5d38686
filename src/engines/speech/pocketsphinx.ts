// The `pocketsphinx` engine: Debian's pocketsphinx_continuous as a child process (off the event
// loop, with a timeout), reading the channel's raw PCM file. 8 kHz (phone-band) audio uses the 8 kHz acoustic model
// shipped in npm soundswallower; 16 kHz audio Debian's own; other rates are resampled to the nearer.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { lowerProcessPriority } from '../../jobs/priority.js';
import type { ThreadPool } from '../../jobs/threads.js';
import { transcriptionFailed } from '../../media/failure.js';
import { resampleChannelFileOffThread } from '../../media/audio/off-thread.js';
import { type RecognisedSentence, type SpeechEngine, type SpeechInput, clamp01, mean } from './engine.js';

export interface PocketsphinxOptions {
  binary?: string;
  /** Debian's pocketsphinx-en-us: the 16 kHz acoustic model, the dictionary and the language model. */
  modelDirectory?: string;
  /** The 8 kHz acoustic model (default: the one in npm soundswallower). */
  phoneModelDirectory?: string;
  /** Per channel; default 60 s plus twice the audio's length. */
  timeoutMs?: number;
}

export const POCKETSPHINX_BINARY = 'pocketsphinx_continuous';
export const DEBIAN_MODEL_DIRECTORY = '/usr/share/pocketsphinx/model/en-us';

/** soundswallower's package exposes no package.json, so its model is found from its entry point. */
export function soundswallowerModelDirectory(): string {
  return join(dirname(createRequire(import.meta.url).resolve('soundswallower')), 'model', 'en-us');
}

/** The 8 kHz model's feature settings (its feat_params.json), which pocketsphinx 5prealpha takes as flags. */
const PHONE_BAND_FLAGS = [
  '-samprate',
  '8000',
  '-nfft',
  '256',
  '-lowerf',
  '130',
  '-upperf',
  '3700',
  '-nfilt',
  '20',
  '-transform',
  'dct',
  '-lifter',
  '22',
  '-feat',
  '1s_c_d_dd',
  '-svspec',
  '0-12/13-25/26-38',
  '-cmn',
  'batch',
  '-varnorm',
  'no',
  '-remove_noise',
  'yes',
];

/**
 * Phone lookahead and a cap on active HMMs per frame: a third less CPU than the defaults on flite
 * speech (8 kHz: 0.31 vs 0.44 CPU-seconds per second of audio on a loaded machine), the same words.
 */
const SPEED_FLAGS = ['-pl_window', '10', '-maxhmmpf', '3000'];

/** A word line of `-time yes` output: word, start and end seconds, posterior probability. */
const WORD_LINE = /^(\S+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/;

export function pocketsphinxInstalled(options: PocketsphinxOptions = {}): boolean {
  const model = options.modelDirectory ?? DEBIAN_MODEL_DIRECTORY;
  const onPath = (process.env.PATH ?? '')
    .split(':')
    .some((directory) => directory && existsSync(join(directory, options.binary ?? POCKETSPHINX_BINARY)));
  return onPath && existsSync(join(model, 'en-us.lm.bin')) && existsSync(join(model, 'cmudict-en-us.dict'));
}

/** `threads`: the process's worker threads, where audio that is neither 8 nor 16 kHz is resampled. */
export function pocketsphinxEngine(threads: ThreadPool, options: PocketsphinxOptions = {}): SpeechEngine {
  const binary = options.binary ?? POCKETSPHINX_BINARY;
  const model = options.modelDirectory ?? DEBIAN_MODEL_DIRECTORY;
  const phoneModel = options.phoneModelDirectory ?? soundswallowerModelDirectory();

  return {
    name: 'pocketsphinx',
    async transcribe(input: SpeechInput): Promise<RecognisedSentence[]> {
      if (!/^en(-|$)/i.test(input.languageCode)) {
        throw transcriptionFailed(
          `Transcription failed: pocketsphinx has an English model only, not ${input.languageCode}; configure TRANSCRIBER=openai for other languages`,
        );
      }
      const rate = input.sampleRate < 16000 ? 8000 : 16000;
      const pcmFile = rate === input.sampleRate ? input.pcmFile : `${input.pcmFile}.${rate}.pcm`;
      const common = [
        '-infile',
        pcmFile,
        '-time',
        'yes',
        '-logfn',
        '/dev/null',
        '-dict',
        join(model, 'cmudict-en-us.dict'),
        '-lm',
        join(model, 'en-us.lm.bin'),
        ...SPEED_FLAGS,
      ];
      const args =
        rate === 8000
          ? [...common, '-hmm', phoneModel, '-fdict', join(phoneModel, 'noisedict.txt'), ...PHONE_BAND_FLAGS]
          : [...common, '-hmm', join(model, 'en-us')];
      try {
        if (pcmFile !== input.pcmFile)
          await resampleChannelFileOffThread(threads, input.pcmFile, pcmFile, input.sampleRate, rate, input.signal);
        const seconds = await pcmSeconds(pcmFile, rate);
        const output = await run(binary, args, options.timeoutMs ?? 60_000 + seconds * 2000, input.signal);
        return parseTimedOutput(output);
      } finally {
        if (pcmFile !== input.pcmFile) await rm(pcmFile, { force: true });
      }
    },
  };
}

async function pcmSeconds(file: string, rate: number): Promise<number> {
  return (await stat(file)).size / 2 / rate;
}

function run(binary: string, args: string[], timeoutMs: number, signal?: AbortSignal): Promise<string> {
  signal?.throwIfAborted();
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    // Recognition is background work: the event loop's requests come first when both want the CPU.
    lowerProcessPriority(child.pid);
    const stdout: Buffer[] = [];
    let stderr = '';
    let failure: Error | undefined;
    const stop = (error: Error) => {
      failure ??= error;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(
      () => stop(transcriptionFailed(`Transcription failed: pocketsphinx did not finish within ${Math.round(timeoutMs / 1000)} s`)),
      timeoutMs,
    );
    const onAbort = () => stop(signal!.reason as Error);
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    child.once('error', (error) => stop(transcriptionFailed(`Transcription failed: ${binary} could not be started (${error.message})`)));
    child.once('close', (code) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (failure) return reject(failure);
      if (code !== 0)
        return reject(
          transcriptionFailed(
            `Transcription failed: pocketsphinx exited with code ${code}${stderr ? `: ${stderr.trim().split('\n').pop()}` : ''}`,
          ),
        );
      resolve(Buffer.concat(stdout).toString('utf8'));
    });
  });
}

/** `-time yes` output → one sentence per utterance (what the recogniser's voice activity detection split). */
export function parseTimedOutput(output: string): RecognisedSentence[] {
  const sentences: RecognisedSentence[] = [];
  let words: { word: string; startTime: number; endTime: number; probability: number }[] = [];
  const flush = () => {
    const first = words[0];
    const last = words.at(-1);
    if (first !== undefined && last !== undefined) {
      sentences.push({
        startTime: first.startTime,
        endTime: last.endTime,
        confidence: mean(words.map((word) => clamp01(word.probability))),
        transcript: words.map((word) => word.word).join(' '),
        words: words.map(({ word, startTime, endTime }) => ({ word, startTime, endTime })),
      });
    }
    words = [];
  };
  for (const line of output.split('\n')) {
    const match = WORD_LINE.exec(line.trim());
    if (!match) {
      flush();
      continue;
    }
    const [, token = '', start, end, probability] = match;
    if (token === '</s>') flush();
    // Sentence marks, silence and noise fillers (<s>, <sil>, [NOISE], ++…++) are not words.
    if (/^(<|\[|\+\+)/.test(token)) continue;
    words.push({ word: token.replace(/\(\d+\)$/, ''), startTime: Number(start), endTime: Number(end), probability: Number(probability) });
  }
  flush();
  return sentences;
}
