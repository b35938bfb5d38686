// PostgreSQL for tests: the test database (TEST_DATABASE_URL), a fresh schema per test server or
// test file, dropped afterwards, and a clear failure — never a silent pass — when it is down.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const START_POSTGRES_HINT = 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';

export function testDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
}

/** The URL without its password, for messages. */
function shown(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

let reachable: Promise<void> | undefined;

/** Resolves when the test database answers; otherwise rejects with how to start PostgreSQL. */
export function assertPostgresReachable(url = testDatabaseUrl()): Promise<void> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
    } catch (error) {
      const cause = (error as Error).message || String(error);
      if ((error as { code?: string }).code === '3D000') {
        const database = new URL(url).pathname.slice(1);
        throw new Error(
          `PostgreSQL at ${shown(url)} has no database "${database}" (${cause}) — create it with: ` +
            `createdb -h 127.0.0.1 -U postgres ${database}  (or set TEST_DATABASE_URL)`,
        );
      }
      throw new Error(`PostgreSQL is not reachable at ${shown(url)} (${cause}) — start it with: ${START_POSTGRES_HINT}`);
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return reachable;
}

/** A schema name no other test run uses: t_<unix seconds>_<random>, so stale ones can be found by age. */
export function newSchemaName(): string {
  return `t_${Math.floor(Date.now() / 1000)}_${randomBytes(6).toString('hex')}`;
}

async function withClient<T>(work: (client: pg.Client) => Promise<T>, url = testDatabaseUrl()): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function createSchema(schema: string, url = testDatabaseUrl()): Promise<void> {
  await withClient((client) => client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`), url);
}

export async function dropSchema(schema: string, url = testDatabaseUrl()): Promise<void> {
  await withClient((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`), url);
}

/** Drops test schemas (t_<seconds>_…) created more than `olderThanSeconds` ago: leftovers of killed runs. */
export async function dropStaleSchemas(olderThanSeconds: number, url = testDatabaseUrl()): Promise<string[]> {
  return withClient(async (client) => {
    const { rows } = await client.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname ~ '^t_[0-9]+_[0-9a-f]+$'`);
    const cutoff = Date.now() / 1000 - olderThanSeconds;
    const stale = rows.map((row) => row.nspname).filter((name) => Number(name.split('_')[1]) < cutoff);
    for (const name of stale) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    return stale;
  }, url);
}

/** A DATABASE_URL whose connections use `schema` (for server processes, which take no schema option). */
export function urlWithSearchPath(schema: string, url = testDatabaseUrl()): string {
  const parsed = new URL(url);
  const existing = parsed.searchParams.get('options');
  parsed.searchParams.set('options', [existing, `-c search_path=${schema}`].filter(Boolean).join(' '));
  return parsed.toString();
}
