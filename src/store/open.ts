// Opens the store that DATABASE_URL names: SQLite (one machine) or PostgreSQL (several processes).
import type { Config } from '../config.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './store.js';

export async function openStore(config: Pick<Config, 'database' | 'sqliteSynchronous' | 'pgPoolSize'>): Promise<Store> {
  const { database } = config;
  if (database.kind === 'sqlite') {
    return SqliteStore.open({ filename: database.filename, synchronous: config.sqliteSynchronous });
  }
  // Loaded only when used: the PostgreSQL driver costs tens of milliseconds of every SQLite start.
  const { PostgresStore } = await import('./postgres.js');
  return PostgresStore.open({ url: database.url, poolSize: config.pgPoolSize });
}
