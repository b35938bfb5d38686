// A store for the job tests on TEST_STORE's backend: a SQLite file in a fresh directory, or a fresh
// PostgreSQL schema; `url` is a DATABASE_URL for another process on the same data.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { SqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';
import { testDatabaseUrl } from '../helpers/postgres.js';
import { testStoreKind } from '../helpers/server.js';
import { freshPostgres } from '../postgres/stores.js';

export interface JobStore {
  store: Store;
  /** DATABASE_URL of the same data, for a server process. */
  url: string;
  /** Raw SQL on a connection of its own (the tests' idempotency records). */
  sql(text: string, values?: unknown[]): Promise<Array<Record<string, unknown>>>;
  dispose(): Promise<void>;
}

export async function jobStore(): Promise<JobStore> {
  if (testStoreKind() === 'postgres') {
    const fresh = await freshPostgres();
    const url = new URL(testDatabaseUrl());
    url.searchParams.set('options', `-c search_path=${fresh.schema}`);
    const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
    return {
      store: fresh.store,
      url: url.toString(),
      sql: async (text, values) => (await pool.query(text, values)).rows,
      async dispose() {
        await pool.end();
        await fresh.dispose();
      },
    };
  }
  const directory = mkdtempSync(join(tmpdir(), 'intelligence-jobs-'));
  const filename = join(directory, 'intelligence.db');
  const store = await SqliteStore.open({ filename });
  return {
    store,
    url: `sqlite:${filename}`,
    sql: async (text, values = []) => {
      const statement = store.database.prepare(text);
      return statement.reader ? (statement.all(...values) as Array<Record<string, unknown>>) : (statement.run(...values), []);
    },
    async dispose() {
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
