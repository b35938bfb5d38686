// The background work every server process does: the durable job queue's handlers, by job name.
// Each data-plane module adds its own here (transcript processing, webhook delivery, alert retention);
// the queue itself (src/jobs) knows nothing of them.
import type { FastifyBaseLogger } from 'fastify';
import type { CatalogIndex } from './catalog/load.js';
import type { Config } from './config.js';
import type { JobHandler } from './jobs/worker.js';
import type { SecretKey } from './resources/accounts/secret-key.js';
import type { Store } from './store/store.js';
import { logAttemptFailures, WEBHOOK_CONCURRENCY, webhookHandler } from './webhooks/delivery.js';
import { WEBHOOK_JOB } from './webhooks/outbox.js';

export interface BackgroundParts {
  config: Config;
  store: Store;
  catalog: CatalogIndex;
  log: FastifyBaseLogger;
  /** The server key auth tokens are encrypted under (webhook signing reads them). */
  secretKey: SecretKey;
}

/** Jobs that run in slots of their own (JobWorkerOptions.lanes): a dead receiver never holds the slots transcripts need. */
export const BACKGROUND_LANES: Record<string, number> = { [WEBHOOK_JOB]: WEBHOOK_CONCURRENCY };

export function backgroundHandlers({ config, store, log, secretKey }: BackgroundParts): Record<string, JobHandler> {
  return {
    [WEBHOOK_JOB]: webhookHandler({
      store,
      secretKey,
      policy: config.outboundPolicy,
      timeoutMs: config.webhookTimeoutMs,
      maxAttempts: config.webhookMaxAttempts,
      onAttemptFailed: logAttemptFailures(log),
    }),
  };
}
