// The transcript job: fetch → detect → transcribe (audio) or parse (documents) → redact → store
// sentences → operators → complete, each stage in ./stages. Status queued → in-progress → completed
// or failed (code and message stored, logged and handed to onTranscriptFailed). Failures that are
// the input's own end the transcript at once; others are thrown for the queue to retry, and the
// last attempt fails the transcript. A run may repeat (a crash, a lost lease): each writes the whole
// result again in one unit of work. A transcript deleted meanwhile ends the run quietly, its files removed.
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { selectSpeechEngine } from '../engines/speech/select.js';
import type { JobHandler } from '../jobs/worker.js';
import { isAudio } from '../media/detect.js';
import { MediaStore } from '../media/media-store.js';
import { parseSid } from '../sids.js';
import type { StoreOperations, TranscriptRecord } from '../store/store.js';
import type { BackgroundParts } from '../background.js';
import { alertOperatorFailures, alertTranscriptFailed, type TranscriptFailedEvent } from './alerts.js';
import type { OperatorsOutcome, OperatorsStage, PipelineParts, Run } from './context.js';
import { operatorsStageParts, runOperatorsStage } from './operators-stage.js';
import { enqueueTranscriptWebhook } from '../webhooks/outbox.js';
import { asTranscriptFailure, TranscriptGone } from './failure.js';
import { completeStage, operatorsStage } from './stages/complete.js';
import { detectStage } from './stages/detect.js';
import { fetchStage } from './stages/fetch.js';
import { parseStage } from './stages/parse.js';
import { redactStage } from './stages/redact.js';
import { storeSentencesStage } from './stages/store-sentences.js';
import { transcribeStage } from './stages/transcribe.js';
import type { TranscriptJobPayload } from './transcript-job-name.js';

/** Where runs keep their scratch files, inside MEDIA_DIR (so that the media moves into place by rename). */
export const SCRATCH_DIRECTORY = '.work';

export interface TranscriptJobOptions {
  operators?: OperatorsStage;
  onTranscriptFailed?: PipelineParts['onTranscriptFailed'];
  onTranscriptCompleted?: PipelineParts['onTranscriptCompleted'];
}

/** The handler as the server registers it: its engines built once, its outcomes written with their Alerts (and webhook). */
export function transcriptJob(parts: BackgroundParts, options: TranscriptJobOptions = {}): JobHandler {
  const { config, store, log, threads, catalog, activity } = parts;
  const stage = operatorsStageParts({ config, store, catalog, threads });
  return transcriptJobHandler({
    store,
    threads,
    media: new MediaStore(config.mediaDir),
    speech: selectSpeechEngine(threads, config.transcriber),
    outboundPolicy: config.outboundPolicy,
    mediaFetch: config.mediaFetch,
    recordings: config.recordings,
    log,
    operators: options.operators ?? ((transcript, sentences, signal) => runOperatorsStage(stage, transcript, sentences, signal)),
    onTranscriptFailed: options.onTranscriptFailed ?? alertTranscriptFailed,
    onTranscriptCompleted: options.onTranscriptCompleted ?? transcriptCompleted,
    ...(activity === undefined ? {} : { giveWay: () => activity.quiet() }),
  });
}

/** In the unit of work that completes a transcript: an Alert per operator that gave no result, and the service's webhook. */
async function transcriptCompleted(
  tx: StoreOperations,
  transcript: TranscriptRecord,
  failures: OperatorsOutcome['failures'],
  nowMs: number,
): Promise<void> {
  await alertOperatorFailures(tx, transcript, failures, nowMs);
  // The service's webhook as it is now; a service deleted meanwhile has none to call.
  const service = await tx.findServiceBySid(transcript.accountSid, transcript.serviceSid);
  if (service !== null) await enqueueTranscriptWebhook(tx, service, transcript, nowMs);
}

export function transcriptJobHandler(parts: PipelineParts): JobHandler {
  const now = parts.now ?? Date.now;
  return async (payload, { job, signal }) => {
    const sid = parseSid('GT', String((payload as Partial<TranscriptJobPayload> | null)?.transcriptSid));
    if (sid === null) {
      parts.log.error({ job_id: job.id, payload }, 'transcript job: the payload names no transcript SID; nothing to do');
      return;
    }
    const transcript = await parts.store.findTranscriptForJob(sid);
    if (transcript === null) return removeAll(parts.media, sid);
    if (transcript.status === 'completed' || transcript.status === 'failed') return;
    if (!(await parts.store.startTranscript(sid, now()))) return gone(parts, sid);

    const scratch = await freshScratch(parts.media, sid);
    const run: Run = { transcript: { ...transcript, status: 'in-progress' }, scratch, signal, requestUrl: null };
    const started = performance.now();
    try {
      const sentences = await runStages(parts, run);
      parts.log.info(
        { transcript_sid: sid, sentences, ms: Math.round(performance.now() - started), attempt: job.attempts },
        'transcript completed',
      );
    } catch (error) {
      // A lost lease or a stop: another run (here after a restart, or another process) does it all again.
      if (signal.aborted) throw error;
      if (error instanceof TranscriptGone) return await gone(parts, sid);
      const failure = asTranscriptFailure(error);
      if (failure.retryable && job.attempts < job.maxAttempts) {
        parts.log.warn(
          { transcript_sid: sid, code: failure.code, attempt: job.attempts, max_attempts: job.maxAttempts },
          `transcript job will retry: ${failure.message}`,
        );
        throw error;
      }
      const message = failure.retryable ? `${failure.message} (after ${job.attempts} attempts)` : failure.message;
      // A failed transcript keeps no media: whatever a run moved into its directory goes, before the status says failed.
      await rm(scratch, { recursive: true, force: true });
      await parts.media.removeTranscript(sid);
      const event: TranscriptFailedEvent = {
        accountSid: transcript.accountSid,
        serviceSid: transcript.serviceSid,
        transcriptSid: sid,
        code: failure.code,
        message,
        requestUrl: failure.requestUrl ?? run.requestUrl,
      };
      // The status and its Alert together: a transcript never shows failed without saying why.
      const failed = await parts.store.transaction(async (tx) => {
        if (!(await tx.failTranscript(sid, failure.code, message, now()))) return false;
        await parts.onTranscriptFailed(tx, event);
        return true;
      });
      if (!failed) return await gone(parts, sid);
      parts.log.warn(
        {
          transcript_sid: sid,
          account_sid: event.accountSid,
          service_sid: event.serviceSid,
          code: event.code,
          request_url: event.requestUrl,
          attempt: job.attempts,
        },
        `transcript failed: ${message}`,
      );
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  };
}

async function runStages(parts: PipelineParts, run: Run): Promise<number> {
  // Before each stage, requests being answered go first (for a bounded time).
  const giveWay = async () => {
    await parts.giveWay?.();
    run.signal.throwIfAborted();
  };
  await giveWay();
  const fetched = await fetchStage(parts, run);
  await giveWay();
  const type = await detectStage(fetched);
  const recognised = isAudio(type)
    ? await transcribeStage(parts.threads, parts.speech, fetched.path, type, run)
    : await parseStage(fetched.path, type, run.transcript);
  await giveWay();
  const redacted = await redactStage(parts.threads, recognised, run);
  await giveWay();
  const sentences = await storeSentencesStage(
    parts,
    run,
    { path: fetched.path, type, durationSeconds: recognised.durationSeconds },
    redacted,
  );
  await giveWay();
  const operators = await operatorsStage(parts, run, sentences);
  await giveWay();
  // Nothing is left behind once the status says completed.
  await rm(run.scratch, { recursive: true, force: true });
  await completeStage(parts, run, operators);
  return sentences.length;
}

/** Deleted while it ran: the files written for it go too (the delete may have removed them before they were written). */
async function gone(parts: PipelineParts, sid: string): Promise<void> {
  if ((await parts.store.findTranscriptForJob(sid)) === null) await removeAll(parts.media, sid);
}

/** Everything kept for a transcript: its media, and any scratch directory of an earlier run (a process killed mid-run). */
async function removeAll(media: MediaStore, sid: string): Promise<void> {
  await media.removeTranscript(sid);
  await removeEarlierScratch(media, sid);
}

async function removeEarlierScratch(media: MediaStore, sid: string): Promise<void> {
  const root = join(media.root, SCRATCH_DIRECTORY);
  const names = await readdir(root).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const earlier = names.filter((name) => name.startsWith(`${sid}.`));
  await Promise.all(earlier.map((name) => rm(join(root, name), { recursive: true, force: true })));
}

/** A new scratch directory for this run; an earlier run's is removed first. */
async function freshScratch(media: MediaStore, sid: string): Promise<string> {
  await mkdir(join(media.root, SCRATCH_DIRECTORY), { recursive: true, mode: 0o700 });
  await removeEarlierScratch(media, sid);
  return mkdtemp(join(media.root, SCRATCH_DIRECTORY, `${sid}.`));
}
