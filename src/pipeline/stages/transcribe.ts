// Stage 3 for audio: decode (on a worker thread, with Twilio's limits) into PCM channels in the
// scratch directory, then recognise each channel with the configured speech engine.
import { join } from 'node:path';
import { transcribeAudio } from '../../engines/speech/transcribe.js';
import type { SpeechEngine } from '../../engines/speech/engine.js';
import type { ThreadPool } from '../../jobs/threads.js';
import { decodeAudioOffThread } from '../../media/audio/off-thread.js';
import type { AudioType } from '../../media/detect.js';
import type { Run } from '../context.js';
import { type Recognised, wholeSeconds } from './sentences.js';

export async function transcribeStage(
  threads: ThreadPool,
  speech: SpeechEngine,
  path: string,
  type: AudioType,
  run: Run,
): Promise<Recognised> {
  const audio = await decodeAudioOffThread(threads, path, type, join(run.scratch, 'decoded'), run.signal);
  const sentences = await transcribeAudio(speech, audio, run.transcript.languageCode, run.signal);
  return { sentences, durationSeconds: wholeSeconds(audio.durationSeconds), audio };
}
