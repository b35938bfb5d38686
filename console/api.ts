// The console's only way to the server: the public /v2 API with HTTP Basic, as any client. The
// credentials live in sessionStorage (gone with the tab), never in a URL.
import type { OperatorResultBody } from '../src/operators/types.js';

export interface Credentials {
  username: string;
  password: string;
  accountSid: string;
}

const STORAGE_KEY = 'intelligence-console-credentials';

export function storedCredentials(): Credentials | null {
  const text = sessionStorage.getItem(STORAGE_KEY);
  return text === null ? null : (JSON.parse(text) as Credentials);
}

export function storeCredentials(credentials: Credentials | null): void {
  if (credentials === null) sessionStorage.removeItem(STORAGE_KEY);
  else sessionStorage.setItem(STORAGE_KEY, JSON.stringify(credentials));
}

/** A Twilio error body: `details.errors` carries a custom operator's Config problems. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors: Array<{ path: string; message: string }> = [],
  ) {
    super(message);
  }

  /** The form parameter the message names ("Invalid parameter FriendlyName: …"), if any. */
  get parameter(): string | null {
    return /^(?:Invalid|Missing required) parameter:? ?([A-Za-z]+)/.exec(this.message)?.[1] ?? null;
  }
}

export type Form = Record<string, string | boolean | undefined>;

/**
 * credentials: 'omit' keeps the browser out of HTTP authentication: a 401 (with its
 * WWW-Authenticate) does not open the browser's own sign-in prompt, and nothing is cached by it.
 */
export async function api<T>(
  credentials: Credentials,
  method: string,
  path: string,
  form?: Form,
  headers: Record<string, string> = {},
): Promise<T> {
  const init: RequestInit = {
    method,
    credentials: 'omit',
    cache: 'no-store',
    headers: { ...headers, Accept: 'application/json', Authorization: 'Basic ' + btoa(`${credentials.username}:${credentials.password}`) },
  };
  if (form !== undefined) {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(form)) if (value !== undefined) body.set(name, String(value));
    init.body = body;
  }
  const response = await fetch(path, init);
  if (response.status === 204) return undefined as T;
  const body = (await response.json().catch(() => null)) as {
    code?: number;
    message?: string;
    details?: { errors?: ApiError['errors'] };
  } | null;
  if (!response.ok) {
    throw new ApiError(
      response.status,
      body?.code ?? 0,
      body?.message ?? `The server answered ${response.status}`,
      body?.details?.errors ?? [],
    );
  }
  return body as T;
}

/** Every page of a list (the paths of next_page_url, same-origin whatever PUBLIC_BASE_URL says); at most 50 pages. */
export async function listAll<T>(credentials: Credentials, path: string, key: string): Promise<T[]> {
  const items: T[] = [];
  let next: string | null = path;
  for (let page = 0; next !== null && page < 50; page++) {
    const body: Record<string, unknown> & { meta: { next_page_url: string | null } } = await api(credentials, 'GET', next);
    items.push(...(body[key] as T[]));
    next = body.meta.next_page_url === null ? null : pathOf(body.meta.next_page_url);
  }
  return items;
}

const pathOf = (url: string) => {
  const parsed = new URL(url, location.href);
  return parsed.pathname + parsed.search;
};

export interface Service {
  sid: string;
  unique_name: string;
  friendly_name: string | null;
  language_code: string;
  auto_transcribe: boolean;
  data_logging: boolean;
  auto_redaction: boolean;
  media_redaction: boolean;
  webhook_url: string | null;
  webhook_http_method: string;
  read_only_attached_operator_sids: string[];
  version: number;
  date_created: string;
}

export interface Operator {
  sid: string;
  friendly_name: string;
  description: string | null;
  author: string;
  operator_type: string;
  version: number;
  availability: string;
  config: Record<string, unknown> | null;
  date_created: string;
}

export interface OperatorType {
  sid: string;
  name: string;
  friendly_name: string;
  description: string;
  output_type: string;
  supported_languages: string[];
  availability: string;
  configurable: boolean;
  config_schema: JsonSchema | null;
}

export interface JsonSchema {
  title?: string;
  description?: string;
  type?: string;
  enum?: unknown[];
  default?: unknown;
  const?: unknown;
  maxLength?: number;
  minItems?: number;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  allOf?: unknown[];
  $ref?: string;
  examples?: unknown[];
}

export type TranscriptStatus = 'queued' | 'in-progress' | 'completed' | 'failed' | 'new' | 'error' | 'canceled';

export interface Participant {
  channel_participant: number;
  role: string | null;
  full_name: string | null;
}

export interface Transcript {
  sid: string;
  service_sid: string;
  status: TranscriptStatus;
  channel: { media_properties?: { media_url?: string | null; source_sid?: string | null }; participants?: Participant[] } | null;
  language_code: string | null;
  customer_key: string | null;
  duration: number;
  redaction: boolean | null;
  date_created: string;
  date_updated: string;
}

export interface Sentence {
  sid: string;
  sentence_index: number;
  media_channel: number;
  start_time: string | null;
  end_time: string | null;
  confidence: string | null;
  transcript: string | null;
}

/** An operator result as the API serves it: the operator's computed fields (the server's own type) and what the resource adds. */
export interface OperatorResult extends OperatorResultBody {
  operator_sid: string;
  name: string;
}

export interface Alert {
  sid: string;
  alert_text: string | null;
  error_code: string | null;
  log_level: string | null;
  resource_sid: string | null;
  request_url: string | null;
  date_generated: string;
}

/** Finished: nothing about the transcript changes any more (the page stops asking). */
export const isSettled = (status: TranscriptStatus) =>
  status === 'completed' || status === 'failed' || status === 'error' || status === 'canceled';
