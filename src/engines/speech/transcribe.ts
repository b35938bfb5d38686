// Decoded audio → the transcript's sentences: each channel recognised on its own (its media_channel),
// then all sentences in time order across channels.
import { type MediaChannel, type WordedSentence, orderSentences } from '../../media/documents/sentence.js';
import type { DecodedAudio } from '../../media/audio/pcm.js';
import type { SpeechEngine } from './engine.js';

export async function transcribeAudio(
  engine: SpeechEngine,
  audio: DecodedAudio,
  languageCode: string,
  signal?: AbortSignal,
): Promise<WordedSentence[]> {
  const sentences: WordedSentence[] = [];
  for (const [index, pcmFile] of audio.channelFiles.entries()) {
    const mediaChannel = (index + 1) as MediaChannel;
    const recognised = await engine.transcribe({ pcmFile, sampleRate: audio.sampleRate, languageCode, signal });
    for (const sentence of recognised) sentences.push({ mediaChannel, ...sentence });
  }
  return orderSentences(sentences);
}
