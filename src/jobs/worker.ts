// Runs the queue's jobs in this process: handlers registered by name, at most `concurrency` at
// once, each under a lease that a heartbeat extends while it runs. A handler that throws is retried
// after a backoff, and after its last attempt the job is dead with the error kept. A process that
// dies leaves its jobs' leases to expire, and any process then claims them again, so a job runs at
// least once: handlers must be idempotent (write their effect and its record in one unit of work).
// Wake-ups: the store's watch (PostgreSQL NOTIFY, SQLite this process's enqueues), a bounded poll,
// and a running job's end; nothing runs per HTTP request.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { JobRecord, Store } from '../store/store.js';
import { backoffMs, type Backoff } from './queue.js';

export interface JobContext {
  job: JobRecord;
  /** Aborted when this process lost the job's lease (another may run it now) or stops without waiting. */
  signal: AbortSignal;
}

/**
 * A failed attempt whose handler decides what comes next: retry after `retryInMs` (a receiver's
 * Retry-After, or the handler's own backoff), or, when null, never (the job is dead at once).
 * Any other throw is retried after the worker's backoff. The job's attempts still bound it.
 */
export class JobAttemptFailed extends Error {
  override name = 'JobAttemptFailed';
  constructor(
    message: string,
    readonly retryInMs: number | null,
  ) {
    super(message);
  }
}

/** Does a job's work; a throw is a failed attempt. Small and idempotent: it may run more than once. */
export interface JobHandler {
  (payload: unknown, context: JobContext): Promise<void>;
  /**
   * The handler's set-up (loading its modules), run once when a job of its name is first due and
   * before that job is claimed: a set-up that blocks the event loop inside a lease would hold back
   * the heartbeat, and the lease could run out.
   */
  prepare?: () => Promise<void>;
}

export type JobOutcome = 'done' | 'retry' | 'dead' | 'lost';

export interface JobSettled {
  job: JobRecord;
  outcome: JobOutcome;
  error?: string;
  /** For a retry: when the job is due again. */
  retryAtMs?: number;
  nowMs: number;
}

export interface JobWorkerOptions {
  store: Store;
  handlers: Record<string, JobHandler>;
  /** Jobs run at once by this process (default 4), those in lanes apart. */
  concurrency?: number;
  /**
   * Job names that run in slots of their own, up to this many at once, so that slow jobs of one
   * kind (a webhook waiting on its receiver) never hold the slots the others need.
   */
  lanes?: Record<string, number>;
  /** How long a claim lasts without a heartbeat (default 30 s); a heartbeat comes every third of it. */
  leaseMs?: number;
  /** The longest wait between two looks at the queue (default 1 s). */
  pollMs?: number;
  backoff?: Backoff;
  /** This process's name on its leases (default a random UUID). */
  owner?: string;
  now?: () => number;
  random?: () => number;
  /** Failures of the worker itself (the database unavailable); default: written to stderr. */
  onError?: (error: unknown, doing: string) => void;
}

/** Added to a retry's timer so that, when it fires, the job is due by the wall clock too. */
const TIMER_SLACK_MS = 2;
const DEFAULT_BACKOFF: Backoff = { baseMs: 1_000, maxMs: 5 * 60_000 };
/** The most of an error kept on a job. */
const MAX_ERROR_LENGTH = 4_000;

const describe = (error: unknown): string => {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > MAX_ERROR_LENGTH ? text.slice(0, MAX_ERROR_LENGTH) : text;
};

/**
 * Emits 'settled' (JobSettled) after each attempt, once its outcome is written, and 'reclaimed'
 * (JobRecord) when it claims a job it is still running, whose lease ran out before a heartbeat.
 */
export class JobWorker extends EventEmitter {
  readonly owner: string;
  private readonly names: string[];
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly backoff: Backoff;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly onError: (error: unknown, doing: string) => void;
  private readonly running = new Map<number, { done: Promise<void>; abort: AbortController; heartbeat: NodeJS.Timeout }>();
  /** The shared slots first, then one group per lane; each claims only its own names. */
  private readonly groups: Array<{ names: string[]; slots: number; running: number }>;
  private claiming = false;
  private wakeAgain = false;
  private stopping = false;
  private pollTimer: NodeJS.Timeout | null = null;
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  /** Names whose handler has no `prepare`, or has run it. */
  private readonly prepared = new Set<string>();
  private unwatch: (() => Promise<void>) | null = null;

  constructor(private readonly options: JobWorkerOptions) {
    super();
    this.names = Object.keys(options.handlers);
    this.owner = options.owner ?? randomUUID();
    this.concurrency = options.concurrency ?? 4;
    const lanes = Object.entries(options.lanes ?? {}).filter(([name]) => this.names.includes(name));
    this.groups = [
      { names: this.names.filter((name) => !lanes.some(([lane]) => lane === name)), slots: this.concurrency, running: 0 },
      ...lanes.map(([name, slots]) => ({ names: [name], slots, running: 0 })),
    ].filter((group) => group.names.length > 0);
    for (const name of this.names) if (options.handlers[name]?.prepare === undefined) this.prepared.add(name);
    this.leaseMs = options.leaseMs ?? 30_000;
    this.pollMs = options.pollMs ?? 1_000;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.onError =
      options.onError ?? ((error, doing) => process.stderr.write(`intelligence-server: job worker, ${doing}: ${describe(error)}\n`));
  }

  /** Starts listening and claiming; with no handler registered it does nothing at all. */
  async start(): Promise<void> {
    if (this.names.length === 0) return;
    try {
      this.unwatch = await this.options.store.watchJobs(() => this.wake());
    } catch (error) {
      this.onError(error, 'watching the queue (polling instead)');
    }
    this.wake();
  }

  /** Looks at the queue now (or right after the look under way). */
  wake(): void {
    if (this.stopping) return;
    if (this.claiming) {
      this.wakeAgain = true;
      return;
    }
    void this.claim();
  }

  private async claim(): Promise<void> {
    this.claiming = true;
    if (this.pollTimer !== null) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    try {
      for (;;) {
        this.wakeAgain = false;
        let more = false;
        for (const group of this.groups) {
          const free = group.slots - group.running;
          if (this.stopping || free <= 0) continue;
          const names = await this.claimableNames(group.names);
          if (this.stopping || names.length === 0) continue;
          const jobs = await this.options.store.claimJobs({
            names,
            owner: this.owner,
            limit: free,
            nowMs: this.now(),
            leaseMs: this.leaseMs,
          });
          for (const job of jobs) {
            // Claimed again while this process still runs it: its heartbeat came late (the event
            // loop was held past the lease) and this claim renewed the lease; that attempt goes on.
            if (this.running.has(job.id)) this.emit('reclaimed', job);
            else this.run(job, group);
          }
          if (jobs.length === free) more = true;
        }
        if (this.stopping || (!more && !this.wakeAgain)) break;
      }
    } catch (error) {
      if (!this.stopping) this.onError(error, 'claiming jobs');
    } finally {
      this.claiming = false;
      if (!this.stopping) {
        // Kept referenced, like a listening socket: a started worker keeps the process alive until stop().
        this.pollTimer = setTimeout(() => this.wake(), this.pollMs);
      }
    }
  }

  /** The names to claim: those whose handler is prepared, after preparing those that have a job due. */
  private async claimableNames(names: string[]): Promise<string[]> {
    const waiting = names.filter((name) => !this.prepared.has(name));
    if (waiting.length === 0) return names;
    if (await this.options.store.hasDueJobs(waiting, this.now())) {
      for (const name of waiting) {
        try {
          await this.options.handlers[name]!.prepare!();
          this.prepared.add(name);
        } catch (error) {
          this.onError(error, `preparing the handler of ${name} jobs`);
        }
      }
    }
    return names.filter((name) => this.prepared.has(name));
  }

  private run(job: JobRecord, group: { running: number }): void {
    group.running++;
    const abort = new AbortController();
    const heartbeat = setInterval(
      () => {
        const nowMs = this.now();
        this.options.store.extendJobLease(job.id, this.owner, nowMs + this.leaseMs, nowMs).then(
          (held) => {
            if (!held) abort.abort(new Error(`the lease of job ${job.id} was lost`));
          },
          (error: unknown) => this.onError(error, `extending the lease of job ${job.id}`),
        );
      },
      Math.max(1, Math.floor(this.leaseMs / 3)),
    );
    heartbeat.unref();
    const done = this.attempt(job, abort.signal).finally(() => {
      clearInterval(heartbeat);
      this.running.delete(job.id);
      group.running--;
      this.wake();
    });
    this.running.set(job.id, { done, abort, heartbeat });
  }

  private async attempt(job: JobRecord, signal: AbortSignal): Promise<void> {
    let failure: string | null = null;
    let decidedRetryInMs: number | null | undefined;
    try {
      const handler = this.options.handlers[job.name];
      if (handler === undefined) throw new Error(`no handler for job ${job.name}`);
      await handler(JSON.parse(job.payloadJson), { job, signal });
    } catch (error) {
      failure = describe(error);
      if (error instanceof JobAttemptFailed) decidedRetryInMs = error.retryInMs;
    }
    // Stopped without waiting for it: the lease's expiry hands the job on, as if the process had died.
    if (this.stopping && signal.aborted) return;
    const { store } = this.options;
    const nowMs = this.now();
    try {
      let settled: JobSettled;
      if (failure === null) {
        settled = { job, outcome: (await store.completeJob(job.id, this.owner, nowMs)) ? 'done' : 'lost', nowMs };
      } else {
        const retryAtMs =
          job.attempts >= job.maxAttempts || decidedRetryInMs === null
            ? null
            : nowMs + (decidedRetryInMs ?? backoffMs(job.attempts, this.backoff, this.random));
        const written = await store.failJob(job.id, this.owner, failure, retryAtMs, nowMs);
        const outcome = !written ? 'lost' : retryAtMs === null ? 'dead' : 'retry';
        settled = { job, outcome, error: failure, nowMs, ...(retryAtMs === null ? {} : { retryAtMs }) };
        if (outcome === 'retry') this.wakeAt(retryAtMs!);
      }
      this.emit('settled', settled);
    } catch (error) {
      // The lease runs out and the job is claimed again: at least once, never lost.
      this.onError(error, `recording the outcome of job ${job.id}`);
    }
  }

  /** A retry sooner than the next poll is looked for when it is due. */
  private wakeAt(atMs: number): void {
    const delay = atMs - this.now();
    if (delay >= this.pollMs || this.stopping) return;
    const timer = setTimeout(
      () => {
        this.retryTimers.delete(timer);
        this.wake();
      },
      // A timer may fire a millisecond before the wall clock the claim compares run_at with reaches its time.
      Math.max(0, delay) + TIMER_SLACK_MS,
    );
    this.retryTimers.add(timer);
  }

  /** How many jobs this process is running. */
  get active(): number {
    return this.running.size;
  }

  /**
   * Claims nothing more and waits up to `drainMs` for the running jobs; those still running then
   * are aborted and left to their leases' expiry (another process, or a restart, runs them again).
   */
  async stop(drainMs: number): Promise<void> {
    this.stopping = true;
    if (this.pollTimer !== null) clearTimeout(this.pollTimer);
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    await this.unwatch?.();
    const running = [...this.running.values()];
    if (running.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, drainMs)));
    await Promise.race([Promise.all(running.map((each) => each.done)), timedOut]);
    clearTimeout(timer);
    for (const each of this.running.values()) {
      clearInterval(each.heartbeat);
      each.abort.abort(new Error('the server is stopping'));
    }
  }
}
