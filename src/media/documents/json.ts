// JSON transcript documents (TRANSCRIPTS.md §3): {"sentences": [...]} in the Sentences API's own
// shape, so a page fetched from Twilio replays as is (times as decimal strings or numbers).
import { MediaFailure, MediaFailureCode, unsupportedMedia } from '../failure.js';
import { type SentenceRecord, type WordRecord, orderSentences } from './sentence.js';

export function parseSentencesJson(text: string): SentenceRecord[] {
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw unsupportedMedia(`Invalid JSON sentences document: ${(error as Error).message}`);
  }
  if (!isObject(document) || !Array.isArray(document.sentences)) {
    throw unsupportedMedia('Invalid JSON sentences document: expected an object with a "sentences" array');
  }
  if (document.sentences.length === 0) {
    throw new MediaFailure(MediaFailureCode.tooShort, 'The JSON sentences document has no sentences (empty media)');
  }
  return orderSentences(document.sentences.map((sentence, index) => readSentence(sentence, `sentences[${index}]`)));
}

function readSentence(value: unknown, path: string): SentenceRecord {
  if (!isObject(value)) throw invalid(path, 'must be an object');
  const mediaChannel = value.media_channel ?? 1;
  if (mediaChannel !== 1 && mediaChannel !== 2) throw invalid(`${path}.media_channel`, 'must be 1 or 2');
  if (typeof value.transcript !== 'string') throw invalid(`${path}.transcript`, 'must be a string');
  const startTime = seconds(value.start_time, `${path}.start_time`);
  const endTime = seconds(value.end_time, `${path}.end_time`);
  if (startTime !== null && endTime !== null && endTime < startTime) throw invalid(`${path}.end_time`, 'is before start_time');
  const confidence = optionalNumber(value.confidence, `${path}.confidence`);
  if (confidence !== null && (confidence < 0 || confidence > 1)) throw invalid(`${path}.confidence`, 'must be between 0 and 1');
  const words = value.words === undefined || value.words === null ? null : readWords(value.words, `${path}.words`);
  return { mediaChannel: mediaChannel, startTime, endTime, confidence, transcript: value.transcript, words };
}

function readWords(value: unknown, path: string): WordRecord[] {
  if (!Array.isArray(value)) throw invalid(path, 'must be an array');
  return value.map((word, index) => {
    const at = `${path}[${index}]`;
    if (!isObject(word)) throw invalid(at, 'must be an object');
    if (typeof word.word !== 'string') throw invalid(`${at}.word`, 'must be a string');
    const startTime = seconds(word.start_time, `${at}.start_time`);
    const endTime = seconds(word.end_time, `${at}.end_time`);
    if (startTime !== null && endTime !== null && endTime < startTime) throw invalid(`${at}.end_time`, 'is before start_time');
    return { word: word.word, startTime, endTime };
  });
}

function seconds(value: unknown, path: string): number | null {
  const number = optionalNumber(value, path);
  if (number !== null && number < 0) throw invalid(path, 'must not be negative');
  return number;
}

/** A JSON number or a decimal string ("1.36", as the Sentences API writes times); null or absent → null. */
function optionalNumber(value: unknown, path: string): number | null {
  if (value === undefined || value === null) return null;
  const number = typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) throw invalid(path, 'must be a number or a decimal string');
  return number;
}

const invalid = (path: string, problem: string) => unsupportedMedia(`Invalid JSON sentences document: ${path} ${problem}`);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
