// The `openai` engine: any OpenAI-compatible POST /v1/audio/transcriptions (speaches, whisper.cpp
// server, LocalAI, OpenAI) with verbose_json and segment + word timestamps, one request per channel.
import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import OpenAI, { APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { transcriptionFailed } from '../../media/failure.js';
import { wavHeader } from '../../media/audio/wav.js';
import type { WordRecord } from '../../media/documents/sentence.js';
import { type RecognisedSentence, type SpeechEngine, type SpeechInput, clamp01, mean } from './engine.js';

export interface OpenAiEngineOptions {
  /** TRANSCRIBER_URL: the server's base URL, with or without the trailing /v1. */
  url: string;
  /** TRANSCRIBER_API_KEY (servers on a private network often need none). */
  apiKey?: string;
  /** TRANSCRIBER_MODEL. */
  model?: string;
  /** Per request (one channel); default 10 minutes. */
  timeoutMs?: number;
  /** Retries of a failed or timed-out request, with the client's backoff; default 2. */
  maxRetries?: number;
}

export const DEFAULT_OPENAI_MODEL = 'whisper-1';

interface VerboseWord {
  word: string;
  start: number;
  end: number;
  probability?: number;
}
interface VerboseSegment {
  start: number;
  end: number;
  text: string;
  avg_logprob?: number;
}

export function openAiEngine(options: OpenAiEngineOptions): SpeechEngine {
  const baseURL = options.url.replace(/\/+$/, '').replace(/(?<!\/v1)$/, '/v1');
  const client = new OpenAI({
    baseURL,
    apiKey: options.apiKey || 'none',
    timeout: options.timeoutMs ?? 10 * 60_000,
    maxRetries: options.maxRetries ?? 2,
  });
  const model = options.model || DEFAULT_OPENAI_MODEL;

  return {
    name: 'openai',
    async transcribe(input: SpeechInput): Promise<RecognisedSentence[]> {
      // The channel stays on disk: the upload reads it as it is sent.
      const { size } = await stat(input.pcmFile);
      const file = new File([new Uint8Array(wavHeader(input.sampleRate, 1, size)), await openAsBlob(input.pcmFile)], 'channel.wav', {
        type: 'audio/wav',
      });
      let response: unknown;
      try {
        response = await client.audio.transcriptions.create(
          {
            file,
            model,
            language: input.languageCode.split('-')[0]!.toLowerCase(),
            response_format: 'verbose_json',
            timestamp_granularities: ['segment', 'word'],
          },
          { signal: input.signal },
        );
      } catch (error) {
        if (error instanceof APIUserAbortError) throw input.signal?.reason ?? error;
        throw transcriptionFailed(`Transcription failed: ${describe(error, baseURL, options.timeoutMs ?? 10 * 60_000)}`);
      }
      return sentencesOf(response, baseURL);
    },
  };
}

function describe(error: unknown, baseURL: string, timeoutMs: number): string {
  const where = `the transcriber at ${baseURL}/audio/transcriptions`;
  if (error instanceof APIConnectionTimeoutError) return `${where} did not answer within ${timeoutMs / 1000} s`;
  if (error instanceof APIError && error.status !== undefined) return `${where} answered ${error.status}: ${error.message}`;
  return `${where} could not be reached: ${(error as Error).message}`;
}

/** verbose_json → one sentence per segment, with the words whose middle falls inside it. */
function sentencesOf(response: unknown, baseURL: string): RecognisedSentence[] {
  const body = response as { segments?: unknown; words?: unknown };
  if (typeof response !== 'object' || response === null || !Array.isArray(body.segments)) {
    throw transcriptionFailed(`Transcription failed: the transcriber at ${baseURL} answered without verbose_json segments`);
  }
  const segments = body.segments.filter(isSegment);
  const words = Array.isArray(body.words) ? body.words.filter(isWord) : [];
  return segments
    .map((segment, index): RecognisedSentence => {
      const next = segments[index + 1];
      const inside = words.filter((word) => {
        const middle = (word.start + word.end) / 2;
        return middle >= segment.start && (next === undefined ? true : middle < next.start);
      });
      const wordRecords: WordRecord[] =
        inside.length > 0
          ? inside.map((word) => ({ word: word.word.trim(), startTime: word.start, endTime: word.end }))
          : segment.text
              .trim()
              .split(/\s+/)
              .filter(Boolean)
              .map((word) => ({ word, startTime: null, endTime: null }));
      const probabilities = inside.flatMap((word) => (typeof word.probability === 'number' ? [word.probability] : []));
      const confidence = mean(probabilities) ?? (typeof segment.avg_logprob === 'number' ? Math.exp(segment.avg_logprob) : null);
      return {
        startTime: segment.start,
        endTime: segment.end,
        confidence: confidence === null ? null : clamp01(confidence),
        transcript: segment.text.trim(),
        words: wordRecords.filter((word) => word.word.length > 0),
      };
    })
    .filter((sentence) => sentence.transcript.length > 0);
}

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

const isSegment = (value: unknown): value is VerboseSegment => {
  const segment = value as VerboseSegment;
  return (
    typeof value === 'object' &&
    value !== null &&
    isFiniteNumber(segment.start) &&
    isFiniteNumber(segment.end) &&
    typeof segment.text === 'string'
  );
};

const isWord = (value: unknown): value is VerboseWord => {
  const word = value as VerboseWord;
  return (
    typeof value === 'object' && value !== null && isFiniteNumber(word.start) && isFiniteNumber(word.end) && typeof word.word === 'string'
  );
};
