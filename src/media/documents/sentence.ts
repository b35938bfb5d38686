// The sentences a transcript keeps, whichever way they were made (a document parsed, speech
// recognised): the store numbers them (sentence_index) in the order given here.

export type MediaChannel = 1 | 2;

export interface WordRecord {
  word: string;
  /** Seconds from the start of the media; null when the source gave no time. */
  startTime: number | null;
  endTime: number | null;
}

export interface SentenceRecord {
  mediaChannel: MediaChannel;
  /** Seconds from the start of the media; null when unknown. */
  startTime: number | null;
  endTime: number | null;
  /** 0–1; null when unknown. */
  confidence: number | null;
  transcript: string;
  /** Null when the source gave the text alone: the words are the text's (wordsOf), without times. */
  words: WordRecord[] | null;
}

/** A sentence whose words are given (a recogniser's, with times). */
export interface WordedSentence extends SentenceRecord {
  words: WordRecord[];
}

/** A transcript's participant as given in the Channel parameter (only what maps speakers to channels). */
export interface Participant {
  channel_participant: MediaChannel;
  role?: string | null;
  full_name?: string | null;
}

/** By start time across channels (unknown times last), ties kept in input order: Twilio's sentence order. */
export function orderSentences<S extends SentenceRecord>(sentences: S[]): S[] {
  if (sentences.every((sentence, index) => index === 0 || startKey(sentences[index - 1]!) <= startKey(sentence))) return sentences;
  return sentences
    .map((sentence, position) => ({ sentence, position }))
    .sort((a, b) => startKey(a.sentence) - startKey(b.sentence) || a.position - b.position)
    .map(({ sentence }) => sentence);
}

const startKey = (sentence: SentenceRecord) => sentence.startTime ?? Number.POSITIVE_INFINITY;

/** Words of a sentence's text, without times (documents that give text only). */
export const wordsOf = (text: string): WordRecord[] =>
  text
    .split(/\s+/)
    .filter((word) => word.length > 0)
    .map((word) => ({ word, startTime: null, endTime: null }));

/** A sentence's words: those given, or the text's. */
export const sentenceWords = (sentence: SentenceRecord): WordRecord[] => sentence.words ?? wordsOf(sentence.transcript);
