// What the server says at start-up when no language model is configured (TRANSCRIPTS.md §6): once,
// from here, so that saying it does not load the operators and their language engines.
import type { FastifyBaseLogger } from 'fastify';
import type { LlmSettings } from '../engines/llm/settings.js';

export const NO_LANGUAGE_MODEL_WARNING =
  'No language model is configured (LLM_BASE_URL is unset): Generative and GenerativeJSON operators will produce no result, ' +
  'and Summarization gives an extractive summary.';

export function warnWithoutLanguageModel(llm: LlmSettings | null, log: Pick<FastifyBaseLogger, 'warn'>): void {
  if (llm === null) log.warn(NO_LANGUAGE_MODEL_WARNING);
}
