// The SQLite migrations as the build before migration files applied them (PRAGMA user_version
// counting them): tests make databases of that build with them and upgrade them in place.
export const sqliteMigrations: string[] = [
  `CREATE TABLE accounts (
     sid TEXT PRIMARY KEY,
     friendly_name TEXT,
     auth_token_hash TEXT NOT NULL,
     date_created INTEGER NOT NULL
   );
   CREATE TABLE api_keys (
     sid TEXT PRIMARY KEY,
     account_sid TEXT NOT NULL REFERENCES accounts(sid) ON DELETE CASCADE,
     friendly_name TEXT,
     secret_hash TEXT NOT NULL,
     date_created INTEGER NOT NULL
   );
   CREATE TABLE services (
     sid TEXT PRIMARY KEY,
     account_sid TEXT NOT NULL,
     unique_name TEXT NOT NULL,
     friendly_name TEXT,
     language_code TEXT NOT NULL,
     auto_redaction INTEGER NOT NULL,
     media_redaction INTEGER NOT NULL,
     auto_transcribe INTEGER NOT NULL,
     data_logging INTEGER NOT NULL,
     webhook_url TEXT,
     webhook_http_method TEXT,
     encryption_credential_sid TEXT,
     version INTEGER NOT NULL,
     date_created INTEGER NOT NULL,
     date_updated INTEGER NOT NULL,
     UNIQUE (account_sid, unique_name)
   );
   CREATE INDEX services_by_account_created ON services (account_sid, date_created, sid);
   CREATE TABLE custom_operators (
     sid TEXT PRIMARY KEY,
     account_sid TEXT NOT NULL,
     friendly_name TEXT NOT NULL,
     description TEXT,
     operator_type TEXT NOT NULL,
     config TEXT NOT NULL,
     availability TEXT NOT NULL,
     version INTEGER NOT NULL,
     date_created INTEGER NOT NULL,
     date_updated INTEGER NOT NULL
   );
   CREATE INDEX custom_operators_by_account_created ON custom_operators (account_sid, date_created, sid);
   CREATE TABLE service_operators (
     id INTEGER PRIMARY KEY,
     service_sid TEXT NOT NULL REFERENCES services(sid) ON DELETE CASCADE,
     operator_sid TEXT NOT NULL,
     UNIQUE (service_sid, operator_sid)
   );
   CREATE INDEX service_operators_by_operator ON service_operators (operator_sid);`,
  // A service's attachments move into its own row, as comma-separated operator SIDs in attach order.
  // Every attach and detach writes that row anyway (its version), so a write now dirties one page
  // where the service is, not also a leaf of an index keyed by (service, operator): at 1,000,000
  // services that leaf was a page of its own for every service, ~80 % of the log's pages under
  // attach/detach. Custom operators alone also keep a row per attachment, so that deleting one can
  // be refused while a service uses it (pre-built operators are never deleted).
  `ALTER TABLE services ADD COLUMN operator_sids TEXT NOT NULL DEFAULT '';
   UPDATE services
     SET operator_sids = (SELECT group_concat(operator_sid, ',' ORDER BY id) FROM service_operators WHERE service_sid = services.sid)
     WHERE sid IN (SELECT service_sid FROM service_operators);
   CREATE TABLE custom_operator_attachments (
     id INTEGER PRIMARY KEY,
     service_sid TEXT NOT NULL REFERENCES services(sid) ON DELETE CASCADE,
     operator_sid TEXT NOT NULL,
     UNIQUE (service_sid, operator_sid)
   );
   INSERT INTO custom_operator_attachments (id, service_sid, operator_sid)
     SELECT id, service_sid, operator_sid FROM service_operators WHERE operator_sid IN (SELECT sid FROM custom_operators)
     ORDER BY id;
   CREATE INDEX custom_operator_attachments_by_operator ON custom_operator_attachments (operator_sid);
   DROP TABLE service_operators;`,
];

/** Migrates a database file as that build's SqliteStore did: one migration per IMMEDIATE transaction. */
export function migrateAsLegacyBuild(db: import('better-sqlite3').Database, upTo = sqliteMigrations.length): void {
  const step = db.transaction((): boolean => {
    const applied = db.pragma('user_version', { simple: true }) as number;
    if (applied >= upTo) return false;
    db.exec(sqliteMigrations[applied]!);
    db.pragma(`user_version = ${applied + 1}`);
    return true;
  });
  while (step.immediate()) {
    // one migration per write transaction
  }
}
