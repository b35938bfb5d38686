// Which storage failures mean "the database is unavailable right now" (answered 503 20503 and
// retried by clients) rather than a bug (500).
import { methodNames } from './method-names.js';
import type { Store } from './store.js';

const unavailableSqliteCodes = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_READONLY', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_FULL'];
const unavailableNetworkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);

/** Errors that came out of a store call: only these may be network failures of the database (a client's aborted upload is ECONNRESET too). */
const fromStore = new WeakSet<object>();

export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (unavailableSqliteCodes.some((prefix) => code.startsWith(prefix))) return true;
    if (unavailableNetworkCodes.has(code)) return fromStore.has(error);
    // PostgreSQL: 08xxx connection exceptions, 57P0x operator intervention (shutdown), 53xxx resources.
    if (/^(08|53|57P0)/.test(code)) return true;
  }
  if (error instanceof Error && error.name === 'DatabaseUnavailable') return true;
  return (
    typeof message === 'string' &&
    /Connection terminated|connection timeout|Client has encountered a connection error|The database connection is not open/i.test(message)
  );
}

/**
 * The store with every error its calls reject with marked as its own. Only a networked store needs
 * it (SQLite's codes are its own), so SQLite is returned as is: no extra promise per call.
 */
export function markingStoreErrors(store: Store): Store {
  if (store.kind === 'sqlite') return store;
  const mark = (error: unknown) => {
    if (typeof error === 'object' && error !== null) fromStore.add(error);
    throw error;
  };
  const marking = Object.create(store) as Record<string, unknown>;
  for (const name of methodNames(store)) {
    // methodNames lists only names whose value is a function.
    const method = (store as unknown as Record<string, (...args: unknown[]) => unknown>)[name]!;
    marking[name] = (...args: unknown[]) => {
      try {
        const result = method.apply(store, args);
        return result instanceof Promise ? result.catch(mark) : result;
      } catch (error) {
        return mark(error);
      }
    };
  }
  return marking as unknown as Store;
}
