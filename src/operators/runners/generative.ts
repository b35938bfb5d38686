// Generative: the language model answers the operator's prompt about the conversation in free text.
// Without a model configured, or when the call fails, there is no result and the reason says why.
import type { ChatModel } from '../../engines/llm/chat.js';
import type { AnalysedTranscript } from '../analysed-transcript.js';
import { promptMessages, readExamples } from '../llm-prompt.js';
import { textGeneration } from '../results.js';
import { isObject, type Runner } from '../runner.js';
import { noResult, type RunOutcome } from '../types.js';

export const NO_LLM_REASON = 'No language model is configured (set LLM_BASE_URL, and LLM_MODEL, LLM_API_KEY as needed).';

export function readPrompt(config: unknown): string | null {
  return isObject(config) && typeof config.prompt === 'string' && config.prompt.trim() !== '' ? config.prompt : null;
}

export function generativeRunner(llm: ChatModel | null): Runner {
  return {
    name: 'generative',
    usesModel: true,
    outputType: 'text-generation',
    checkConfig: (config) => (readPrompt(config) === null ? ['prompt must be a non-blank string'] : []),
    async run(transcript: AnalysedTranscript, config: unknown): Promise<RunOutcome> {
      if (llm === null) return noResult(NO_LLM_REASON);
      const prompt = readPrompt(config);
      if (prompt === null) return noResult("The operator's configuration cannot be used: prompt must be a non-blank string");
      const answer = await llm.complete(promptMessages(prompt, readExamples(isObject(config) ? config.examples : undefined), transcript));
      return answer.ok ? textGeneration(answer.text.trim()) : noResult(answer.reason);
    },
  };
}
