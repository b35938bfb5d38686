// The 'webhook' job handler: reads the account's auth token, makes one signed attempt, and decides
// what comes next. Retried with exponential backoff and jitter (the first retry within 10 s) on
// network errors, timeouts, 408, 429 and 5xx, after a Retry-After when the receiver gives one
// (capped); never on other 4xx, a refused address or a bad URL. Every failed attempt is reported.
import type { FastifyBaseLogger } from 'fastify';
import { backoffMs, type Backoff } from '../jobs/queue.js';
import { JobAttemptFailed, type JobHandler } from '../jobs/worker.js';
import type { OutboundPolicy } from '../net/outbound-policy.js';
import { authTokenOf } from '../resources/accounts/rules.js';
import type { SecretKey } from '../resources/accounts/secret-key.js';
import type { Store } from '../store/store.js';
import { attemptWebhook, shownUrl, type AttemptOutcome } from './attempt.js';
import type { WebhookJobPayload } from './outbox.js';

/** Twilio's codes for a webhook that failed: an HTTP error (or no answer at all), and a timeout. */
export const WEBHOOK_HTTP_ERROR = 95200;
export const WEBHOOK_TIMEOUT = 95201;

/** What a failed attempt reports (the lead connects it to the Alerts module's recordAlert). */
export interface WebhookAttemptFailure {
  accountSid: string;
  /** The transcript the webhook is about. */
  resourceSid: string;
  requestUrl: string;
  requestMethod: 'GET' | 'POST';
  errorCode: typeof WEBHOOK_HTTP_ERROR | typeof WEBHOOK_TIMEOUT;
  /** What went wrong, for a person: the status received, the timeout, or the address refused. */
  text: string;
  /** This attempt's number, from 1. */
  attempt: number;
  willRetry: boolean;
}

export type OnAttemptFailed = (failure: WebhookAttemptFailure) => void | Promise<void>;

export interface WebhookDeliveryOptions {
  store: Store;
  secretKey: SecretKey;
  policy: OutboundPolicy;
  timeoutMs: number;
  maxAttempts: number;
  onAttemptFailed: OnAttemptFailed;
  backoff?: Backoff;
  random?: () => number;
}

/** Webhook attempts one process makes at once, in a lane of their own (src/background.ts). */
export const WEBHOOK_CONCURRENCY = 8;

/** 1–2 s before the first retry, doubling to at most 5 minutes. */
export const WEBHOOK_BACKOFF: Backoff = { baseMs: 2_000, maxMs: 5 * 60_000 };
/** The longest Retry-After honoured. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** Retry-After in milliseconds (delta-seconds or an HTTP date), capped; null when absent or unreadable. */
export function retryAfterMs(header: string | null, nowMs: number): number | null {
  if (header === null) return null;
  const text = header.trim();
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - nowMs;
  return Number.isFinite(ms) ? Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms)) : null;
}

const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

interface Verdict {
  delivered: boolean;
  retry: boolean;
  errorCode: WebhookAttemptFailure['errorCode'];
  text: string;
  retryAfter?: string | null;
}

function judge(outcome: AttemptOutcome, timeoutMs: number): Verdict {
  switch (outcome.kind) {
    case 'answered':
      if (outcome.status >= 200 && outcome.status <= 299) return { delivered: true, retry: false, errorCode: WEBHOOK_HTTP_ERROR, text: '' };
      return {
        delivered: false,
        retry: retryable(outcome.status),
        errorCode: WEBHOOK_HTTP_ERROR,
        text: `webhook ${outcome.url} answered HTTP ${outcome.status}`,
        retryAfter: outcome.retryAfter,
      };
    case 'timeout':
      return {
        delivered: false,
        retry: true,
        errorCode: WEBHOOK_TIMEOUT,
        text: `webhook ${outcome.url} did not answer within ${timeoutMs} ms`,
      };
    case 'network':
      return {
        delivered: false,
        retry: true,
        errorCode: WEBHOOK_HTTP_ERROR,
        text: `webhook ${outcome.url} could not be reached: ${outcome.message}`,
      };
    case 'too-many-redirects':
      return { delivered: false, retry: false, errorCode: WEBHOOK_HTTP_ERROR, text: `webhook ${outcome.url} redirected too many times` };
    case 'refused':
    case 'bad-url':
      return { delivered: false, retry: false, errorCode: WEBHOOK_HTTP_ERROR, text: outcome.message };
  }
}

/** The 'webhook' job handler (src/background.ts registers it). */
export function webhookHandler(options: WebhookDeliveryOptions): JobHandler {
  const backoff = options.backoff ?? WEBHOOK_BACKOFF;
  return async (raw, { job, signal }) => {
    const payload = raw as WebhookJobPayload;
    const attempt = job.attempts;
    const lastAttempt = attempt >= options.maxAttempts;
    const { account_sid: accountSid, transcript_sid: transcriptSid } = payload.body;
    const report = async (verdict: Pick<Verdict, 'errorCode' | 'text'>, url: string, willRetry: boolean) =>
      options.onAttemptFailed({
        accountSid,
        resourceSid: transcriptSid,
        requestUrl: url,
        requestMethod: payload.method,
        errorCode: verdict.errorCode,
        text: verdict.text,
        attempt,
        willRetry,
      });
    const nextDelay = (verdict: Verdict) =>
      lastAttempt || !verdict.retry
        ? null
        : (retryAfterMs(verdict.retryAfter ?? null, Date.now()) ?? backoffMs(attempt, backoff, options.random));

    const authToken = await authTokenOf(options.store, accountSid, options.secretKey);
    if (authToken === null) {
      const verdict: Verdict = {
        delivered: false,
        retry: true,
        errorCode: WEBHOOK_HTTP_ERROR,
        text: `webhook not sent: the auth token of ${accountSid} is not known to this server yet (authenticate once with it, or set it with accounts set-token)`,
      };
      const delay = nextDelay(verdict);
      await report(verdict, safeShownUrl(payload.url), delay !== null);
      throw new JobAttemptFailed(verdict.text, delay);
    }
    const outcome = await attemptWebhook({ payload, authToken, policy: options.policy, timeoutMs: options.timeoutMs, signal });
    const verdict = judge(outcome, options.timeoutMs);
    if (verdict.delivered) return;
    // Stopped (lease lost, server stopping): not the receiver's failure; the job runs again.
    if (signal.aborted && outcome.kind !== 'answered') throw new Error('webhook attempt interrupted');
    const delay = nextDelay(verdict);
    await report(verdict, outcome.url, delay !== null);
    throw new JobAttemptFailed(verdict.text, delay);
  };
}

function safeShownUrl(text: string): string {
  try {
    return shownUrl(new URL(text));
  } catch {
    return text;
  }
}

/** Until the Alerts module is connected: each failed attempt is a warning line (never with the token). */
export function logAttemptFailures(log: FastifyBaseLogger): OnAttemptFailed {
  return (failure) => {
    log.warn(
      {
        account_sid: failure.accountSid,
        resource_sid: failure.resourceSid,
        request_url: failure.requestUrl,
        request_method: failure.requestMethod,
        error_code: failure.errorCode,
        attempt: failure.attempt,
        will_retry: failure.willRetry,
      },
      failure.text,
    );
  };
}
