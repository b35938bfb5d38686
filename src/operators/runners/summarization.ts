// Summarization. With a language model: a short summary of the key points. Without one: an
// extractive summary — the conversation's most representative sentences, as said, in their order:
// each sentence scores the mean frequency of its content-word stems in the whole transcript, and
// the best max(1, min(5, ⌈n/10⌉)) sentences are kept, each with its speaker's role.
import type { ChatModel } from '../../engines/llm/chat.js';
import type { AnalysedSentence, AnalysedTranscript } from '../analysed-transcript.js';
import { promptMessages } from '../llm-prompt.js';
import { textGeneration } from '../results.js';
import type { Runner } from '../runner.js';
import { noResult, type RunOutcome } from '../types.js';

export const SUMMARY_PROMPT =
  'Summarize the conversation in a short paragraph: why the contact happened, the key points and ' +
  'information exchanged, and how it ended, with any next steps.';
const MAX_EXTRACTED = 5;

const contentStems = (sentence: AnalysedSentence) =>
  sentence.words.filter((token) => !token.stop && token.type === 'word' && token.normal.length > 2).map((token) => token.stem);

export function extractiveSummary(transcript: AnalysedTranscript): string {
  const frequency = new Map<string, number>();
  for (const sentence of transcript.sentences)
    for (const stem of contentStems(sentence)) frequency.set(stem, (frequency.get(stem) ?? 0) + 1);
  const scored = transcript.sentences
    .map((sentence, position) => {
      const stems = contentStems(sentence);
      const score = stems.length < 3 ? 0 : stems.reduce((sum, stem) => sum + frequency.get(stem)!, 0) / stems.length;
      return { sentence, position, score };
    })
    .filter((entry) => entry.score > 0);
  const keep = Math.max(1, Math.min(MAX_EXTRACTED, Math.ceil(transcript.sentences.length / 10)));
  return scored
    .sort((a, b) => b.score - a.score || a.position - b.position)
    .slice(0, keep)
    .sort((a, b) => a.position - b.position)
    .map(({ sentence }) => `${sentence.role}: ${sentence.text}`)
    .join('\n');
}

export function summarizationRunner(llm: ChatModel | null): Runner {
  return {
    name: 'summarization',
    usesModel: true,
    outputType: 'text-generation',
    checkConfig: () => [],
    async run(transcript: AnalysedTranscript): Promise<RunOutcome> {
      if (transcript.wordCount === 0) return noResult('The transcript has no words to summarize.');
      if (llm === null) {
        const summary = extractiveSummary(transcript);
        return summary === '' ? noResult('No sentence has enough content words for an extractive summary.') : textGeneration(summary);
      }
      const answer = await llm.complete(promptMessages(SUMMARY_PROMPT, [], transcript));
      return answer.ok ? textGeneration(answer.text.trim()) : noResult(answer.reason);
    },
  };
}
