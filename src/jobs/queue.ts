// The durable job queue: what the rest of the server uses to ask for background work. A job is a
// row (src/store/jobs/), so enqueueing it inside a unit of work makes "write X and queue its job"
// atomic. Hand-written SQL rather than pg-boss or graphile-worker: those bring their own schema and
// PostgreSQL only, and SQLite would still need a second mechanism with the same guarantees.
import type { JobOperations, NewJob } from '../store/store.js';

export interface EnqueueOptions {
  /** Attempts before the job is dead (default 5); a lease that expired counts as one. */
  maxAttempts?: number;
  /** Not before this many milliseconds from now (default 0). */
  delayMs?: number;
  /** Now, in milliseconds (default Date.now()). */
  nowMs?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 5;

/** Queues `payload` (anything JSON can hold) for the handler named `name`; answers the job's id. */
export function enqueue(store: JobOperations, name: string, payload: unknown, options: EnqueueOptions = {}): Promise<number> {
  return store.enqueueJob(newJob(name, payload, options));
}

function newJob(name: string, payload: unknown, options: EnqueueOptions): NewJob {
  const nowMs = options.nowMs ?? Date.now();
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError(`maxAttempts must be a positive integer, got ${maxAttempts}`);
  const payloadJson = JSON.stringify(payload);
  if (payloadJson === undefined) throw new TypeError(`the payload of job ${name} cannot be written as JSON`);
  return { name, payloadJson, maxAttempts, runAtMs: nowMs + (options.delayMs ?? 0), nowMs };
}

/**
 * enqueue, unless a job of this name is queued already (then null): recurring work that every
 * process schedules at start-up stays one pending job, however many processes start at once.
 */
export function enqueueUnlessQueued(
  store: JobOperations,
  name: string,
  payload: unknown,
  options: EnqueueOptions = {},
): Promise<number | null> {
  return store.enqueueJobUnlessQueued(newJob(name, payload, options));
}

export interface Backoff {
  /** The delay after the first failed attempt, doubled after each further one. */
  baseMs: number;
  maxMs: number;
}

/**
 * The delay before the attempt after `attempts` failed ones: exponential, capped, with "equal
 * jitter" (half fixed, half random) so that jobs failing together do not retry together.
 */
export function backoffMs(attempts: number, backoff: Backoff, random: () => number = Math.random): number {
  const delay = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(delay / 2 + random() * (delay / 2));
}
