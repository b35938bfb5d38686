// PostgreSQL schema migrations, applied in order at start-up by PostgresStore.open(), all in one
// transaction under an advisory lock (so several processes starting at once apply each exactly
// once); the schema_migrations table records progress. Mirrors sqlite-schema.ts: timestamps are
// BIGINT milliseconds, flags BOOLEAN, and every SID/text column compared or ordered by the store is
// COLLATE "C" so it sorts by bytes, exactly as SQLite's BINARY collation does. Attachments differ:
// here every one is a row of service_operators, while SQLite keeps them in the service's own row
// (its second migration), a saving measured only there.
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

/** The name of the unique constraint whose violation means "UniqueName taken". */
export const SERVICE_UNIQUE_NAME_CONSTRAINT = 'services_account_unique_name';
