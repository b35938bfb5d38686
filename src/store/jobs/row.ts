// A jobs row as both backends return it (PostgreSQL's BIGINTs are parsed to numbers by the pool).
import type { JobRecord, JobState } from '../store.js';

export interface JobRow {
  id: number;
  name: string;
  payload: string;
  state: JobState;
  attempts: number;
  max_attempts: number;
  run_at: number;
  lease_owner: string | null;
  lease_expires: number | null;
  last_error: string | null;
  date_created: number;
  date_updated: number;
}

export const jobFromRow = (row: JobRow): JobRecord => ({
  id: row.id,
  name: row.name,
  payloadJson: row.payload,
  state: row.state,
  attempts: row.attempts,
  maxAttempts: row.max_attempts,
  runAtMs: row.run_at,
  leaseOwner: row.lease_owner,
  leaseExpiresMs: row.lease_expires,
  lastError: row.last_error,
  createdMs: row.date_created,
  updatedMs: row.date_updated,
});

/** The error kept on a job whose lease expired after its last attempt (its process stopped mid-job). */
export const LEASE_EXPIRED_ERROR = 'the lease expired during the last attempt (the process running it stopped)';
