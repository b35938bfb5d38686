// The shared store: PostgreSQL through a pg connection pool, for several server processes (on one
// or many hosts) in front of one database. Behaviour is the SQLite store's, result for result; the
// rules that must hold across processes are enforced by the database itself (unique constraints,
// row locks, conditional updates: see each resource's postgres.ts). This file connects, migrates,
// and composes the resources' operations on the pool or on one unit of work's connection.
import pg from 'pg';
import { postgresAccounts } from './accounts/postgres.js';
import { postgresAlerts } from './alerts/postgres.js';
import { postgresAttachments } from './attachments/postgres.js';
import { JOBS_CHANNEL, postgresJobs } from './jobs/postgres.js';
import { ComposedStore } from './operations.js';
import { postgresOperators } from './operators/postgres.js';
import { isRetryable, MAX_TRANSACTION_ATTEMPTS, onlyRow, statementName, type PostgresContext, type Queryable } from './postgres-context.js';
import { loadMigrator, migrate, migrationFiles, type MigrationLedger } from './migrator.js';
import { postgresServices } from './services/postgres.js';
import { postgresSnapshots } from './snapshots/postgres.js';
import { postgresTranscripts } from './transcripts/postgres.js';
import type { Store, StoreOperations } from './store.js';

/** The operations of every resource, on one context. */
const postgresOperations = (ctx: PostgresContext): StoreOperations => ({
  ...postgresAccounts(ctx),
  ...postgresServices(ctx),
  ...postgresAttachments(ctx),
  ...postgresOperators(ctx),
  ...postgresSnapshots(ctx),
  ...postgresTranscripts(ctx),
  ...postgresJobs(ctx),
  ...postgresAlerts(ctx),
});

const INT8_OID = 20;
/** int8 (BIGINT, count(*)) as a JS number, for this pool only: the global parsers are left alone. */
const parseInt8 = (text: string): number => {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`BIGINT ${text} is outside JavaScript's safe integer range`);
  return value;
};
const poolTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && (format === undefined || format === 'text')) return parseInt8;
    return pg.types.getTypeParser(oid, format) as (value: string) => unknown;
  },
};

/** Advisory lock class for migrations (ASCII "INTS"); the schema's name hash is the second key. */
const MIGRATION_LOCK_CLASS = 0x494e5453;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Adds `-c search_path=<schema>` to the connection string's startup options. */
function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  const existing = parsed.searchParams.get('options');
  parsed.searchParams.set('options', [existing, `-c search_path=${schema}`].filter(Boolean).join(' '));
  return parsed.toString();
}

export interface PostgresOptions {
  /** postgres://user:password@host:port/database[?options] */
  url: string;
  /** Connections in this process's pool (PG_POOL_SIZE). */
  poolSize: number;
  /**
   * A schema to keep the tables in, created when missing and made every pooled connection's
   * search_path. Without it the tables live in the connection's current schema (usually public).
   */
  schema?: string;
  /** How long to wait for a connection (new or from the pool) before failing. */
  connectionTimeoutMs?: number;
}

export class PostgresStore extends ComposedStore implements Store {
  readonly kind = 'postgres' as const;
  protected readonly operations: StoreOperations;

  private constructor(
    private readonly pool: pg.Pool,
    /** The pool's connection string: job watchers listen on a connection of their own. */
    private readonly connectionString: string,
  ) {
    super();
    this.operations = postgresOperations({
      inUnitOfWork: false,
      rows: async <Row extends pg.QueryResultRow>(text: string, values: unknown[] = []) =>
        (await pool.query<Row>({ name: statementName(text), text, values })).rows,
      query: (text: string, values?: unknown[]) => pool.query(text, values),
      transaction: (work) => this.runTransaction(work),
      attempt: (work) => work(),
    });
  }

  /** Connects, creates the schema if asked, and applies pending migrations. */
  static async open(options: PostgresOptions): Promise<PostgresStore> {
    if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
      throw new Error(`PostgreSQL schema name must be lowercase letters, digits and _, got "${options.schema}"`);
    }
    const connectionString = options.schema === undefined ? options.url : withSearchPath(options.url, options.schema);
    const pool = new pg.Pool({
      connectionString,
      max: options.poolSize,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
      idleTimeoutMillis: 30_000,
      types: poolTypes,
      application_name: 'intelligence-server',
    });
    // An idle connection that breaks (database restart, network) must not crash the process;
    // the pool drops it and the next query opens a new one.
    pool.on('error', (error) => {
      process.stderr.write(`intelligence-server: idle PostgreSQL connection failed: ${error.message}\n`);
    });
    const store = new PostgresStore(pool, connectionString);
    try {
      await store.migrate(options.schema);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    return store;
  }

  private async migrate(schema: string | undefined): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const target = schema ?? onlyRow((await client.query<{ name: string | null }>('SELECT current_schema() AS name')).rows).name;
      if (target === null) {
        throw new Error('PostgreSQL: no schema on the search_path exists; create it, or connect with ?options=-c%20search_path%3D<schema>');
      }
      // Held until COMMIT: processes starting at once migrate one after another, and each later
      // one finds the work done. Keyed by schema, so unrelated schemas do not wait for each other.
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MIGRATION_LOCK_CLASS, target]);
      if (schema !== undefined) {
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
        await client.query(`SET LOCAL search_path TO ${quoteIdentifier(schema)}`);
      }
      const files = migrationFiles('postgres');
      const ledger = await postgresLedger(client);
      await migrate(files, ledger, await loadMigrator(files, (await ledger.applied()).length));
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Runs `work` in one transaction (READ COMMITTED plus explicit row locks), retrying deadlocks. */
  private async runTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          broken = rollbackError as Error;
        }
        if (attempt < MAX_TRANSACTION_ATTEMPTS && isRetryable(error)) continue;
        throw error;
      } finally {
        client.release(broken);
      }
    }
  }

  transaction<T>(work: (tx: StoreOperations) => Promise<T>): Promise<T> {
    return this.runTransaction((client) => work(unitOfWork(client)));
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  /**
   * LISTEN on a connection outside the pool (it is held for as long as the watch lasts). Should that
   * connection fail, the watch ends (logged) and the caller's bounded poll still finds every job.
   */
  async watchJobs(listener: () => void): Promise<() => Promise<void>> {
    const client = new pg.Client({ connectionString: this.connectionString, application_name: 'intelligence-server jobs' });
    client.on('error', (error) => {
      process.stderr.write(`intelligence-server: the job queue's LISTEN connection failed (polling goes on): ${error.message}\n`);
    });
    await client.connect();
    try {
      const { schema } = onlyRow((await client.query<{ schema: string }>('SELECT current_schema() AS schema')).rows);
      client.on('notification', (message) => {
        if (message.channel === JOBS_CHANNEL && message.payload === schema) listener();
      });
      await client.query(`LISTEN ${JOBS_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return () => client.end().catch(() => undefined);
  }

  /** Other processes' commits cannot be seen without a round trip, so nothing is cached on PostgreSQL. */
  externalChangeCounter(): null {
    return null;
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  async schemaVersion(): Promise<{ applied: number; expected: number }> {
    const row = onlyRow((await this.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM migrations')).rows);
    return { applied: row.n, expected: migrationFiles('postgres').length };
  }
}

/**
 * The record of applied migrations, on the connection that holds the migration lock. A schema made
 * before migrations were files has schema_migrations (a version number): its versions are the
 * first files, recorded here with their checksums, and that table goes.
 */
async function postgresLedger(client: pg.PoolClient): Promise<MigrationLedger> {
  await client.query(
    'CREATE TABLE IF NOT EXISTS migrations (name TEXT COLLATE "C" PRIMARY KEY, checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)',
  );
  const record = (name: string, checksum: string) =>
    client.query('INSERT INTO migrations (name, checksum, applied_at) VALUES ($1, $2, $3)', [name, checksum, Date.now()]);
  const legacy = onlyRow((await client.query<{ found: boolean }>("SELECT to_regclass('schema_migrations') IS NOT NULL AS found")).rows);
  if (legacy.found) {
    const row = onlyRow((await client.query<{ n: number }>('SELECT coalesce(max(version), 0)::int AS n FROM schema_migrations')).rows);
    for (const file of migrationFiles('postgres').slice(0, row.n)) await record(file.name, file.checksum);
    await client.query('DROP TABLE schema_migrations');
  }
  return {
    applied: async () =>
      (await client.query<{ name: string; checksum: string }>('SELECT name, checksum FROM migrations ORDER BY name')).rows,
    async apply(file) {
      await client.query(file.sql);
      await record(file.name, file.checksum);
    },
  };
}

/** The operations on one connection inside its open transaction. */
function unitOfWork(client: pg.PoolClient): StoreOperations {
  let savepoints = 0;
  return postgresOperations({
    inUnitOfWork: true,
    rows: async <Row extends pg.QueryResultRow>(text: string, values: unknown[] = []) =>
      (await client.query<Row>({ name: statementName(text), text, values })).rows,
    query: (text: string, values?: unknown[]) => client.query(text, values),
    transaction: <T>(work: (client: Queryable) => Promise<T>) => work(client),
    async attempt(work) {
      const savepoint = `attempt_${++savepoints}`;
      await client.query(`SAVEPOINT ${savepoint}`);
      try {
        const value = await work();
        await client.query(`RELEASE SAVEPOINT ${savepoint}`);
        return value;
      } catch (error) {
        await client.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
        throw error;
      }
    },
  });
}
