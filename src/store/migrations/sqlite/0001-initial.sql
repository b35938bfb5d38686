CREATE TABLE accounts (
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
CREATE INDEX service_operators_by_operator ON service_operators (operator_sid);
