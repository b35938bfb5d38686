// Alerts are kept ALERT_RETENTION_DAYS, then deleted by a recurring job: each run first queues the
// next (so a failed run never ends the chain), then deletes in small batches. Every start-up asks
// for a run too, which is queued only when none is (enqueueJobUnlessQueued): however many
// processes start, one run is pending.
import type { FastifyBaseLogger } from 'fastify';
import { enqueueUnlessQueued } from '../../jobs/queue.js';
import type { JobHandler } from '../../jobs/worker.js';
import type { AlertOperations, JobOperations } from '../../store/store.js';

export const ALERT_RETENTION_JOB = 'alerts.retention';
/** How often the retention job runs. */
export const ALERT_RETENTION_EVERY_MS = 3_600_000;
/** Rows per delete statement: a few milliseconds each on SQLite, whose one connection serves every request too. */
export const ALERT_RETENTION_BATCH = 250;
const MS_PER_DAY = 86_400_000;

/** Deletes the alerts generated more than `retentionDays` before `nowMs`; answers how many. */
export async function deleteExpiredAlerts(
  store: AlertOperations,
  retentionDays: number,
  nowMs: number,
  signal?: AbortSignal,
): Promise<number> {
  const cutoffMs = nowMs - retentionDays * MS_PER_DAY;
  let deleted = 0;
  for (;;) {
    signal?.throwIfAborted();
    const batch = await store.deleteAlertsGeneratedBefore(cutoffMs, ALERT_RETENTION_BATCH);
    deleted += batch;
    if (batch < ALERT_RETENTION_BATCH) return deleted;
    // SQLite answers at once: without a turn of the event loop, requests would wait for the whole backlog.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Queues a retention run `delayMs` from `nowMs`, unless one is queued already; answers its job id or null. */
export const scheduleAlertRetention = (store: JobOperations, nowMs: number, delayMs = 0): Promise<number | null> =>
  enqueueUnlessQueued(store, ALERT_RETENTION_JOB, {}, { nowMs, delayMs });

export interface AlertRetentionParts {
  store: AlertOperations & JobOperations;
  retentionDays: number;
  log: FastifyBaseLogger;
  now: () => number;
}

export function alertRetentionHandler({ store, retentionDays, log, now }: AlertRetentionParts): JobHandler {
  return async (_payload, { signal }) => {
    const nowMs = now();
    await scheduleAlertRetention(store, nowMs, ALERT_RETENTION_EVERY_MS);
    const deleted = await deleteExpiredAlerts(store, retentionDays, nowMs, signal);
    if (deleted > 0) log.info({ deleted, retention_days: retentionDays }, 'alert retention: deleted old alerts');
  };
}
