// A transcript read once: every sentence tokenised by wink-nlp, with its speaker's role and
// sentiment. Every runner of the transcript shares this one reading.
import { readText, type Token } from '../engines/language/wink.js';
import type { Transcript, TranscriptSentence } from './types.js';

export interface AnalysedSentence extends TranscriptSentence {
  role: string;
  tokens: Token[];
  /** Tokens that are words or numbers (no punctuation or symbols). */
  words: Token[];
  /** Cheap pre-filter for entity recognition: capitals inside the sentence, digits, dates, entities. */
  mayHoldEntities: boolean;
}

export interface AnalysedTranscript {
  transcript: Transcript;
  sentences: AnalysedSentence[];
  wordCount: number;
  roleOf(channel: number): string;
}

const NOT_WORDS = new Set(['punctuation', 'symbol', 'tabCRLF', 'emoji', 'emoticon']);
const NUMERIC = new Set(['number', 'ordinal', 'time', 'currency', 'email', 'url']);
const ENTITY_WORDS = new Set(
  (
    'january february march april may june july august september october november december ' +
    'monday tuesday wednesday thursday friday saturday sunday today tomorrow yesterday tonight ' +
    'zero one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty ' +
    'sixty seventy eighty ninety hundred thousand million billion dollar dollars percent cents'
  ).split(' '),
);
const PRONOUN_I = /^I('|$)/;

/** Twilio marks sounds that are not speech with tags such as `[noise]`, `[music]`, `[hes]`. */
const isNonSpeechTag = (tokens: Token[], i: number): boolean => tokens[i - 1]?.value === '[' && tokens[i + 1]?.value === ']';

/** Channel 1 is the Agent and channel 2 the Customer unless the participants say otherwise. */
function roleResolver(transcript: Transcript): (channel: number) => string {
  const roles = new Map<number, string>();
  for (const participant of transcript.participants) {
    if (participant.role !== null && participant.role.trim() !== '') roles.set(participant.channelParticipant, participant.role);
  }
  return (channel) => roles.get(channel) ?? (channel === 1 ? 'Agent' : channel === 2 ? 'Customer' : `Participant ${channel}`);
}

function mayHoldEntities(words: Token[], hasEntity: boolean): boolean {
  if (hasEntity) return true;
  return words.some(
    (token, index) =>
      NUMERIC.has(token.type) ||
      /\d/.test(token.value) ||
      ENTITY_WORDS.has(token.normal) ||
      (index > 0 ? /^[A-Z]/.test(token.value) && !PRONOUN_I.test(token.value) : token.pos === 'PROPN'),
  );
}

export function analyse(transcript: Transcript): AnalysedTranscript {
  const roleOf = roleResolver(transcript);
  let wordCount = 0;
  const sentences = transcript.sentences.map((sentence): AnalysedSentence => {
    const read = readText(sentence.text);
    const words = read.tokens.filter((token, i) => !NOT_WORDS.has(token.type) && !isNonSpeechTag(read.tokens, i));
    wordCount += words.length;
    return {
      ...sentence,
      role: roleOf(sentence.mediaChannel),
      tokens: read.tokens,
      words,
      mayHoldEntities: mayHoldEntities(words, read.hasEntity),
    };
  });
  return { transcript, sentences, wordCount, roleOf };
}
