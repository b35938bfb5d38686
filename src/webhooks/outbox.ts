// The webhook outbox: a transcript's webhook is a durable 'webhook' job, written in the same unit
// of work that completes the transcript, so it exists if and only if the completion does. The job
// keeps everything an attempt sends, and the idempotency token made here, the same on every attempt.
import { randomUUID } from 'node:crypto';
import { MAX_WEBHOOK_ATTEMPTS } from '../config.js';
import { enqueue } from '../jobs/queue.js';
import type { JobOperations, ServiceRecord } from '../store/store.js';

export const WEBHOOK_JOB = 'webhook';
export const TRANSCRIPT_AVAILABLE = 'voice_intelligence_transcript_available';

/** The body Twilio sends when a transcript is available (TRANSCRIPTS.md §7), field names as sent. */
export interface TranscriptWebhookBody {
  account_sid: string;
  service_sid: string;
  transcript_sid: string;
  customer_key: string | null;
  event_type: typeof TRANSCRIPT_AVAILABLE;
}

/** A 'webhook' job's payload. */
export interface WebhookJobPayload {
  url: string;
  method: 'GET' | 'POST';
  /** I-Twilio-Idempotency-Token: made once, sent on every attempt. */
  idempotencyToken: string;
  body: TranscriptWebhookBody;
}

export interface CompletedTranscript {
  sid: string;
  accountSid: string;
  serviceSid: string;
  customerKey: string | null;
}

/**
 * Queues the transcript-available webhook of `service` (call it with the unit of work's `tx` that
 * completes the transcript); answers the job's id, or null when the service has no webhook.
 * The URL and method are the service's at completion time.
 */
export async function enqueueTranscriptWebhook(
  ops: JobOperations,
  service: ServiceRecord,
  transcript: CompletedTranscript,
  nowMs: number,
): Promise<number | null> {
  const { webhookUrl, webhookHttpMethod } = service;
  if (webhookUrl === null || webhookUrl === '' || webhookHttpMethod === 'NULL') return null;
  const payload: WebhookJobPayload = {
    url: webhookUrl,
    // Twilio's default for a webhook with no method given.
    method: webhookHttpMethod === 'GET' ? 'GET' : 'POST',
    idempotencyToken: randomUUID(),
    body: {
      account_sid: transcript.accountSid,
      service_sid: transcript.serviceSid,
      transcript_sid: transcript.sid,
      customer_key: transcript.customerKey,
      event_type: TRANSCRIPT_AVAILABLE,
    },
  };
  // The job may take the most attempts WEBHOOK_MAX_ATTEMPTS allows; the handler stops at the configured number.
  return enqueue(ops, WEBHOOK_JOB, payload, { maxAttempts: MAX_WEBHOOK_ATTEMPTS, nowMs });
}
