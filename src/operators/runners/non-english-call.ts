// Non English Call: eld identifies the language of each sentence; each reliable identification votes
// with the sentence's word count. EnglishConversation when English has at least half of the votes;
// the probabilities are the vote shares. Without a reliable sentence the whole text is identified
// at once; if that is not reliable either, there is no result.
import { identifyLanguage } from '../../engines/language/eld.js';
import type { AnalysedTranscript } from '../analysed-transcript.js';
import { conversationClassify } from '../results.js';
import type { Runner } from '../runner.js';
import { noResult, type RunOutcome } from '../types.js';

const ENGLISH = 'EnglishConversation';
const NON_ENGLISH = 'NonEnglishConversation';

export async function classifyLanguage(transcript: AnalysedTranscript): Promise<RunOutcome> {
  const spoken = transcript.sentences.filter((sentence) => sentence.words.length > 0);
  if (spoken.length === 0) return noResult('The transcript has no words whose language could be identified.');
  let english = 0;
  let total = 0;
  for (const sentence of spoken) {
    const guess = await identifyLanguage(sentence.text);
    if (!guess.reliable) continue;
    total += sentence.words.length;
    if (guess.language === 'en') english += sentence.words.length;
  }
  if (total === 0) {
    const whole = await identifyLanguage(spoken.map((sentence) => sentence.text).join(' '));
    if (!whole.reliable) return noResult('No sentence was long enough for its language to be identified reliably.');
    total = 1;
    english = whole.language === 'en' ? 1 : 0;
  }
  const share = english / total;
  return conversationClassify(share >= 0.5 ? ENGLISH : NON_ENGLISH, { [NON_ENGLISH]: 1 - share, [ENGLISH]: share });
}

export const nonEnglishCallRunner: Runner = {
  name: 'language-identification',
  outputType: 'text-classification',
  checkConfig: () => [],
  run: classifyLanguage,
};
