// Per-account rate limit: a fixed window per account, in this process. The headers go on the
// responses whose spec lists them (X-Rate-Limit-Limit, -Remaining, -Config); 429 20429 past it.
import type { FastifyReply } from 'fastify';
import { tooManyRequests } from '../errors.js';
import type { ReplyHeaders } from './internals.js';

export interface RateLimitSettings {
  /** Requests an account may make per window; 0 turns the limit off. */
  requests: number;
  windowSeconds: number;
}

interface Window {
  startedMs: number;
  used: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly windowMs: number;
  private readonly limitHeader: string;
  readonly configHeader: string;

  /** `replyHeaders`: the headers are set straight into the reply's (reply.header() is slower), when the internals allow. */
  constructor(
    private readonly settings: RateLimitSettings,
    private readonly replyHeaders: ReplyHeaders | null = null,
  ) {
    this.windowMs = settings.windowSeconds * 1000;
    this.limitHeader = String(settings.requests);
    this.configHeader = `${settings.requests};w=${settings.windowSeconds}`;
  }

  get enabled(): boolean {
    return this.settings.requests > 0;
  }

  /** Counts one request of the account; throws 429 when its window is used up. */
  take(accountSid: string, reply: FastifyReply, withHeaders: boolean, nowMs = Date.now()): void {
    let window = this.windows.get(accountSid);
    if (window === undefined || nowMs - window.startedMs >= this.windowMs) {
      if (this.windows.size > 100_000) this.forgetExpired(nowMs);
      window = { startedMs: nowMs, used: 0 };
      this.windows.set(accountSid, window);
    }
    const limit = this.settings.requests;
    if (window.used >= limit) {
      const retryAfterSeconds = Math.max(1, Math.ceil((window.startedMs + this.windowMs - nowMs) / 1000));
      void reply.header('Retry-After', String(retryAfterSeconds));
      if (withHeaders) this.writeHeaders(reply, 0);
      throw tooManyRequests();
    }
    window.used++;
    if (withHeaders) this.writeHeaders(reply, limit - window.used);
  }

  private writeHeaders(reply: FastifyReply, remaining: number): void {
    if (this.replyHeaders === null) {
      void reply
        .header('x-rate-limit-limit', this.limitHeader)
        .header('x-rate-limit-remaining', String(remaining))
        .header('x-rate-limit-config', this.configHeader);
      return;
    }
    const headers = this.replyHeaders.of(reply);
    headers['x-rate-limit-limit'] = this.limitHeader;
    headers['x-rate-limit-remaining'] = String(remaining);
    headers['x-rate-limit-config'] = this.configHeader;
  }

  private forgetExpired(nowMs: number): void {
    for (const [accountSid, window] of this.windows) {
      if (nowMs - window.startedMs >= this.windowMs) this.windows.delete(accountSid);
    }
  }
}

/** The spec lists the X-Rate-Limit-* headers on every operation but the three attachment ones. */
export const specListsRateLimitHeaders = (operationId: string | undefined) =>
  operationId !== undefined && !operationId.includes('OperatorAttachment');
