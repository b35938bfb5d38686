// A chat model behind any OpenAI-compatible chat completions endpoint (OpenAI, vLLM, LocalAI,
// llama.cpp server, Ollama…), through the official `openai` client. Configured by LLM_BASE_URL,
// LLM_API_KEY, LLM_MODEL and LLM_TIMEOUT_MS; without LLM_BASE_URL there is no model.
import OpenAI from 'openai';

export interface LlmSettings {
  baseUrl: string;
  apiKey: string | null;
  model: string;
  timeoutMs: number;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export type ChatAnswer = { ok: true; text: string } | { ok: false; reason: string };

export interface ChatModel {
  readonly model: string;
  /** With `jsonSchema`, asks for response_format json_schema; the answer still needs validating. */
  complete(messages: ChatMessage[], options?: { jsonSchema?: Record<string, unknown> }): Promise<ChatAnswer>;
}

export const DEFAULT_LLM_MODEL = 'gpt-4o-mini';
export const DEFAULT_LLM_TIMEOUT_MS = 60_000;

/** null when LLM_BASE_URL is unset; throws a one-line message for a value that cannot work. */
export function llmSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): LlmSettings | null {
  const baseUrl = env.LLM_BASE_URL?.trim();
  if (baseUrl === undefined || baseUrl === '') return null;
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw new Error(`LLM_BASE_URL must be an http(s) URL, got "${baseUrl}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`LLM_BASE_URL must be an http(s) URL, got "${baseUrl}"`);
  const timeout = env.LLM_TIMEOUT_MS?.trim();
  const timeoutMs = timeout === undefined || timeout === '' ? DEFAULT_LLM_TIMEOUT_MS : Number(timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
    throw new Error(`LLM_TIMEOUT_MS must be a positive whole number of milliseconds, got "${timeout}"`);
  return {
    baseUrl,
    apiKey: env.LLM_API_KEY?.trim() || null,
    model: env.LLM_MODEL?.trim() || DEFAULT_LLM_MODEL,
    timeoutMs,
  };
}

function reasonOf(error: unknown, settings: LlmSettings): string {
  if (error instanceof OpenAI.APIConnectionTimeoutError) return `The language model did not answer within ${settings.timeoutMs} ms.`;
  if (error instanceof OpenAI.APIConnectionError) return `The language model at ${settings.baseUrl} could not be reached.`;
  if (error instanceof OpenAI.APIError) {
    const detail = error.message.slice(0, 300);
    return `The language model answered HTTP ${error.status ?? 'error'}: ${detail}`;
  }
  return `The language model call failed: ${(error as Error).message}`;
}

export function openAiChatModel(settings: LlmSettings): ChatModel {
  // Retries are ours to decide (an invalid answer is retried once); transport errors are not retried.
  const client = new OpenAI({
    baseURL: settings.baseUrl,
    apiKey: settings.apiKey ?? 'none',
    timeout: settings.timeoutMs,
    maxRetries: 0,
  });
  return {
    model: settings.model,
    async complete(messages, options = {}) {
      try {
        const completion = await client.chat.completions.create({
          model: settings.model,
          messages,
          temperature: 0,
          ...(options.jsonSchema === undefined
            ? {}
            : { response_format: { type: 'json_schema', json_schema: { name: 'result', schema: options.jsonSchema, strict: false } } }),
        });
        const text = completion.choices?.[0]?.message?.content;
        if (typeof text !== 'string' || text.trim() === '') return { ok: false, reason: 'The language model answered with no text.' };
        return { ok: true, text };
      } catch (error) {
        return { ok: false, reason: reasonOf(error, settings) };
      }
    },
  };
}
