// The background work every server process does: the durable job queue's handlers, by job name.
// Each data-plane module adds its own here (transcript processing, webhook delivery, alert retention);
// the queue itself (src/jobs) knows nothing of them.
import type { FastifyBaseLogger } from 'fastify';
import type { CatalogIndex } from './catalog/load.js';
import type { RequestActivity } from './http/activity.js';
import type { Config } from './config.js';
import type { ThreadPool } from './jobs/threads.js';
import type { JobContext, JobHandler } from './jobs/worker.js';
import { warnWithoutLanguageModel } from './pipeline/language-model.js';
import { TRANSCRIPT_JOB } from './pipeline/transcript-job-name.js';
import type { SecretKey } from './resources/accounts/secret-key.js';
import { ALERT_RETENTION_JOB, alertRetentionHandler, scheduleAlertRetention } from './resources/alerts/retention.js';
import { recordAlert } from './resources/alerts/rules.js';
import type { Store } from './store/store.js';
import { WEBHOOK_CONCURRENCY, webhookHandler, logAttemptFailures, type OnAttemptFailed } from './webhooks/delivery.js';
import { WEBHOOK_JOB } from './webhooks/outbox.js';

export interface BackgroundParts {
  config: Config;
  store: Store;
  catalog: CatalogIndex;
  log: FastifyBaseLogger;
  /** The process's worker threads, for a handler's CPU-heavy work (src/threads.ts); closed after the jobs stop. */
  threads: ThreadPool;
  /** The server key auth tokens are encrypted under (webhook signing reads them). */
  secretKey: SecretKey;
  /** The clock handlers read (tests pass one they control); default Date.now. */
  now?: () => number;
  /** The API's requests, which the transcript job gives way to between its stages (none: it never waits). */
  activity?: RequestActivity;
}

/** Jobs that run in slots of their own (JobWorkerOptions.lanes): a dead receiver never holds the slots transcripts need. */
export const BACKGROUND_LANES: Record<string, number> = { [WEBHOOK_JOB]: WEBHOOK_CONCURRENCY };

/**
 * The transcript job, its pipeline loaded by the first transcript: the pipeline brings the operators
 * and their language engines (wink's model, compromise's lexicon), whose set-up would otherwise
 * lengthen every start by ~350 ms (bench/README.md, cold start).
 */
function lazyTranscriptJob(parts: BackgroundParts): JobHandler {
  warnWithoutLanguageModel(parts.config.llm, parts.log);
  let handler: Promise<JobHandler> | null = null;
  const load = () => (handler ??= import('./pipeline/transcript-job.js').then(({ transcriptJob }) => transcriptJob(parts)));
  // The worker loads it before claiming the first transcript, so the lease does not run while it loads.
  return Object.assign(async (payload: unknown, context: JobContext) => (await load())(payload, context), {
    prepare: async () => void (await load()),
  });
}

export function backgroundHandlers(parts: BackgroundParts): Record<string, JobHandler> {
  const { config, store, log, secretKey, now = Date.now } = parts;
  return {
    [TRANSCRIPT_JOB]: lazyTranscriptJob(parts),
    [WEBHOOK_JOB]: webhookHandler({
      store,
      secretKey,
      policy: config.outboundPolicy,
      timeoutMs: config.webhookTimeoutMs,
      maxAttempts: config.webhookMaxAttempts,
      onAttemptFailed: alertAttemptFailures(store, logAttemptFailures(log)),
    }),
    [ALERT_RETENTION_JOB]: alertRetentionHandler({ store, retentionDays: config.alertRetentionDays, log, now }),
  };
}

/** Every failed webhook attempt is logged and becomes an Alert (95200 with the status received, 95201 on a timeout). */
function alertAttemptFailures(store: Store, logged: OnAttemptFailed): OnAttemptFailed {
  return async (failure) => {
    await logged(failure);
    await recordAlert(store, {
      accountSid: failure.accountSid,
      resourceSid: failure.resourceSid,
      errorCode: failure.errorCode,
      logLevel: failure.willRetry ? 'warning' : 'error',
      alertText: `${failure.text} (attempt ${failure.attempt}${failure.willRetry ? ', will retry' : ', given up'})`,
      requestUrl: failure.requestUrl,
      requestMethod: failure.requestMethod,
    });
  };
}

/** Recurring work, queued by every process at start-up; each is queued once however many processes start. */
export async function scheduleBackgroundJobs({ store, now = Date.now }: Pick<BackgroundParts, 'store' | 'now'>): Promise<void> {
  await scheduleAlertRetention(store, now());
}
