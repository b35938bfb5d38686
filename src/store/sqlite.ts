// The embedded store: SQLite through better-sqlite3, WAL mode. Every operation is one synchronous
// transaction, so within a process each rule is checked and written atomically; BEGIN IMMEDIATE
// keeps that true when a second process (the CLI) writes to the same file. The operations live in
// one module per resource (src/store/<resource>/sqlite.ts); this file opens, migrates and composes.
import Database from 'better-sqlite3';
import { sqliteAccounts } from './accounts/sqlite.js';
import { sqliteAlerts } from './alerts/sqlite.js';
import { sqliteAttachments } from './attachments/sqlite.js';
import { sqliteJobs } from './jobs/sqlite.js';
import { ComposedStore } from './operations.js';
import { sqliteOperators } from './operators/sqlite.js';
import { sqliteServices } from './services/sqlite.js';
import { prepareOwnerOnlyFiles } from './sqlite-files.js';
import { sqliteSnapshots } from './snapshots/sqlite.js';
import { sqliteTranscripts } from './transcripts/sqlite.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';
import { isBusy, type SqliteContext } from './sqlite-context.js';
import { BUSY_ATTEMPT_MS, BUSY_DEADLINE_MS, BUSY_RETRY_MS, GroupCommit } from './sqlite-group-commit.js';
import { loadMigrator, migrate, migrationFiles, type MigrationLedger } from './migrator.js';
import type { Store, StoreOperations } from './store.js';

/** The operations of every resource, on one context; `enqueued` hears of each job this process enqueues. */
const sqliteOperations = (ctx: SqliteContext, enqueued: () => void): StoreOperations => {
  const jobs = sqliteJobs(ctx);
  return {
    ...sqliteAccounts(ctx),
    ...sqliteServices(ctx),
    ...sqliteAttachments(ctx),
    ...sqliteOperators(ctx),
    ...sqliteSnapshots(ctx),
    ...sqliteTranscripts(ctx),
    ...jobs,
    ...sqliteAlerts(ctx),
    enqueueJob: (job) =>
      jobs.enqueueJob(job).then((id) => {
        enqueued();
        return id;
      }),
    enqueueJobUnlessQueued: (job) =>
      jobs.enqueueJobUnlessQueued(job).then((id) => {
        if (id !== null) enqueued();
        return id;
      }),
  };
};

/** Inside a unit of work each write runs at once, as a savepoint (so a failing one undoes only itself). */
const settle = <T>(work: () => T): Promise<T> => {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error);
  }
};

/** How long opening waits for another process's write lock (it may be migrating a big database). */
const MIGRATION_BUSY_TIMEOUT_MS = 600_000;

/** The page size of a database this store creates, bytes. */
export const NEW_DATABASE_PAGE_SIZE = 2048;

export interface SqliteOptions {
  /** A file path, or ':memory:'. */
  filename: string;
  /** NORMAL survives a process crash (kill -9); FULL also survives power loss, at a write cost. */
  synchronous?: 'NORMAL' | 'FULL';
}

export class SqliteStore extends ComposedStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly checkpointer: SqliteCheckpointer | null = null;
  /** Every write goes through it: one transaction and one commit per turn of the event loop. */
  private readonly writes: GroupCommit;
  protected readonly operations: StoreOperations;
  /** The operations as they run inside a unit of work (see transaction). */
  private readonly inTransaction: StoreOperations;
  /** Settles when the last unit of work asked for has ended: they run one at a time. */
  private unitsOfWork: Promise<void> = Promise.resolve();
  /** This process's job watchers (see watchJobs): other processes' enqueues are found by polling. */
  private readonly jobWatchers = new Set<() => void>();

  /** Opens the database file (created when missing) and applies pending migrations. */
  static async open<S extends SqliteStore>(
    this: new (db: Database.Database, options: SqliteOptions) => S,
    options: SqliteOptions,
  ): Promise<S> {
    if (options.filename !== ':memory:') prepareOwnerOnlyFiles(options.filename);
    const db = new Database(options.filename);
    try {
      // Small pages: a write logs each dirty page whole (measurements in bench/README.md). New files only.
      db.pragma(`page_size = ${NEW_DATABASE_PAGE_SIZE}`);
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
      db.pragma('foreign_keys = ON');
      // A process starting while another migrates a big database waits for it (it can take seconds).
      db.pragma(`busy_timeout = ${MIGRATION_BUSY_TIMEOUT_MS}`);
      await migrateSqlite(db);
      // At run time the event loop never waits long for a lock: writes retry on a timer (see GroupCommit).
      db.pragma(`busy_timeout = ${BUSY_ATTEMPT_MS}`);
    } catch (error) {
      db.close();
      throw error;
    }
    return new this(db, options);
  }

  /** A store on a database that open() has migrated: use open(). */
  constructor(
    private readonly db: Database.Database,
    options: SqliteOptions,
  ) {
    super();
    this.writes = new GroupCommit(
      this.db,
      (text) => this.sql(text),
      () => this.checkpointIfChanged(),
    );
    if (options.filename !== ':memory:') {
      // Checkpoints run on a worker thread (see sqlite-checkpointer.ts), never inside our commits.
      this.db.pragma('wal_autocheckpoint = 0');
      this.changesSeen = this.sql('SELECT total_changes()').pluck().get() as number;
      this.checkpointer = new SqliteCheckpointer({
        filename: options.filename,
        synchronous: options.synchronous ?? 'NORMAL',
        onFailure: (pages) => {
          if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${pages}`);
        },
      });
    }
    const sql = (text: string) => this.sql(text);
    const write = <T>(work: () => T) => this.writes.run(work);
    const enqueued = () => {
      for (const watcher of this.jobWatchers) watcher();
    };
    this.operations = sqliteOperations(
      {
        sql,
        write,
        autocommit: <T>(work: () => T): Promise<T> => {
          if (this.writes.held) return write(work);
          this.checkpointer?.committed();
          try {
            return Promise.resolve(work());
          } catch (error) {
            // The file is locked by another process: the group commit waits for it without blocking.
            return isBusy(error) ? write(work) : Promise.reject(error);
          }
        },
        read: (work) => this.db.transaction(work)(),
      },
      enqueued,
    );
    const inUnit = <T>(work: () => T) => settle(this.db.transaction(work));
    this.inTransaction = sqliteOperations({ sql, write: inUnit, autocommit: inUnit, read: (work) => work() }, enqueued);
  }

  /** For tests and tools: checkpoints the log now, on the worker (null for an in-memory database). */
  get checkpoints(): SqliteCheckpointer | null {
    return this.checkpointer;
  }

  /** Statements are prepared once and reused; SQL text is the cache key. */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (statement === undefined) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /** SQLite's total_changes() after the last batch. */
  private changesSeen = 0;

  /** Only a batch that changed rows needs a checkpoint (the bootstrap insert at start-up usually doesn't). */
  private checkpointIfChanged(): void {
    const changes = this.sql('SELECT total_changes()').pluck().get() as number;
    if (changes !== this.changesSeen) {
      this.changesSeen = changes;
      this.checkpointer?.committed();
    }
  }

  /** For tests and tools: the raw database. */
  get database(): Database.Database {
    return this.db;
  }

  async ping(): Promise<void> {
    this.sql('SELECT 1').get();
  }

  async watchJobs(listener: () => void): Promise<() => Promise<void>> {
    // A job enqueued in a unit of work is claimable once it commits: the claim's write waits for that.
    const watcher = () => setImmediate(listener);
    this.jobWatchers.add(watcher);
    return async () => {
      this.jobWatchers.delete(watcher);
    };
  }

  /** SQLite's data_version: changes when another connection commits, never for this one's own commits. */
  externalChangeCounter(): number {
    return this.sql('PRAGMA data_version').pluck().get() as number;
  }

  async close(): Promise<void> {
    this.writes.flush();
    // The worker's connection first: the last connection to close checkpoints and removes the log.
    await this.checkpointer?.close();
    if (this.db.open) this.db.close();
  }

  async schemaVersion(): Promise<{ applied: number; expected: number }> {
    return { applied: this.sql('SELECT count(*) FROM migrations').pluck().get() as number, expected: migrationFiles('sqlite').length };
  }

  /** BEGIN IMMEDIATE, waiting for another process's write lock on a timer, as the group commit does. */
  private async beginImmediate(): Promise<void> {
    const started = Date.now();
    for (;;) {
      try {
        this.sql('BEGIN IMMEDIATE').run();
        return;
      } catch (error) {
        if (!isBusy(error) || Date.now() - started >= BUSY_DEADLINE_MS) throw error;
        await new Promise((resolve) => setTimeout(resolve, BUSY_RETRY_MS));
      }
    }
  }

  async transaction<T>(work: (tx: StoreOperations) => Promise<T>): Promise<T> {
    const previous = this.unitsOfWork;
    let done!: () => void;
    this.unitsOfWork = new Promise<void>((resolve) => (done = resolve));
    await previous;
    try {
      // Writes already waiting for this turn's commit come first, in the order they were asked.
      this.writes.flush();
      await this.beginImmediate();
      this.writes.hold();
      // Every request shares this connection: work that let the event loop turn would let other
      // requests read and write inside this transaction.
      let turned = false;
      const guard = setImmediate(() => (turned = true));
      try {
        const value = await work(this.inTransaction);
        if (turned) throw new Error('A unit of work on SQLite waited for something other than its own store operations');
        this.sql('COMMIT').run();
        return value;
      } catch (error) {
        if (this.db.inTransaction) this.sql('ROLLBACK').run();
        throw error;
      } finally {
        clearImmediate(guard);
        this.writes.release();
      }
    } finally {
      this.checkpointIfChanged();
      done();
    }
  }
}

/**
 * Applies pending migrations in one IMMEDIATE transaction: processes opening the file together
 * take turns, and each later one finds the work done. A database made before migrations were files
 * counted them in user_version: those are the first files, recorded with their checksums. The
 * count is kept in user_version too.
 */
async function migrateSqlite(db: Database.Database): Promise<void> {
  const files = migrationFiles('sqlite');
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'").get() !== undefined;
  const Umzug = await loadMigrator(files, table ? (db.prepare('SELECT count(*) FROM migrations').pluck().get() as number) : 0);
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec('CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    const record = db.prepare('INSERT INTO migrations (name, checksum, applied_at) VALUES (?, ?, ?)');
    const legacy = db.pragma('user_version', { simple: true }) as number;
    if (legacy > 0 && db.prepare('SELECT 1 FROM migrations LIMIT 1').get() === undefined) {
      for (const file of files.slice(0, legacy)) record.run(file.name, file.checksum, Date.now());
    }
    const ledger: MigrationLedger = {
      applied: async () =>
        db.prepare('SELECT name, checksum FROM migrations ORDER BY name').all() as Array<{ name: string; checksum: string }>,
      async apply(file) {
        db.exec(file.sql);
        record.run(file.name, file.checksum, Date.now());
      },
    };
    await migrate(files, ledger, Umzug);
    db.pragma(`user_version = ${db.prepare('SELECT count(*) FROM migrations').pluck().get() as number}`);
    db.exec('COMMIT');
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
