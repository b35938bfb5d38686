// Transcripts made directly in a test server's store, as the transcript job makes them: a WebVTT
// fixture (test/fixtures/operators/) parsed into sentences, then the operators stage, its results
// stored and the transcript completed. For tests of what is served after the job.
import { readFileSync } from 'node:fs';
import { indexCatalog, loadCatalog, type CatalogIndex } from '../../src/catalog/load.js';
import { parseWebVtt } from '../../src/media/documents/vtt.js';
import { wordsOf, type Participant } from '../../src/media/documents/sentence.js';
import {
  operatorsStageParts,
  runOperatorsStage,
  type OperatorsStageOutcome,
  type OperatorsStageParts,
} from '../../src/pipeline/operators-stage.js';
import { redactText } from '../../src/redaction/redact.js';
import { newSid, type AccountSid, type OperatorSid } from '../../src/sids.js';
import type { Store, StoredSentence, TranscriptRecord } from '../../src/store/store.js';
import type { LlmSettings } from '../../src/engines/llm/settings.js';
import type { ThreadPool } from '../../src/jobs/threads.js';
import { transcriptRecord } from './transcript-record.js';

export const OPERATOR_FIXTURES = new URL('../fixtures/operators/', import.meta.url);

export const fixtureText = (name: string): string => readFileSync(new URL(`${name}.vtt`, OPERATOR_FIXTURES), 'utf8');

const DEFAULT_PARTICIPANTS: Participant[] = [
  { channel_participant: 1, role: 'Agent', full_name: null },
  { channel_participant: 2, role: 'Customer', full_name: null },
];

export interface TranscriptOptions {
  accountSid: string;
  operatorSids: string[];
  /** A fixture's name (without .vtt) under test/fixtures/operators/. */
  fixture: string;
  redaction?: boolean;
  participants?: Participant[];
  durationSeconds?: number;
}

let catalogIndex: CatalogIndex | undefined;
/** The built-in catalog, as a test server without CATALOG_FILE has it. */
export const builtinIndex = (): CatalogIndex => (catalogIndex ??= indexCatalog(loadCatalog()));

export function stageParts(store: Store, llm: LlmSettings | null = null, threads: ThreadPool | null = null): OperatorsStageParts {
  return operatorsStageParts({ config: { llm }, store, catalog: builtinIndex(), threads });
}

/** Inserts a transcript, starts it and stores the fixture's sentences (redacted too when `redaction`). */
export async function storeTranscript(
  store: Store,
  options: TranscriptOptions,
): Promise<{ transcript: TranscriptRecord; sentences: StoredSentence[] }> {
  const participants = options.participants ?? DEFAULT_PARTICIPANTS;
  const redaction = options.redaction ?? false;
  const now = Date.now();
  const mediaUrl = `https://media.example.com/${options.fixture}.vtt`;
  const transcript = transcriptRecord({
    accountSid: options.accountSid as AccountSid,
    channelJson: JSON.stringify({
      type: 'voice',
      media_properties: { source: 'ExternalRecording', source_sid: null, media_url: mediaUrl },
      participants: participants.map((p) => ({
        channel_participant: p.channel_participant,
        role: p.role ?? null,
        full_name: p.full_name ?? null,
        user_id: null,
        media_participant_id: null,
        email: null,
        image_url: null,
      })),
    }),
    mediaUrl,
    redaction,
    durationSeconds: options.durationSeconds ?? 0,
    operatorSids: options.operatorSids as OperatorSid[],
    dateCreatedMs: now,
  });
  if ((await store.insertTranscript(transcript)) !== 'inserted') throw new Error('insertTranscript refused the transcript');
  if (!(await store.startTranscript(transcript.sid, now))) throw new Error('startTranscript refused');
  const sentences = parseWebVtt(fixtureText(options.fixture), participants).map((record, index): StoredSentence => {
    const redacted = redaction ? redactText(record.transcript).text : null;
    return {
      sid: newSid('GX'),
      transcriptSid: transcript.sid,
      sentenceIndex: index,
      mediaChannel: record.mediaChannel,
      startTime: record.startTime,
      endTime: record.endTime,
      confidence: record.confidence,
      transcript: record.transcript,
      words: record.words,
      redactedTranscript: redacted,
      redactedWords: redacted === null ? null : wordsOf(redacted),
    };
  });
  if (!(await store.replaceSentences(transcript.sid, sentences, now))) throw new Error('replaceSentences refused');
  return { transcript: { ...transcript, status: 'in-progress' }, sentences };
}

/** What the job does after the sentences: the stage, its results stored, the transcript completed. */
export async function finishWithOperators(
  store: Store,
  parts: OperatorsStageParts,
  transcript: TranscriptRecord,
  sentences: StoredSentence[],
  complete = true,
): Promise<OperatorsStageOutcome> {
  const outcome = await runOperatorsStage(parts, transcript, sentences);
  if (!(await store.replaceOperatorResults(transcript.sid, outcome.results, Date.now()))) throw new Error('replaceOperatorResults refused');
  if (complete && !(await store.completeTranscript(transcript.sid, Date.now()))) throw new Error('completeTranscript refused');
  return outcome;
}

/** A transcript of the fixture, with these operators run and stored, completed. */
export async function transcriptWithResults(store: Store, parts: OperatorsStageParts, options: TranscriptOptions) {
  const { transcript, sentences } = await storeTranscript(store, options);
  const outcome = await finishWithOperators(store, parts, transcript, sentences);
  return { transcript, sentences, outcome };
}
