// What every PostgreSQL resource module works with: queries on the pool (each its own transaction)
// or on the connection of an open unit of work, and the helpers the resources share.
import type pg from 'pg';
import type { KeysetQuery, UpdateOutcome } from './store.js';

/** A connection, the pool (each query on any pooled connection), or a context. */
export interface Queryable {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg's own default row type
  query<Row extends pg.QueryResultRow = any>(text: string, values?: unknown[]): Promise<pg.QueryResult<Row>>;
}

export interface PostgresContext extends Queryable {
  /** True for the operations a unit of work hands out (they share its one transaction). */
  readonly inUnitOfWork: boolean;
  /** A query as a named prepared statement (parsed once per connection). */
  rows<Row extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<Row[]>;
  /** Runs `work` in one transaction (READ COMMITTED plus explicit row locks), or in the open unit of work. */
  transaction<T>(work: (client: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs a write whose failure is an answer (a unique name taken): inside a unit of work a failed
   * statement would abort the whole transaction, so there it runs under a savepoint.
   */
  attempt<T>(work: () => Promise<T>): Promise<T>;
}

export const errorCode = (error: unknown): string | undefined => (error as { code?: string } | null)?.code;

/** Advisory lock class for per-account quotas (ASCII "QUOT"); the account SID's hash is the second key. */
const QUOTA_LOCK_CLASS = 0x51554f54;

/**
 * Takes the account's quota lock, held until COMMIT (so the account's creates run one after
 * another, across processes), then answers whether it holds fewer than `limit` rows of `table`,
 * counted no further than `limit`. The count is a statement after the lock: its snapshot sees
 * every create committed before.
 */
export async function underQuota(
  client: Queryable,
  table: 'services' | 'custom_operators',
  accountSid: string,
  limit: number,
): Promise<boolean> {
  await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [QUOTA_LOCK_CLASS, accountSid]);
  return (await heldUpTo(client, table, accountSid, limit)) < limit;
}

/** The account's rows in `table`, counted no further than `limit`: a quota check costs at most the quota. */
export async function heldUpTo(
  client: Queryable,
  table: 'services' | 'custom_operators',
  accountSid: string,
  limit: number,
): Promise<number> {
  const counted = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${table} WHERE account_sid = $1 LIMIT $2) AS held`,
    [accountSid, limit],
  );
  return counted.rows[0]?.n ?? 0;
}

/** Deadlock or serialisation failure: the transaction was rolled back and may simply run again. */
export const isRetryable = (error: unknown) => errorCode(error) === '40P01' || errorCode(error) === '40001';
export const MAX_TRANSACTION_ATTEMPTS = 5;

/**
 * PostgreSQL text cannot hold NUL, so no stored value contains one: a lookup by such a string
 * finds nothing (as it would in SQLite, where it could only match a value that also holds NUL).
 */
/** The row of a query that always returns exactly one (an aggregate, an INSERT … RETURNING). */
export function onlyRow<Row>(rows: Row[]): Row {
  const [row] = rows;
  if (row === undefined) throw new Error('PostgreSQL returned no row where one was expected');
  return row;
}

export const hasNul = (...values: string[]) => values.some((value) => value.includes('\0'));

/** One name per distinct SQL text, for the whole process: a name must always mean the same text. */
const statementNames = new Map<string, string>();
export function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `intelligence_${statementNames.size + 1}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * Runs a keyset page query: `where` holds the filters (parameters $1…$n), and the cursor
 * condition is added. (date_created, sid) row comparison with sid in byte order, as in SQLite.
 */
export async function keysetRows<Row extends pg.QueryResultRow>(
  ctx: PostgresContext,
  table: string,
  columns: string,
  where: string,
  params: unknown[],
  query: KeysetQuery,
): Promise<Row[]> {
  const n = params.length;
  if (query.before !== undefined) {
    if (hasNul(query.before.sid)) return [];
    const rows = await ctx.rows<Row>(
      `SELECT ${columns} FROM ${table} WHERE ${where} AND (date_created, sid) < ($${n + 1}::bigint, $${n + 2}::text)
         ORDER BY date_created DESC, sid DESC LIMIT $${n + 3}`,
      [...params, query.before.createdMs, query.before.sid, query.limit],
    );
    return rows.reverse();
  }
  if (query.after !== undefined) {
    if (hasNul(query.after.sid)) return [];
    return ctx.rows<Row>(
      `SELECT ${columns} FROM ${table} WHERE ${where} AND (date_created, sid) > ($${n + 1}::bigint, $${n + 2}::text)
         ORDER BY date_created, sid LIMIT $${n + 3}`,
      [...params, query.after.createdMs, query.after.sid, query.limit],
    );
  }
  return ctx.rows<Row>(`SELECT ${columns} FROM ${table} WHERE ${where} ORDER BY date_created, sid LIMIT $${n + 1}`, [
    ...params,
    query.limit,
  ]);
}

/**
 * The If-Match rule: `update` writes only while the stored version is `expectedVersion` (a
 * conditional UPDATE, so of N concurrent writers with the same expectation exactly one wins).
 * When it writes nothing, the row's current version says why: gone, or changed by someone else.
 */
export async function conditionalUpdate<T>(
  ctx: PostgresContext,
  update: () => Promise<UpdateOutcome<T> | null>,
  table: 'services' | 'custom_operators',
  accountSid: string,
  sid: string,
  expectedVersion: number,
): Promise<UpdateOutcome<T>> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await update();
    if (outcome !== null) return outcome;
    const [current] = await ctx.rows<{ version: number }>(`SELECT version FROM ${table} WHERE sid = $1 AND account_sid = $2`, [
      sid,
      accountSid,
    ]);
    if (current === undefined) return { status: 'not-found' };
    if (current.version !== expectedVersion || attempt >= MAX_TRANSACTION_ATTEMPTS) {
      return { status: 'version-mismatch', currentVersion: current.version };
    }
    // Only possible when the caller expected a version the row had not reached when the UPDATE
    // ran but has reached since: try again, as SQLite's single serial step would have succeeded.
  }
}

export const accountExists = async (client: Queryable, accountSid: string): Promise<boolean> =>
  ((await client.query('SELECT 1 FROM accounts WHERE sid = $1', [accountSid])).rowCount ?? 0) > 0;
