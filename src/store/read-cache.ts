// A cache for the hot reads of a store that can tell when others wrote (SQLite): credentials, the
// attach probe, a service, its attachments, pages of services and custom operators, a transcript
// and its operator results. Every request
// reads a credential and most read a service, and these answers rarely change, so a hit saves a
// statement and its locks. An answer is kept until anything may have changed it:
// - this process's writes go through this wrapper, and each clears the cache it may touch, both
//   when it starts and when it settles (a read in between still sees the last committed state);
// - other processes' commits (the CLI revoking a key, a second server on the same file) change
//   SQLite's data_version, read once per turn of the event loop; a change clears everything.
// A request that arrives after another process's commit is therefore answered from the new data.
import type { Store, StoreOperations } from './store.js';

/**
 * The parts of the data a cached read depends on. Clearing `credentials` or `data` changes the read
 * generation (answers remembered whole depend on those); `transcripts` changes with every step of
 * the transcript job, and nothing remembered whole depends on it.
 */
type Part = 'credentials' | 'data' | 'transcripts';

/** What a store operation is to the cache. */
type Kind =
  /** A read that is cached; it depends on this part of the data. */
  | { cached: Part; list?: true }
  /** A read that is never cached (rare, or too varied to be worth it). */
  | 'uncached'
  /** A write: it clears the cached reads of these parts when it starts and when it settles. */
  | { writes: readonly Part[] }
  /** Work on data no cached read depends on (jobs, the log of background work): never clears the cache. */
  | 'background';

type MethodName<T> = { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T];

const CREDENTIALS: Kind = { writes: ['credentials'] };
const DATA: Kind = { writes: ['data'] };
const TRANSCRIPTS: Kind = { writes: ['transcripts'] };

/** Every operation of the store's API, classified: one that is not listed here does not compile. */
const KINDS: Record<MethodName<Store>, Kind> = {
  findCredential: { cached: 'credentials' },
  probeAttachment: { cached: 'data' },
  findServiceBySid: { cached: 'data' },
  attachedOperatorSids: { cached: 'data' },
  findCustomOperator: { cached: 'data' },
  // Pages of rows: kept only once asked for again (see ReadCacheLimits.listKeys).
  listCustomOperators: { cached: 'data', list: true },
  listServices: { cached: 'data', list: true },

  ping: 'uncached',
  close: 'uncached',
  externalChangeCounter: 'uncached',
  countAccounts: 'uncached',
  findServiceByUniqueName: 'uncached',
  schemaVersion: 'uncached',
  exportAccount: 'uncached',
  findAuthTokenCiphertext: 'uncached',

  insertAccount: CREDENTIALS,
  insertBootstrapAccount: CREDENTIALS,
  insertApiKey: CREDENTIALS,
  deleteApiKey: CREDENTIALS,
  setAuthTokenHash: CREDENTIALS,
  storeAuthTokenCiphertext: CREDENTIALS,

  insertService: DATA,
  insertServiceWithinQuota: DATA,
  updateService: DATA,
  deleteService: DATA,
  attachOperator: DATA,
  detachOperator: DATA,
  insertCustomOperator: DATA,
  insertCustomOperatorWithinQuota: DATA,
  updateCustomOperator: DATA,
  deleteCustomOperator: DATA,
  importAccount: DATA,
  resetAccount: DATA,

  // The job queue: no cached read depends on its rows, and workers poll it.
  enqueueJob: 'background',
  claimJobs: 'background',
  hasDueJobs: 'background',
  extendJobLease: 'background',
  completeJob: 'background',
  failJob: 'background',
  findJob: 'background',
  watchJobs: 'background',
  enqueueJobUnlessQueued: 'background',

  // Alerts: a log that no cached read depends on, and whose reads are not cached (rare, filtered).
  insertAlert: 'background',
  deleteAlertsGeneratedBefore: 'background',
  findAlert: 'uncached',
  listAlerts: 'uncached',

  // Transcripts: a transcript and its operator results are read on every poll of its status and of
  // its results, and change only while its job runs (each step clears them). Lists, sentences and
  // the job's own reads are not cached (varied, or large).
  findTranscript: { cached: 'transcripts' },
  listOperatorResults: { cached: 'transcripts' },
  findOperatorResult: { cached: 'transcripts' },
  findTranscriptForJob: 'uncached',
  listTranscripts: 'uncached',
  listSentences: 'uncached',
  insertTranscript: TRANSCRIPTS,
  deleteTranscript: TRANSCRIPTS,
  startTranscript: TRANSCRIPTS,
  setTranscriptMedia: TRANSCRIPTS,
  replaceSentences: TRANSCRIPTS,
  replaceOperatorResults: TRANSCRIPTS,
  completeTranscript: TRANSCRIPTS,
  failTranscript: TRANSCRIPTS,

  // Clears what its operations write (see withReadCache), when each starts and when it settles.
  transaction: { writes: [] },
};

/**
 * How much one cached read may hold before it is emptied (the hot set refills it at once), so that
 * paging with forged cursors cannot fill the memory: answers, and the rows in list answers. Rows
 * kept here outlive young-generation collections and grow V8's heap (bench/README.md, "Storage
 * measurements"). A single answer counts no rows: those are bounded by the number of answers.
 */
export interface ReadCacheLimits {
  entries: number;
  rows: number;
  /** A page is kept only when its key was asked for before (a walk through pages never is); at most this many such keys. */
  listKeys: number;
}

const DEFAULT_LIMITS: ReadCacheLimits = { entries: 10_000, rows: 5_000, listKeys: 1_000 };

const rowsIn = (value: unknown) => (Array.isArray(value) ? value.length : value instanceof Map ? value.size : 0);

/** Each cached store's generations (see readGeneration and transcriptsReadGeneration). */
const generations = new WeakMap<Store, { data: () => number; withTranscripts: () => number }>();

/**
 * A number that changes whenever anything a cached read of the credentials or the operator plane's
 * data answers may have changed (a write here, another connection's commit; transcripts' writes
 * leave it), for a store that withReadCache made; null for any other store,
 * of which nothing is known to stay unchanged. Whatever was made from reads that began at
 * generation g is still what those reads would answer while the generation is g.
 */
export function readGeneration(store: Store): number | null {
  return generations.get(store)?.data() ?? null;
}

/** Like readGeneration, and changing with every write of a transcript or its results too. */
export function transcriptsReadGeneration(store: Store): number | null {
  return generations.get(store)?.withTranscripts() ?? null;
}

/** The values cached answers resolved to, by answer: see settledAnswer. */
const settledValues = new WeakMap<Promise<unknown>, { value: unknown }>();

/**
 * What `answer` resolved to, if it is a cached answer that has resolved: a caller that holds the
 * answer can then go on at once instead of waiting a turn of the microtask queue for the same value.
 */
export function settledAnswer<T>(answer: Promise<T>): { value: T } | undefined {
  return settledValues.get(answer) as { value: T } | undefined;
}

/** One cached read's answers by key. */
class Answers {
  private readonly entries = new Map<string, Promise<unknown>>();
  private rows = 0;
  /** For a list read: the keys asked for once and not kept yet (null: every answer is kept). */
  private readonly askedOnce: Set<string> | null;

  constructor(
    private readonly limits: ReadCacheLimits,
    isList: boolean,
  ) {
    this.askedOnce = isList ? new Set() : null;
  }

  get(key: string): Promise<unknown> | undefined {
    return this.entries.get(key);
  }

  remember(key: string, answer: Promise<unknown>): void {
    if (this.askedOnce !== null && !this.askedOnce.delete(key)) {
      if (this.askedOnce.size >= this.limits.listKeys) this.askedOnce.clear();
      this.askedOnce.add(key);
      return;
    }
    if (this.entries.size >= this.limits.entries) this.clear();
    this.entries.set(key, answer);
    answer.then(
      (value) => {
        settledValues.set(answer, { value });
        if (this.entries.get(key) !== answer) return;
        this.rows += rowsIn(value);
        if (this.rows > this.limits.rows) this.clear();
      },
      // A failed read (the database is unavailable) is not remembered.
      () => {
        if (this.entries.get(key) === answer) this.entries.delete(key);
      },
    );
  }

  clear(): void {
    if (this.entries.size > 0) this.entries.clear();
    this.rows = 0;
  }
}

type Method = (...args: unknown[]) => unknown;

function keyOf(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return args.every((arg) => typeof arg === 'string') ? args.join('\u0000') : JSON.stringify(args);
}

/**
 * Answers `store` with its hot reads cached, or `store` itself when it cannot tell whether another
 * process wrote (PostgreSQL: there the authenticator trusts a credential for a second instead).
 * Cached answers are shared: callers must not modify what a store read returns.
 */
export function withReadCache(store: Store, limits: ReadCacheLimits = DEFAULT_LIMITS): Store {
  if (store.externalChangeCounter() === null) return store;
  // One cache per cached method (so that two methods' arguments never share a key), listed by part.
  const caches: Record<Part, Answers[]> = { credentials: [], data: [], transcripts: [] };
  let lastCounter: number | null = null;
  let checkedThisTurn = false;
  let generation = 0;
  let transcriptsGeneration = 0;
  const endTurn = () => {
    checkedThisTurn = false;
  };
  const clear = (parts: readonly Part[]) => {
    if (parts.some((part) => part !== 'transcripts')) generation++;
    if (parts.includes('transcripts')) transcriptsGeneration++;
    for (const part of parts) for (const cache of caches[part]) cache.clear();
  };
  /** Once per turn of the event loop: has another connection committed since the last look? */
  const seeOtherWriters = () => {
    if (checkedThisTurn) return;
    const counter = store.externalChangeCounter();
    checkedThisTurn = true;
    setImmediate(endTurn);
    if (counter !== lastCounter) {
      lastCounter = counter;
      clear(['credentials', 'data', 'transcripts']);
    }
  };

  /** `method` as a write that clears `parts` when it starts and when it settles. */
  const writing =
    (method: Method, self: unknown, parts: readonly Part[]): Method =>
    (...args) => {
      clear(parts);
      const result = method.apply(self, args);
      if (!(result instanceof Promise)) return result;
      const settled = () => clear(parts);
      result.then(settled, settled);
      return result;
    };
  /** A unit of work's operations: its writes clear what they touch, once more when it settles. */
  const unitOfWork = (tx: StoreOperations, touched: Set<Part>): StoreOperations => {
    const classified = Object.create(tx) as Record<string, unknown>;
    for (const [name, kind] of Object.entries(KINDS)) {
      if (typeof kind !== 'object' || !('writes' in kind) || !(name in tx)) continue;
      const write = writing((tx as unknown as Record<string, Method>)[name]!, tx, kind.writes);
      classified[name] = (...args: unknown[]) => {
        for (const part of kind.writes) touched.add(part);
        return write(...args);
      };
    }
    return classified as unknown as StoreOperations;
  };

  const cached = Object.create(store) as Record<string, unknown>;
  const inner = store as unknown as Record<string, Method>;
  for (const [name, kind] of Object.entries(KINDS) as Array<[MethodName<Store>, Kind]>) {
    if (kind === 'uncached' || kind === 'background') continue;
    const method = inner[name];
    if (method === undefined) throw new Error(`The store has no method ${name}`);
    if ('cached' in kind) {
      const cache = new Answers(limits, kind.list === true);
      caches[kind.cached].push(cache);
      cached[name] = (...args: unknown[]) => {
        seeOtherWriters();
        const key = keyOf(args);
        const hit = cache.get(key);
        if (hit !== undefined) return hit;
        const answer = method.apply(store, args) as Promise<unknown>;
        cache.remember(key, answer);
        return answer;
      };
    } else if (name === 'transaction') {
      cached[name] = <T>(work: (tx: StoreOperations) => Promise<T>): Promise<T> => {
        const touched = new Set<Part>();
        const result = store.transaction((tx) => work(unitOfWork(tx, touched)));
        const settled = () => clear([...touched]);
        result.then(settled, settled);
        return result;
      };
    } else {
      cached[name] = writing(method, store, kind.writes);
    }
  }
  generations.set(cached as unknown as Store, {
    data: () => {
      seeOtherWriters();
      return generation;
    },
    // Two counters that only grow: their sum changes whenever either does.
    withTranscripts: () => {
      seeOtherWriters();
      return generation + transcriptsGeneration;
    },
  });
  return cached as unknown as Store;
}
