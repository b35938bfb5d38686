-- The durable job queue (src/jobs). Claims look for due queued jobs and expired running ones.
CREATE TABLE jobs (
  id BIGSERIAL PRIMARY KEY,
  name TEXT COLLATE "C" NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  run_at BIGINT NOT NULL,
  lease_owner TEXT,
  lease_expires BIGINT,
  last_error TEXT,
  date_created BIGINT NOT NULL,
  date_updated BIGINT NOT NULL
);
CREATE INDEX jobs_queued_by_run_at ON jobs (run_at, id) WHERE state = 'queued';
CREATE INDEX jobs_running_by_lease ON jobs (lease_expires) WHERE state = 'running';
