// The pocketsphinx engine's real-time factor (issue 22): call-centre sentences spoken by Debian's
// flite at 8 kHz, decoded and recognised as the transcript job does; time spent ÷ audio length.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pocketsphinxEngine, pocketsphinxInstalled } from '../src/engines/speech/pocketsphinx.js';
import { transcribeAudio } from '../src/engines/speech/transcribe.js';
import { decodeAudioFile } from '../src/media/audio/decode.js';
import { createThreadPool } from '../src/threads.js';

export interface SpeechFigures {
  audioSeconds: number;
  recogniseSeconds: number;
  realTimeFactor: number;
  words: number;
}

const SCRIPT =
  'Thank you for calling customer support, my name is Anna. How can I help you today? ' +
  'I would like to ask about a refund for my last order. I was charged twice for the same delivery. ' +
  'I am sorry to hear that. Can you give me the order number please? ' +
  'Sure, it is four five six seven eight. Thank you, I can see the second charge on your account. ' +
  'I will send the refund today, and you should see it within five business days. Is there anything else I can help you with?';

export async function measureSpeech(say: (line: string) => void): Promise<SpeechFigures | null> {
  if (!pocketsphinxInstalled()) {
    say('pocketsphinx: not installed here (apt-get install pocketsphinx pocketsphinx-en-us); real-time factor not measured');
    return null;
  }
  const directory = await mkdtemp(join(tmpdir(), 'intelligence-bench-speech-'));
  // Where the engine resamples audio that is neither 8 nor 16 kHz (not this 8 kHz speech).
  const threads = createThreadPool(1);
  try {
    const wav = join(directory, 'call.wav');
    await promisify(execFile)('flite', ['-voice', 'kal', '-t', SCRIPT, '-o', wav]);
    const started = performance.now();
    const audio = await decodeAudioFile(wav, 'wav', join(directory, 'decoded'));
    const sentences = await transcribeAudio(pocketsphinxEngine(threads), audio, 'en-US');
    const recogniseSeconds = (performance.now() - started) / 1000;
    const audioSeconds = audio.durationSeconds;
    const figures = {
      audioSeconds,
      recogniseSeconds,
      realTimeFactor: recogniseSeconds / audioSeconds,
      words: sentences.reduce((sum, sentence) => sum + sentence.words.length, 0),
    };
    say(
      `pocketsphinx: ${audioSeconds.toFixed(1)} s of 8 kHz speech recognised in ${recogniseSeconds.toFixed(2)} s (real-time factor ${figures.realTimeFactor.toFixed(3)}), ${figures.words} words`,
    );
    return figures;
  } finally {
    await threads.close();
    await rm(directory, { recursive: true, force: true });
  }
}
