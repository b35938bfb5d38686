// Failed authentication per client address: past `failures` in a window, the address gets 429 20429
// (with Retry-After) without its credentials being looked up, until the window ends. Guessing
// tokens online, or flooding the log with 401s, costs the guesser its address.
import { tooManyRequests } from '../errors.js';

export interface AuthFailureSettings {
  /** Failed authentications an address may have per window; 0 turns the limit off. */
  failures: number;
  windowSeconds: number;
}

interface Window {
  startedMs: number;
  failures: number;
}

/** Addresses remembered at most (each a few dozen bytes); past it, the expired are forgotten, then all. */
const MAX_ADDRESSES = 100_000;

export class AuthFailureLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly windowMs: number;

  constructor(private readonly settings: AuthFailureSettings) {
    this.windowMs = settings.windowSeconds * 1000;
  }

  get enabled(): boolean {
    return this.settings.failures > 0;
  }

  /** Seconds until `address` may authenticate again; 0 when it may now. */
  /** False while no address has failed: the request path then skips the address lookup. */
  tracksAny(): boolean {
    return this.windows.size > 0;
  }

  retryAfterSeconds(address: string, nowMs?: number): number {
    const window = this.windows.get(address);
    if (window === undefined || window.failures < this.settings.failures) return 0;
    const leftMs = window.startedMs + this.windowMs - (nowMs ?? Date.now());
    if (leftMs <= 0) {
      this.windows.delete(address);
      return 0;
    }
    return Math.ceil(leftMs / 1000);
  }

  recordFailure(address: string, nowMs = Date.now()): void {
    let window = this.windows.get(address);
    if (window === undefined || nowMs - window.startedMs >= this.windowMs) {
      if (this.windows.size >= MAX_ADDRESSES) this.forget(nowMs);
      window = { startedMs: nowMs, failures: 0 };
      this.windows.set(address, window);
    }
    window.failures++;
  }

  private forget(nowMs: number): void {
    for (const [address, window] of this.windows) {
      if (nowMs - window.startedMs >= this.windowMs) this.windows.delete(address);
    }
    if (this.windows.size >= MAX_ADDRESSES) this.windows.clear();
  }
}

export const tooManyFailedAuthentications = () =>
  tooManyRequests('Too many failed authentication attempts from this address; try again later');
