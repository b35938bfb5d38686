// What every SQLite resource module works with: the connection's cached statements and the way a
// write reaches the database (the group commit, or directly inside an open unit of work).
import type Database from 'better-sqlite3';
import type { KeysetQuery } from './store.js';

export interface SqliteContext {
  /** Statements are prepared once and reused; SQL text is the cache key. */
  sql(text: string): Database.Statement;
  /** Runs `work` as one atomic write: in this turn's group commit, or at once inside a unit of work. */
  write<T>(work: () => T): Promise<T>;
  /**
   * Runs a single-statement write on its own (autocommit), which is cheaper than a batch; when the
   * file is busy, or a unit of work is open, it goes through `write` instead.
   */
  autocommit<T>(work: () => T): Promise<T>;
  /** Reads several statements from one snapshot. */
  read<T>(work: () => T): T;
}

export const flag = (value: boolean) => (value ? 1 : 0);

/** The account's rows in `table`, counted no further than `limit`: a quota check costs at most the quota. */
export const countUpTo = (ctx: SqliteContext, table: 'services' | 'custom_operators', accountSid: string, limit: number): number =>
  ctx.sql(`SELECT count(*) FROM (SELECT 1 FROM ${table} WHERE account_sid = ? LIMIT ?)`).pluck().get(accountSid, limit) as number;

export const isUniqueViolation = (error: unknown): boolean => (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';

export const isBusy = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT' || code === 'SQLITE_LOCKED';
};

/** Runs a keyset page query: `where` holds the filters, and the cursor condition is added. */
export function keysetRows(
  ctx: SqliteContext,
  table: string,
  columns: string,
  where: string,
  params: unknown[],
  query: KeysetQuery,
): unknown[][] {
  const select = `SELECT ${columns} FROM ${table} WHERE ${where}`;
  if (query.before !== undefined) {
    const rows = ctx
      .sql(`${select} AND (date_created, sid) < (?, ?) ORDER BY date_created DESC, sid DESC LIMIT ?`)
      .raw()
      .all(...params, query.before.createdMs, query.before.sid, query.limit) as unknown[][];
    return rows.reverse();
  }
  if (query.after !== undefined) {
    return ctx
      .sql(`${select} AND (date_created, sid) > (?, ?) ORDER BY date_created, sid LIMIT ?`)
      .raw()
      .all(...params, query.after.createdMs, query.after.sid, query.limit) as unknown[][];
  }
  return ctx
    .sql(`${select} ORDER BY date_created, sid LIMIT ?`)
    .raw()
    .all(...params, query.limit) as unknown[][];
}

export const accountExists = (ctx: SqliteContext, accountSid: string): boolean =>
  ctx.sql('SELECT 1 FROM accounts WHERE sid = ?').get(accountSid) !== undefined;
