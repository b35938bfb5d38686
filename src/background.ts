// The background work every server process does: the durable job queue's handlers, by job name.
// Each data-plane module adds its own here (transcript processing, webhook delivery, alert retention);
// the queue itself (src/jobs) knows nothing of them.
import type { FastifyBaseLogger } from 'fastify';
import type { CatalogIndex } from './catalog/load.js';
import type { Config } from './config.js';
import type { ThreadPool } from './jobs/threads.js';
import type { JobHandler } from './jobs/worker.js';
import { TRANSCRIPT_JOB, transcriptJob } from './pipeline/transcript-job.js';
import { ALERT_RETENTION_JOB, alertRetentionHandler, scheduleAlertRetention } from './resources/alerts/retention.js';
import type { Store } from './store/store.js';

export interface BackgroundParts {
  config: Config;
  store: Store;
  catalog: CatalogIndex;
  log: FastifyBaseLogger;
  /** The process's worker threads, for a handler's CPU-heavy work (src/threads.ts); closed after the jobs stop. */
  threads: ThreadPool;
  /** The clock handlers read (tests pass one they control); default Date.now. */
  now?: () => number;
}

export function backgroundHandlers(parts: BackgroundParts): Record<string, JobHandler> {
  const { config, store, log, now = Date.now } = parts;
  return {
    [TRANSCRIPT_JOB]: transcriptJob(parts),
    [ALERT_RETENTION_JOB]: alertRetentionHandler({ store, retentionDays: config.alertRetentionDays, log, now }),
  };
}

/** Recurring work, queued by every process at start-up; each is queued once however many processes start. */
export async function scheduleBackgroundJobs({ store, now = Date.now }: Pick<BackgroundParts, 'store' | 'now'>): Promise<void> {
  await scheduleAlertRetention(store, now());
}
