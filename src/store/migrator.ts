// Schema migrations from files (src/store/migrations/<dialect>/NNNN-name.sql, copied beside the
// built server), applied in name order by umzug. Each applied file is recorded with its SHA-256:
// a file changed after it was applied stops the start-up. Migrations this build does not know (a
// newer build's, during a rolling upgrade) are left alone.
// The caller holds the database's lock (and transaction) around `migrate`, so processes starting
// together apply each file once. umzug is loaded only when a file is pending.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface AppliedMigration {
  name: string;
  checksum: string;
}

/** What a backend gives the migrator, inside its lock. */
export interface MigrationLedger {
  /** The migrations recorded as applied. */
  applied(): Promise<AppliedMigration[]>;
  /** Runs one file's SQL and records it, in the caller's transaction. */
  apply(file: MigrationFile): Promise<void>;
}

const cache = new Map<string, MigrationFile[]>();

/** This build's migrations for a dialect, in the order they apply. */
export function migrationFiles(dialect: 'sqlite' | 'postgres'): MigrationFile[] {
  let files = cache.get(dialect);
  if (files === undefined) {
    const directory = new URL(`./migrations/${dialect}/`, import.meta.url);
    files = readdirSync(directory)
      .filter((name) => name.endsWith('.sql'))
      .sort()
      .map((name) => {
        const sql = readFileSync(new URL(name, directory), 'utf8');
        return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
      });
    cache.set(dialect, files);
  }
  return files;
}

type UmzugClass = typeof import('umzug').Umzug;

/**
 * umzug, loaded before the lock is taken when `recorded` (read without the lock) shows files may
 * be pending: loading it inside would let the event loop turn while the lock is held.
 */
export async function loadMigrator(files: MigrationFile[], recorded: number): Promise<UmzugClass | null> {
  return recorded < files.length ? (await import('umzug')).Umzug : null;
}

/** Checks what was applied against the files, then applies the pending files in order. */
export async function migrate(files: MigrationFile[], ledger: MigrationLedger, Umzug: UmzugClass | null): Promise<void> {
  const applied = await ledger.applied();
  const byName = new Map(files.map((file) => [file.name, file]));
  for (const migration of applied) {
    const file = byName.get(migration.name);
    if (file !== undefined && file.checksum !== migration.checksum) {
      throw new Error(
        `migration ${migration.name} was changed after it was applied (checksum ${migration.checksum} recorded, ` +
          `${file.checksum} now): restore the file, and add a new migration instead`,
      );
    }
  }
  const done = new Set(applied.map((migration) => migration.name));
  if (files.every((file) => done.has(file.name))) return;
  if (Umzug === null) throw new Error('migrations are pending, but the migrator was not loaded');
  const umzug = new Umzug({
    migrations: files.map((file) => ({ name: file.name, up: () => ledger.apply(file) })),
    storage: {
      executed: async () => [...done],
      logMigration: async ({ name }) => {
        done.add(name);
      },
      unlogMigration: async ({ name }) => {
        throw new Error(`migrations are never undone (${name})`);
      },
    },
    logger: undefined,
  });
  await umzug.up();
}
