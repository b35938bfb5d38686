-- Alerts (the Monitor API's /v1/Alerts): what went wrong, per account; listed newest first, with or
-- without a log level, and deleted by age (src/resources/alerts/retention.ts).
CREATE TABLE alerts (
  sid TEXT PRIMARY KEY,
  account_sid TEXT NOT NULL,
  service_sid TEXT,
  resource_sid TEXT,
  error_code INTEGER NOT NULL,
  log_level TEXT NOT NULL CHECK (log_level IN ('error', 'warning', 'notice', 'debug')),
  alert_text TEXT NOT NULL,
  api_version TEXT,
  request_method TEXT CHECK (request_method IN ('GET', 'POST')),
  request_url TEXT,
  request_variables TEXT,
  request_headers TEXT,
  response_body TEXT,
  response_headers TEXT,
  date_generated INTEGER NOT NULL,
  date_created INTEGER NOT NULL,
  date_updated INTEGER NOT NULL
);
CREATE INDEX alerts_by_account_generated ON alerts (account_sid, date_generated, sid);
CREATE INDEX alerts_by_account_level_generated ON alerts (account_sid, log_level, date_generated, sid);
CREATE INDEX alerts_by_generated ON alerts (date_generated);
