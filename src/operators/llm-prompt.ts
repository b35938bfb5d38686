// The messages sent to the language model: the operator's instructions, its examples as earlier
// exchanges, then the conversation with each sentence's speaker role. Like Twilio, only about the
// first 90,000 words of a transcript are sent.
import type { ChatMessage } from '../engines/llm/chat.js';
import type { AnalysedTranscript } from './analysed-transcript.js';
import { isObject } from './runner.js';

export const MAX_PROMPT_WORDS = 90_000;

export interface Example {
  input: string;
  output: string;
}

const SYSTEM =
  'You analyse a recorded conversation between the participants named by their roles. ' +
  'Answer only from what is said in the conversation. The operator asks:\n\n';

/** "Role: sentence" lines, cut after the sentence that reaches MAX_PROMPT_WORDS. */
export function conversationText(transcript: AnalysedTranscript): string {
  const lines: string[] = [];
  let words = 0;
  for (const sentence of transcript.sentences) {
    if (words >= MAX_PROMPT_WORDS) break;
    words += sentence.words.length;
    lines.push(`${sentence.role}: ${sentence.text}`);
  }
  return lines.join('\n');
}

export function readExamples(value: unknown): Example[] {
  if (!Array.isArray(value)) return [];
  return value.filter((e): e is Example => isObject(e) && typeof e.input === 'string' && typeof e.output === 'string');
}

export function promptMessages(
  prompt: string,
  examples: readonly Example[],
  transcript: AnalysedTranscript,
  answerRule = '',
): ChatMessage[] {
  const messages: ChatMessage[] = [{ role: 'system', content: `${SYSTEM}${prompt}${answerRule === '' ? '' : `\n\n${answerRule}`}` }];
  for (const example of examples) {
    messages.push({ role: 'user', content: `Conversation:\n${example.input}` });
    messages.push({ role: 'assistant', content: example.output });
  }
  messages.push({ role: 'user', content: `Conversation:\n${conversationText(transcript)}` });
  return messages;
}
