// Shared steps of the webhook tests: a service with a webhook, made through the API; a webhook
// enqueued as the transcript pipeline will (enqueueTranscriptWebhook in a unit of work); the job's
// attempts as the worker settles them.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { JobSettled, JobWorker } from '../../src/jobs/worker.js';
import { newSid } from '../../src/sids.js';
import type { ServiceRecord, Store } from '../../src/store/store.js';
import { enqueueTranscriptWebhook } from '../../src/webhooks/outbox.js';
import type { TestServer } from '../helpers/server.js';

let serviceCount = 0;

export async function serviceWithWebhook(server: TestServer, webhookUrl: string, method: 'POST' | 'GET' = 'POST'): Promise<ServiceRecord> {
  const created = await server.request('POST', '/v2/Services', {
    form: { UniqueName: `webhooks-${process.pid}-${++serviceCount}`, WebhookUrl: webhookUrl, WebhookHttpMethod: method },
  });
  assert.equal(created.status, 201, created.text);
  const service = await server.store.findServiceBySid(server.account.sid, created.body.sid);
  assert.ok(service);
  return service;
}

export interface EnqueuedWebhook {
  jobId: number;
  transcriptSid: string;
}

export async function enqueueWebhook(
  store: Store,
  service: ServiceRecord,
  customerKey: string | null = 'customer-1',
): Promise<EnqueuedWebhook> {
  const transcriptSid = newSid('GT');
  const jobId = await store.transaction((tx) =>
    enqueueTranscriptWebhook(
      tx,
      service,
      { sid: transcriptSid, accountSid: service.accountSid, serviceSid: service.sid, customerKey },
      Date.now(),
    ),
  );
  assert.ok(jobId !== null, 'a service with a webhook queues a job');
  return { jobId, transcriptSid };
}

/** Records what the worker settles, from now on. */
export function settledRecorder(jobs: JobWorker) {
  const settled: JobSettled[] = [];
  const arrived = new EventEmitter();
  jobs.on('settled', (each: JobSettled) => {
    settled.push(each);
    arrived.emit('settled');
  });
  return {
    settled,
    /** The job's settled attempts once it is done or dead. */
    finished(jobId: number, withinMs = 60_000): Promise<JobSettled[]> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const mine = settled.filter((each) => each.job.id === jobId);
          if (!mine.some((each) => each.outcome === 'done' || each.outcome === 'dead')) return;
          clearTimeout(timer);
          arrived.off('settled', check);
          resolve(mine);
        };
        const timer = setTimeout(() => {
          arrived.off('settled', check);
          reject(
            new Error(
              `job ${jobId} did not finish within ${withinMs} ms: ${JSON.stringify(settled.filter((each) => each.job.id === jobId))}`,
            ),
          );
        }, withinMs);
        arrived.on('settled', check);
        check();
      });
    },
  };
}

/** The failed-attempt reports the server logged (the Alerts module takes them over at merge). */
export function attemptFailures(server: TestServer): Array<Record<string, unknown>> {
  return server.logs
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"error_code"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
