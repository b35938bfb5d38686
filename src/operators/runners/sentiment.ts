// Sentiment Analysis with wink-nlp's lexicon sentiment (with negation), courtesy removed, per
// sentence: positive above +0.1, negative below -0.1, else neutral. Evidence: positive = P, negative
// = N, mixed = 2·min(P, N), neutral = max(1, U/4) — neutral talk dominates calls, so four neutral
// sentences weigh as one opinionated one, and one opinionated sentence alone does not outweigh the
// floor of 1. Probabilities are the evidence normalised; the label is the strongest (ties in the
// order neutral, positive, negative, mixed).
import { sentimentOf } from '../../engines/language/wink.js';
import type { AnalysedTranscript } from '../analysed-transcript.js';
import { conversationClassify } from '../results.js';
import type { Runner } from '../runner.js';
import { noResult, type RunOutcome } from '../types.js';

export const SENTIMENT_LABELS = ['neutral', 'positive', 'negative', 'mixed'] as const;
const THRESHOLD = 0.1;
const NEUTRAL_SENTENCES_PER_VOTE = 4;

export function classifySentiment(transcript: AnalysedTranscript): RunOutcome {
  const spoken = transcript.sentences.filter((sentence) => sentence.words.length > 0);
  if (spoken.length === 0) return noResult('The transcript has no words to classify.');
  let positive = 0;
  let negative = 0;
  for (const sentence of spoken) {
    const score = sentimentOf(sentence.text);
    if (score > THRESHOLD) positive++;
    else if (score < -THRESHOLD) negative++;
  }
  const neutral = spoken.length - positive - negative;
  const evidence = {
    neutral: Math.max(1, neutral / NEUTRAL_SENTENCES_PER_VOTE),
    positive,
    negative,
    mixed: 2 * Math.min(positive, negative),
  };
  const total = evidence.neutral + evidence.positive + evidence.negative + evidence.mixed;
  let label: (typeof SENTIMENT_LABELS)[number] = 'neutral';
  for (const candidate of SENTIMENT_LABELS) if (evidence[candidate] > evidence[label]) label = candidate;
  return conversationClassify(label, Object.fromEntries(SENTIMENT_LABELS.map((l) => [l, evidence[l] / total])));
}

export const sentimentRunner: Runner = {
  name: 'sentiment',
  outputType: 'text-classification',
  checkConfig: () => [],
  run: classifySentiment,
};
