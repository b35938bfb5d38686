// The PostgreSQL migrations as the build before migration files applied them (schema_migrations
// counting versions): tests make databases of that build with them and upgrade them in place.
export const postgresMigrations: string[] = [
  `CREATE TABLE accounts (
     sid TEXT COLLATE "C" PRIMARY KEY,
     friendly_name TEXT,
     auth_token_hash TEXT NOT NULL,
     date_created BIGINT NOT NULL
   );
   CREATE TABLE api_keys (
     sid TEXT COLLATE "C" PRIMARY KEY,
     account_sid TEXT COLLATE "C" NOT NULL REFERENCES accounts(sid) ON DELETE CASCADE,
     friendly_name TEXT,
     secret_hash TEXT NOT NULL,
     date_created BIGINT NOT NULL
   );
   CREATE TABLE services (
     sid TEXT COLLATE "C" PRIMARY KEY,
     account_sid TEXT COLLATE "C" NOT NULL,
     unique_name TEXT COLLATE "C" NOT NULL,
     friendly_name TEXT,
     language_code TEXT NOT NULL,
     auto_redaction BOOLEAN NOT NULL,
     media_redaction BOOLEAN NOT NULL,
     auto_transcribe BOOLEAN NOT NULL,
     data_logging BOOLEAN NOT NULL,
     webhook_url TEXT,
     webhook_http_method TEXT,
     encryption_credential_sid TEXT,
     version INTEGER NOT NULL,
     date_created BIGINT NOT NULL,
     date_updated BIGINT NOT NULL,
     CONSTRAINT services_account_unique_name UNIQUE (account_sid, unique_name)
   );
   CREATE INDEX services_by_account_created ON services (account_sid, date_created, sid);
   CREATE TABLE custom_operators (
     sid TEXT COLLATE "C" PRIMARY KEY,
     account_sid TEXT COLLATE "C" NOT NULL,
     friendly_name TEXT NOT NULL,
     description TEXT,
     operator_type TEXT COLLATE "C" NOT NULL,
     config TEXT NOT NULL,
     availability TEXT COLLATE "C" NOT NULL,
     version INTEGER NOT NULL,
     date_created BIGINT NOT NULL,
     date_updated BIGINT NOT NULL
   );
   CREATE INDEX custom_operators_by_account_created ON custom_operators (account_sid, date_created, sid);
   CREATE TABLE service_operators (
     id BIGSERIAL PRIMARY KEY,
     service_sid TEXT COLLATE "C" NOT NULL REFERENCES services(sid) ON DELETE CASCADE,
     operator_sid TEXT COLLATE "C" NOT NULL,
     UNIQUE (service_sid, operator_sid)
   );
   CREATE INDEX service_operators_by_operator ON service_operators (operator_sid);`,
];

/** Migrates a schema as that build's PostgresStore did: under its advisory lock, counting versions. */
export async function migrateAsLegacyBuild(client: import('pg').ClientBase, schema: string): Promise<void> {
  await client.query('BEGIN');
  await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [0x494e5453, schema]);
  await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  await client.query(`SET LOCAL search_path TO "${schema}"`);
  await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)');
  const applied = (await client.query<{ n: number }>('SELECT coalesce(max(version), 0)::int AS n FROM schema_migrations')).rows[0]!.n;
  for (let version = applied; version < postgresMigrations.length; version++) {
    await client.query(postgresMigrations[version]!);
    await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [version + 1, Date.now()]);
  }
  await client.query('COMMIT');
}
