// Environment → typed configuration, validated once at start-up. A bad value fails fast with one line.
import { dirname, join, resolve } from 'node:path';
import { llmSettingsFromEnv, type LlmSettings } from './engines/llm/settings.js';
import { MIN_AUTH_TOKEN_LENGTH } from './resources/accounts/rules.js';
import { parseOutboundAllowlist, type OutboundPolicy } from './net/outbound-policy.js';
import { parseMediaFetchLimits, type MediaFetchLimits } from './net/fetch-media.js';
import type { SpeechEnv } from './engines/speech/select.js';
import { parseRecordingsApi, parseTranscriber, type RecordingsApi } from './pipeline/config.js';
import { parseSecretKey, type SecretKey } from './resources/accounts/secret-key.js';

import { DEFAULT_ACCOUNT_QUOTAS, MAX_QUOTA, quotaVariable } from './resources/accounts/quotas.js';
import { defaultThreadCount } from './jobs/threads.js';

export type DatabaseLocation = { kind: 'sqlite'; filename: string } | { kind: 'postgres'; url: string };

export interface Config {
  port: number;
  host: string;
  database: DatabaseLocation;
  publicBaseUrl: string | null;
  logLevel: string;
  maxOperatorsPerService: number;
  /** Per-account quotas (src/resources/accounts/quotas.ts). */
  maxServicesPerAccount: number;
  maxCustomOperatorsPerAccount: number;
  bootstrapAccountSid: string | null;
  bootstrapAuthToken: string | null;
  catalogFile: string | null;
  bodyLimitBytes: number;
  sqliteSynchronous: 'NORMAL' | 'FULL';
  pgPoolSize: number;
  shutdownTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** Client connections held at most; null: the open-file limit less a reserve. */
  maxConnections: number | null;
  maxConnectionsPerClient: number;
  /** Request bodies buffered at once, all requests together (0 = no limit). */
  maxBufferedBodyBytes: number;
  rateLimitRequests: number;
  rateLimitWindowSeconds: number;
  /** Failed authentications per client address per window before 429 (0 = no limit). */
  authFailureLimit: number;
  authFailureWindowSeconds: number;
  maxEventLoopDelayMs: number;
  maxHeapUsedBytes: number;
  /** /metrics and its hooks; METRICS_ENABLED=false removes both (no cost on the hot path). */
  metricsEnabled: boolean;
  /** When set, /metrics needs `Authorization: Bearer <token>`. */
  metricsToken: string | null;
  /** When set, /admin/* exists and needs `Authorization: Bearer <token>`; unset, /admin/* is 404. */
  adminToken: string | null;
  /** Alerts older than this many days are deleted by a background job (src/resources/alerts/retention.ts). */
  alertRetentionDays: number;
  /** Where transcripts' media are kept (src/media/media-store.ts); several PostgreSQL nodes share one. */
  mediaDir: string;
  /** How long a media URL of GET /v2/Transcripts/{Sid}/Media stays valid. */
  mediaUrlTtlSeconds: number;
  /** Worker threads for CPU-heavy background work (audio decoding, operators). */
  workerThreads: number;
  /** The language model of Generative, GenerativeJSON and Summarization (LLM_BASE_URL…); null: none configured. */
  llm: LlmSettings | null;
  /** OUTBOUND_ALLOWLIST: the non-public addresses webhooks and media downloads may reach. */
  outboundPolicy: OutboundPolicy;
  /** MEDIA_MAX_BYTES, MEDIA_FETCH_TIMEOUT_MS, MEDIA_MAX_REDIRECTS. */
  mediaFetch: MediaFetchLimits;
  /** TRANSCRIBER*: which speech engine transcribes audio (src/engines/speech/select.ts). */
  transcriber: SpeechEnv;
  /** RECORDINGS_*: where `source_sid` recordings are fetched from; null when not configured. */
  recordings: RecordingsApi | null;
  /** SECRET_KEY: the key auth tokens are encrypted under; null: SQLite's key file (resolveSecretKey), refused with PostgreSQL. */
  secretKey: SecretKey | null;
  /** One webhook attempt's deadline, connection to the end of the answer. */
  webhookTimeoutMs: number;
  /** Attempts per webhook before it is given up. */
  webhookMaxAttempts: number;
}

/** The most attempts WEBHOOK_MAX_ATTEMPTS may ask for (a webhook job is queued with this many). */
export const MAX_WEBHOOK_ATTEMPTS = 20;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** A whole-number variable within [min, max], or `fallback` when unset. */
export function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

function boolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(true|1|yes|on)$/i.test(raw)) return true;
  if (/^(false|0|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

/** A bearer token guarding an endpoint: long enough to resist guessing, and sendable in a header. */
function bearerToken(env: NodeJS.ProcessEnv, name: string): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  if (raw.length < 16 || !/^[\x21-\x7e]+$/.test(raw)) {
    throw new ConfigError(`${name} must be at least 16 printable characters without spaces`);
  }
  return raw;
}

/** 127.0.0.0/8, ::1 or localhost: only this machine can connect. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

export function parseDatabaseUrl(raw: string): DatabaseLocation {
  if (raw.startsWith('postgres://') || raw.startsWith('postgresql://')) return { kind: 'postgres', url: raw };
  if (raw.startsWith('sqlite:')) {
    const filename = raw.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (filename === '') throw new ConfigError('DATABASE_URL sqlite: needs a file path, e.g. sqlite:./data/intelligence.db');
    return { kind: 'sqlite', filename };
  }
  throw new ConfigError(`DATABASE_URL must start with sqlite: or postgres://, got "${raw}"`);
}

/** MEDIA_DIR, else a `media` directory beside the SQLite file, else (PostgreSQL) ./media. */
function mediaDirectory(env: NodeJS.ProcessEnv, database: DatabaseLocation): string {
  if (env.MEDIA_DIR) return resolve(env.MEDIA_DIR);
  return database.kind === 'sqlite' ? join(dirname(resolve(database.filename)), 'media') : resolve('media');
}

function languageModel(env: NodeJS.ProcessEnv): LlmSettings | null {
  try {
    return llmSettingsFromEnv(env);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const publicBaseUrl = env.PUBLIC_BASE_URL ? env.PUBLIC_BASE_URL.replace(/\/+$/, '') : null;
  if (publicBaseUrl !== null && !/^https?:\/\/[^/\s]+$/.test(publicBaseUrl)) {
    throw new ConfigError(
      `PUBLIC_BASE_URL must be an http(s) origin such as https://intelligence.example.com, got "${env.PUBLIC_BASE_URL}"`,
    );
  }
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);

  const bootstrapAccountSid = env.TWILIO_ACCOUNT_SID || null;
  const bootstrapAuthToken = env.TWILIO_AUTH_TOKEN || null;
  if ((bootstrapAccountSid === null) !== (bootstrapAuthToken === null)) {
    throw new ConfigError('TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN must be set together');
  }
  if (bootstrapAccountSid !== null && !/^AC[0-9a-f]{32}$/.test(bootstrapAccountSid)) {
    throw new ConfigError(`TWILIO_ACCOUNT_SID must be AC followed by 32 lowercase hex digits, got "${bootstrapAccountSid}"`);
  }
  const host = env.HOST || '127.0.0.1';
  // Reachable from other machines, a token must resist online guessing: Twilio's are 32 hex digits.
  const minTokenLength = isLoopback(host) ? MIN_AUTH_TOKEN_LENGTH : 32;
  if (bootstrapAuthToken !== null && bootstrapAuthToken.length < minTokenLength) {
    throw new ConfigError(
      `TWILIO_AUTH_TOKEN must be at least ${minTokenLength} characters${minTokenLength === 32 ? ` when HOST (${host}) is not a loopback address` : ''}`,
    );
  }
  const sqliteSynchronous = (env.SQLITE_SYNCHRONOUS || 'NORMAL').toUpperCase();
  if (sqliteSynchronous !== 'NORMAL' && sqliteSynchronous !== 'FULL') {
    throw new ConfigError(`SQLITE_SYNCHRONOUS must be NORMAL or FULL, got "${env.SQLITE_SYNCHRONOUS}"`);
  }

  const database = parseDatabaseUrl(env.DATABASE_URL || 'sqlite:./data/intelligence.db');

  return {
    port: integer(env, 'PORT', 4010, 0, 65535),
    host,
    database,
    publicBaseUrl,
    logLevel,
    maxOperatorsPerService: integer(env, 'MAX_OPERATORS_PER_SERVICE', 100, 1, 100_000),
    maxServicesPerAccount: integer(env, quotaVariable('services'), DEFAULT_ACCOUNT_QUOTAS.services, 1, MAX_QUOTA),
    maxCustomOperatorsPerAccount: integer(env, quotaVariable('customOperators'), DEFAULT_ACCOUNT_QUOTAS.customOperators, 1, MAX_QUOTA),
    bootstrapAccountSid,
    bootstrapAuthToken,
    catalogFile: env.CATALOG_FILE || null,
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024),
    sqliteSynchronous,
    pgPoolSize: integer(env, 'PG_POOL_SIZE', 10, 1, 1000),
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 30_000, 0, 3_600_000),
    keepAliveTimeoutMs: integer(env, 'KEEP_ALIVE_TIMEOUT_MS', 72_000, 1, 3_600_000),
    maxConnections: env.MAX_CONNECTIONS ? integer(env, 'MAX_CONNECTIONS', 0, 1, 10_000_000) : null,
    maxConnectionsPerClient: integer(env, 'MAX_CONNECTIONS_PER_CLIENT', 256, 0, 10_000_000),
    maxBufferedBodyBytes: integer(env, 'MAX_BUFFERED_BODY_BYTES', 256 * 1024 * 1024, 0, Number.MAX_SAFE_INTEGER),
    rateLimitRequests: integer(env, 'RATE_LIMIT_REQUESTS', 100_000, 0, 1_000_000_000),
    rateLimitWindowSeconds: integer(env, 'RATE_LIMIT_WINDOW_SECONDS', 1, 1, 86_400),
    authFailureLimit: integer(env, 'AUTH_FAILURE_LIMIT', 100, 0, 1_000_000_000),
    authFailureWindowSeconds: integer(env, 'AUTH_FAILURE_WINDOW_SECONDS', 60, 1, 86_400),
    maxEventLoopDelayMs: integer(env, 'MAX_EVENT_LOOP_DELAY_MS', 1000, 0, 600_000),
    maxHeapUsedBytes: integer(env, 'MAX_HEAP_USED_BYTES', 1536 * 1024 * 1024, 0, Number.MAX_SAFE_INTEGER),
    metricsEnabled: boolean(env, 'METRICS_ENABLED', true),
    metricsToken: bearerToken(env, 'METRICS_TOKEN'),
    adminToken: bearerToken(env, 'ADMIN_TOKEN'),
    alertRetentionDays: integer(env, 'ALERT_RETENTION_DAYS', 30, 1, 36_500),
    mediaDir: mediaDirectory(env, database),
    mediaUrlTtlSeconds: integer(env, 'MEDIA_URL_TTL_SECONDS', 600, 1, 7 * 86_400),
    workerThreads: integer(env, 'WORKER_THREADS', defaultThreadCount(), 1, 256),
    llm: languageModel(env),
    outboundPolicy: parseOutboundAllowlist(env.OUTBOUND_ALLOWLIST),
    mediaFetch: parseMediaFetchLimits(env),
    transcriber: parseTranscriber(env),
    recordings: parseRecordingsApi(env),
    secretKey: parseSecretKey(env.SECRET_KEY),
    webhookTimeoutMs: integer(env, 'WEBHOOK_TIMEOUT_MS', 15_000, 1, 120_000),
    webhookMaxAttempts: integer(env, 'WEBHOOK_MAX_ATTEMPTS', 5, 1, MAX_WEBHOOK_ATTEMPTS),
  };
}
