-- The durable job queue (src/jobs). Claims look for due queued jobs and expired running ones.
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  run_at INTEGER NOT NULL,
  lease_owner TEXT,
  lease_expires INTEGER,
  last_error TEXT,
  date_created INTEGER NOT NULL,
  date_updated INTEGER NOT NULL
);
CREATE INDEX jobs_queued_by_run_at ON jobs (run_at, id) WHERE state = 'queued';
CREATE INDEX jobs_running_by_lease ON jobs (lease_expires) WHERE state = 'running';
