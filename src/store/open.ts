// Opens the store that DATABASE_URL names.
import type { Config } from '../config.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './store.js';

export async function openStore(config: Pick<Config, 'database' | 'sqliteSynchronous' | 'pgPoolSize'>): Promise<Store> {
  const { database } = config;
  if (database.kind === 'sqlite') {
    return new SqliteStore({ filename: database.filename, synchronous: config.sqliteSynchronous });
  }
  throw new Error('PostgreSQL storage is not available in this build');
}
