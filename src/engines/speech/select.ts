// Which speech engine runs (TRANSCRIPTS.md §4): TRANSCRIBER = openai | pocketsphinx | none; unset,
// openai when TRANSCRIBER_URL is set, else pocketsphinx when installed, else none.
import type { ThreadPool } from '../../jobs/threads.js';
import { transcriptionFailed } from '../../media/failure.js';
import type { SpeechEngine } from './engine.js';
import { openAiEngine } from './openai.js';
import { pocketsphinxEngine, pocketsphinxInstalled } from './pocketsphinx.js';

export const TRANSCRIBERS = ['openai', 'pocketsphinx', 'none'] as const;
export type TranscriberName = (typeof TRANSCRIBERS)[number];

export const NO_TRANSCRIBER_MESSAGE =
  'Transcription failed: no speech recogniser is configured. Set TRANSCRIBER_URL to an OpenAI-compatible ' +
  "server (POST /v1/audio/transcriptions; TRANSCRIBER_API_KEY, TRANSCRIBER_MODEL), or install Debian's " +
  'pocketsphinx and pocketsphinx-en-us (TRANSCRIBER=pocketsphinx)';

export type SpeechEnv = Partial<Record<'TRANSCRIBER' | 'TRANSCRIBER_URL' | 'TRANSCRIBER_API_KEY' | 'TRANSCRIBER_MODEL', string>>;

/** The engine TRANSCRIBER names (or the default one); throws for an unknown name or openai without a URL. */
export function checkSpeechEnv(env: SpeechEnv = process.env): TranscriberName {
  const name = env.TRANSCRIBER?.trim() || defaultTranscriber(env);
  if (!(TRANSCRIBERS as readonly string[]).includes(name)) {
    throw new Error(`TRANSCRIBER must be one of ${TRANSCRIBERS.join(', ')}, got "${name}"`);
  }
  if (name === 'openai' && !env.TRANSCRIBER_URL) {
    throw new Error("TRANSCRIBER=openai needs TRANSCRIBER_URL (the server's base URL, e.g. http://127.0.0.1:8000/v1)");
  }
  return name as TranscriberName;
}

/**
 * Throws (a configuration error, at start-up) for an unknown TRANSCRIBER or openai without a URL.
 * `threads`: the process's worker threads, for the engine's CPU-heavy audio work.
 */
export function selectSpeechEngine(threads: ThreadPool, env: SpeechEnv = process.env): SpeechEngine {
  switch (checkSpeechEnv(env)) {
    case 'openai':
      return openAiEngine({ url: env.TRANSCRIBER_URL!, apiKey: env.TRANSCRIBER_API_KEY, model: env.TRANSCRIBER_MODEL });
    case 'pocketsphinx':
      return pocketsphinxEngine(threads);
    case 'none':
      return noEngine;
  }
}

function defaultTranscriber(env: SpeechEnv): TranscriberName {
  if (env.TRANSCRIBER_URL) return 'openai';
  return pocketsphinxInstalled() ? 'pocketsphinx' : 'none';
}

const noEngine: SpeechEngine = {
  name: 'none',
  transcribe: async () => {
    throw transcriptionFailed(NO_TRANSCRIBER_MESSAGE);
  },
};
