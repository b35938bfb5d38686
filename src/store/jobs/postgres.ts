// The job queue in PostgreSQL. Claims take rows with FOR UPDATE SKIP LOCKED, so processes claiming
// at once never wait for each other nor take the same job; an enqueue notifies the listeners
// (delivered at commit, so a unit of work that rolls back wakes nobody). The notification carries
// the schema, since one database may hold several (tests make one per server).
import type { PostgresContext } from '../postgres-context.js';
import type { JobOperations, NewJob } from '../store.js';
import { jobFromRow, LEASE_EXPIRED_ERROR, type JobRow } from './row.js';

/** The channel every store on the database notifies; the payload is the schema whose queue changed. */
export const JOBS_CHANNEL = 'intelligence_jobs';

/** Advisory lock class for enqueueJobUnlessQueued (ASCII "JOB1"); the job name's hash is the second key. */
const UNIQUE_JOB_LOCK_CLASS = 0x4a4f4231;

const INSERT_JOB = `WITH inserted AS (
     INSERT INTO jobs (name, payload, state, max_attempts, run_at, date_created, date_updated)
     VALUES ($1, $2, 'queued', $3, $4, $5, $5) RETURNING id)
   SELECT id, pg_notify('${JOBS_CHANNEL}', current_schema()) FROM inserted`;

const jobValues = (job: NewJob) => [job.name, job.payloadJson, job.maxAttempts, job.runAtMs, job.nowMs];

/** A job a claim takes: queued and due at `now`, or running with its lease expired, named in the array `names`. */
const due = (now: string, names: string) =>
  `((state = 'queued' AND run_at <= ${now}) OR (state = 'running' AND lease_expires <= ${now})) AND name = ANY(${names})`;

export function postgresJobs(ctx: PostgresContext): JobOperations {
  return {
    async enqueueJob(job) {
      const [row] = await ctx.rows<{ id: number }>(INSERT_JOB, jobValues(job));
      return row!.id;
    },

    enqueueJobUnlessQueued(job) {
      // The name's lock, held to COMMIT, puts processes asking at once in turn; each later one's
      // look is a statement after the lock, so it sees the job the one before committed.
      return ctx.transaction(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [UNIQUE_JOB_LOCK_CLASS, job.name]);
        const queued = await client.query(`SELECT 1 FROM jobs WHERE state = 'queued' AND name = $1 LIMIT 1`, [job.name]);
        if ((queued.rowCount ?? 0) > 0) return null;
        const { rows } = await client.query<{ id: number }>(INSERT_JOB, jobValues(job));
        return rows[0]!.id;
      });
    },

    claimJobs({ names, owner, limit, nowMs, leaseMs }) {
      return ctx.transaction(async (client) => {
        await client.query(
          `UPDATE jobs SET state = 'dead', last_error = $1, lease_owner = NULL, lease_expires = NULL, date_updated = $2
           WHERE id IN (
             SELECT id FROM jobs WHERE state = 'running' AND lease_expires <= $2 AND attempts >= max_attempts AND name = ANY($3)
             FOR UPDATE SKIP LOCKED)`,
          [LEASE_EXPIRED_ERROR, nowMs, names],
        );
        const { rows } = await client.query<JobRow>(
          `UPDATE jobs SET state = 'running', attempts = jobs.attempts + 1, lease_owner = $1, lease_expires = $2, date_updated = $3
           FROM (
             SELECT id FROM jobs
             WHERE ${due('$3', '$4')}
             ORDER BY run_at, id LIMIT $5
             FOR UPDATE SKIP LOCKED) AS picked
           WHERE jobs.id = picked.id
           RETURNING jobs.*`,
          [owner, nowMs + leaseMs, nowMs, names, limit],
        );
        return rows.map(jobFromRow).sort((a, b) => a.runAtMs - b.runAtMs || a.id - b.id);
      });
    },

    async hasDueJobs(names, nowMs) {
      const found = await ctx.rows(`SELECT 1 FROM jobs WHERE ${due('$1', '$2')} LIMIT 1`, [nowMs, names]);
      return found.length > 0;
    },

    async extendJobLease(id, owner, leaseExpiresMs, nowMs) {
      const result = await ctx.query(
        `UPDATE jobs SET lease_expires = $1, date_updated = $2 WHERE id = $3 AND state = 'running' AND lease_owner = $4`,
        [leaseExpiresMs, nowMs, id, owner],
      );
      return (result.rowCount ?? 0) > 0;
    },

    async completeJob(id, owner, nowMs) {
      const result = await ctx.query(
        `UPDATE jobs SET state = 'done', lease_owner = NULL, lease_expires = NULL, date_updated = $1
         WHERE id = $2 AND state = 'running' AND lease_owner = $3`,
        [nowMs, id, owner],
      );
      return (result.rowCount ?? 0) > 0;
    },

    async failJob(id, owner, error, retryAtMs, nowMs) {
      const result = await ctx.query(
        `UPDATE jobs SET state = CASE WHEN $1::bigint IS NULL THEN 'dead' ELSE 'queued' END, run_at = coalesce($1::bigint, run_at),
           last_error = $2, lease_owner = NULL, lease_expires = NULL, date_updated = $3
         WHERE id = $4 AND state = 'running' AND lease_owner = $5`,
        [retryAtMs, error.replaceAll('\0', ''), nowMs, id, owner],
      );
      return (result.rowCount ?? 0) > 0;
    },

    async findJob(id) {
      const [row] = await ctx.rows<JobRow>('SELECT * FROM jobs WHERE id = $1', [id]);
      return row ? jobFromRow(row) : null;
    },
  };
}
