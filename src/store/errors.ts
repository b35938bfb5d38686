// Which storage failures mean "the database is unavailable right now" (answered 503 20503 and
// retried by clients) rather than a bug (500).
const unavailableSqliteCodes = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_READONLY', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_FULL'];
const unavailableNetworkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);

export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (unavailableSqliteCodes.some((prefix) => code.startsWith(prefix))) return true;
    if (unavailableNetworkCodes.has(code)) return true;
    // PostgreSQL: 08xxx connection exceptions, 57P0x operator intervention (shutdown), 53xxx resources.
    if (/^(08|53|57P0)/.test(code)) return true;
  }
  if (error instanceof Error && error.name === 'DatabaseUnavailable') return true;
  return typeof message === 'string' && /Connection terminated|connection timeout|Client has encountered a connection error|The database connection is not open/i.test(message);
}
