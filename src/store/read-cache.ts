// A cache for the hot reads of a store that can tell when others wrote (SQLite): credentials, the
// attach probe, a service, its attachments, pages of services and custom operators. Every request
// reads a credential and most read a service, and these answers rarely change, so a hit saves a
// statement and its locks. An answer is kept until anything may have changed it:
// - this process's writes go through this wrapper, and each clears the cache it may touch, both
//   when it starts and when it settles (a read in between still sees the last committed state);
// - other processes' commits (the CLI revoking a key, a second server on the same file) change
//   SQLite's data_version, read once per turn of the event loop; a change clears everything.
// A request that arrives after another process's commit is therefore answered from the new data.
import { methodNames } from './method-names.js';
import type { Store } from './store.js';

type Part = 'credentials' | 'data';

/** The reads that are cached, and the part of the data each depends on. */
const CACHED_READS: Record<string, Part> = {
  findCredential: 'credentials',
  probeAttachment: 'data',
  findServiceBySid: 'data',
  attachedOperatorSids: 'data',
  findCustomOperator: 'data',
  listCustomOperators: 'data',
  listServices: 'data',
};

/** Calls that change nothing and are not cached. */
const UNCACHED_READS = new Set([
  'ping',
  'close',
  'externalChangeCounter',
  'countAccounts',
  'findServiceByUniqueName',
  'schemaVersion',
  'exportAccount',
]);

/** Writes that touch accounts and keys only. Every other call, a new one too, is taken to touch all. */
const CREDENTIAL_WRITES = new Set(['insertAccount', 'insertBootstrapAccount', 'insertApiKey', 'deleteApiKey']);
/** Writes that touch services, operators and attachments only. */
const DATA_WRITES = new Set([
  'insertService',
  'updateService',
  'deleteService',
  'attachOperator',
  'detachOperator',
  'insertCustomOperator',
  'insertServiceWithinQuota',
  'insertCustomOperatorWithinQuota',
  'updateCustomOperator',
  'deleteCustomOperator',
  'importAccount',
  'resetAccount',
]);

/** Reads that answer a page of rows: kept only once asked for again (see ReadCacheLimits.listKeys). */
const LIST_READS = new Set(['listCustomOperators', 'listServices']);

/**
 * How much one cached read may hold before it is emptied (the hot set refills it at once): answers,
 * and the rows in list answers (a page of 1,000 custom operators counts 1,000), so that paging with
 * forged cursors cannot fill the memory. Rows kept here outlive young-generation collections, and
 * V8 lets its heap grow with what it had to keep: clients paging through 1,000,000 services took the
 * server to ~400 MB at 100,000 rows, ~275 MB at 20,000 and ~215 MB at 5,000 (100 pages of 50, still
 * more than a hot set). A single answer (a credential, an attach probe, a service) counts no rows:
 * those are bounded by the number of answers.
 */
export interface ReadCacheLimits {
  entries: number;
  rows: number;
  /**
   * A page is kept only when its key was asked for before, and this many such keys are known at
   * most. A client walking through pages never asks for one again, and keeping each for the moment
   * before the cache was emptied made V8 promote it to the old generation: about one walk in five
   * through 1,000,000 services peaked at 253–357 MB (190–210 MB the others); with pages kept only
   * when asked for again, 191–220 MB in each of 10.
   */
  listKeys: number;
}

const DEFAULT_LIMITS: ReadCacheLimits = { entries: 10_000, rows: 5_000, listKeys: 1_000 };

const rowsIn = (value: unknown) => (Array.isArray(value) ? value.length : value instanceof Map ? value.size : 0);

/** Each cached store's generation (see readGeneration). */
const generations = new WeakMap<Store, () => number>();

/**
 * A number that changes whenever anything a cached read answers may have changed (a write here,
 * another connection's commit), for a store that withReadCache made; null for any other store,
 * of which nothing is known to stay unchanged. Whatever was made from reads that began at
 * generation g is still what those reads would answer while the generation is g.
 */
export function readGeneration(store: Store): number | null {
  return generations.get(store)?.() ?? null;
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
  const caches: Record<Part, Answers[]> = { credentials: [], data: [] };
  let lastCounter: number | null = null;
  let checkedThisTurn = false;
  let generation = 0;
  const endTurn = () => {
    checkedThisTurn = false;
  };
  const clear = (parts: readonly Part[]) => {
    generation++;
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
      clear(['credentials', 'data']);
    }
  };

  const cached = Object.create(store) as Record<string, unknown>;
  const inner = store as unknown as Record<string, Method>;
  for (const name of methodNames(store)) {
    const method = inner[name];
    const part = CACHED_READS[name];
    if (part !== undefined) {
      const cache = new Answers(limits, LIST_READS.has(name));
      caches[part].push(cache);
      cached[name] = (...args: unknown[]) => {
        seeOtherWriters();
        const key = keyOf(args);
        const hit = cache.get(key);
        if (hit !== undefined) return hit;
        const answer = method.apply(store, args) as Promise<unknown>;
        cache.remember(key, answer);
        return answer;
      };
    } else if (!UNCACHED_READS.has(name)) {
      const parts: readonly Part[] = CREDENTIAL_WRITES.has(name)
        ? ['credentials']
        : DATA_WRITES.has(name)
          ? ['data']
          : ['credentials', 'data'];
      cached[name] = (...args: unknown[]) => {
        clear(parts);
        const result = method.apply(store, args);
        if (!(result instanceof Promise)) return result;
        const settled = () => clear(parts);
        result.then(settled, settled);
        return result;
      };
    }
  }
  generations.set(cached as unknown as Store, () => {
    seeOtherWriters();
    return generation;
  });
  return cached as unknown as Store;
}
