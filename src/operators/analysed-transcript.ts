// A transcript read once: every sentence tokenised by wink-nlp, with its speaker's role and wink's
// entities. Every runner of the transcript shares this one reading.
import { readText, type Token, type WinkEntity } from '../engines/language/wink.js';
import type { Transcript, TranscriptSentence } from './types.js';

export interface AnalysedSentence extends TranscriptSentence {
  role: string;
  tokens: Token[];
  /** Tokens that are words or numbers (no punctuation or symbols). */
  words: Token[];
  /** wink's dates, times, numbers, amounts… found while reading. */
  entities: WinkEntity[];
}

export interface AnalysedTranscript {
  transcript: Transcript;
  sentences: AnalysedSentence[];
  wordCount: number;
  roleOf(channel: number): string;
}

const NOT_WORDS = new Set(['punctuation', 'symbol', 'tabCRLF', 'emoji', 'emoticon']);
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
      entities: read.entities,
    };
  });
  return { transcript, sentences, wordCount, roleOf };
}
