// The job queue in SQLite. A claim is one IMMEDIATE write transaction (through the group commit,
// which waits for another process's lock off the event loop), so the processes sharing the file
// never claim the same job; names are passed as one JSON array so the statement text stays fixed.
import type { SqliteContext } from '../sqlite-context.js';
import type { JobOperations } from '../store.js';
import type { NewJob } from '../store.js';
import { jobFromRow, LEASE_EXPIRED_ERROR, type JobRow } from './row.js';

const insertJob = (ctx: SqliteContext, job: NewJob): number =>
  ctx
    .sql(
      `INSERT INTO jobs (name, payload, state, max_attempts, run_at, date_created, date_updated)
       VALUES (?, ?, 'queued', ?, ?, ?, ?) RETURNING id`,
    )
    .pluck()
    .get(job.name, job.payloadJson, job.maxAttempts, job.runAtMs, job.nowMs, job.nowMs) as number;

/** A job a claim takes: queued and due, or running with its lease expired; parameters now, now, the names as a JSON array. */
const DUE = `((state = 'queued' AND run_at <= ?) OR (state = 'running' AND lease_expires <= ?))
  AND name IN (SELECT value FROM json_each(?))`;

export function sqliteJobs(ctx: SqliteContext): JobOperations {
  return {
    enqueueJob(job) {
      return ctx.autocommit(() => insertJob(ctx, job));
    },

    enqueueJobUnlessQueued(job) {
      // One IMMEDIATE write transaction: the look and the insert hold the file's write lock together.
      return ctx.write(() =>
        ctx.sql(`SELECT 1 FROM jobs WHERE state = 'queued' AND name = ? LIMIT 1`).get(job.name) === undefined ? insertJob(ctx, job) : null,
      );
    },

    claimJobs({ names, owner, limit, nowMs, leaseMs }) {
      return ctx.write(() => {
        const namesJson = JSON.stringify(names);
        ctx
          .sql(
            `UPDATE jobs SET state = 'dead', last_error = ?, lease_owner = NULL, lease_expires = NULL, date_updated = ?
             WHERE state = 'running' AND lease_expires <= ? AND attempts >= max_attempts
               AND name IN (SELECT value FROM json_each(?))`,
          )
          .run(LEASE_EXPIRED_ERROR, nowMs, nowMs, namesJson);
        const rows = ctx
          .sql(
            `UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = ?, lease_expires = ?, date_updated = ?
             WHERE id IN (
               SELECT id FROM jobs
               WHERE ${DUE}
               ORDER BY run_at, id LIMIT ?)
             RETURNING *`,
          )
          .all(owner, nowMs + leaseMs, nowMs, nowMs, nowMs, namesJson, limit) as JobRow[];
        return rows.map(jobFromRow).sort((a, b) => a.runAtMs - b.runAtMs || a.id - b.id);
      });
    },

    async hasDueJobs(names, nowMs) {
      const found = ctx.sql(`SELECT 1 FROM jobs WHERE ${DUE} LIMIT 1`).get(nowMs, nowMs, JSON.stringify(names));
      return found !== undefined;
    },

    extendJobLease(id, owner, leaseExpiresMs, nowMs) {
      return ctx.autocommit(
        () =>
          ctx
            .sql(`UPDATE jobs SET lease_expires = ?, date_updated = ? WHERE id = ? AND state = 'running' AND lease_owner = ?`)
            .run(leaseExpiresMs, nowMs, id, owner).changes > 0,
      );
    },

    completeJob(id, owner, nowMs) {
      return ctx.autocommit(
        () =>
          ctx
            .sql(
              `UPDATE jobs SET state = 'done', lease_owner = NULL, lease_expires = NULL, date_updated = ?
               WHERE id = ? AND state = 'running' AND lease_owner = ?`,
            )
            .run(nowMs, id, owner).changes > 0,
      );
    },

    failJob(id, owner, error, retryAtMs, nowMs) {
      return ctx.autocommit(
        () =>
          ctx
            .sql(
              `UPDATE jobs SET state = CASE WHEN ? IS NULL THEN 'dead' ELSE 'queued' END, run_at = coalesce(?, run_at),
                 last_error = ?, lease_owner = NULL, lease_expires = NULL, date_updated = ?
               WHERE id = ? AND state = 'running' AND lease_owner = ?`,
            )
            .run(retryAtMs, retryAtMs, error.replaceAll('\0', ''), nowMs, id, owner).changes > 0,
      );
    },

    async findJob(id) {
      const row = ctx.sql('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
      return row ? jobFromRow(row) : null;
    },
  };
}
