// LLM_BASE_URL, LLM_API_KEY, LLM_MODEL and LLM_TIMEOUT_MS read and checked, apart from the client:
// configuration reads them at every start, and the `openai` module takes ~0.25 s to load.
export interface LlmSettings {
  baseUrl: string;
  apiKey: string | null;
  model: string;
  timeoutMs: number;
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
