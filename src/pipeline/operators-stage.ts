// The transcript job's operators stage: once sentences are stored, every operator attached to the
// service when the transcript was created runs on them. An operator that cannot run gives no result
// and a failure a person can act on (the job records it as an Alert); it never fails the transcript.
import type { CatalogIndex } from '../catalog/load.js';
import type { Config } from '../config.js';
import type { ChatModel } from '../engines/llm/chat.js';
import type { LlmSettings } from '../engines/llm/settings.js';
import type { ThreadPool } from '../jobs/threads.js';
import type { OperatorSid } from '../sids.js';
import { createOperatorRegistry, type OperatorRun, type OperatorToRun } from '../operators/registry.js';
import { resultJson } from '../operators/results.js';
import type { Transcript, TranscriptParticipant } from '../operators/types.js';
import type { Store, StoredOperatorResult, StoredSentence, TranscriptRecord } from '../store/store.js';
import { redactedResult, sentenceRedactor } from './redacted-result.js';

/** Runs the operators on one reading of the transcript: the registry's runAll (deterministic ones on worker threads when it has them). */
export type RunOperators = (transcript: Transcript, operators: readonly OperatorToRun[], signal?: AbortSignal) => Promise<OperatorRun[]>;

export interface OperatorsStageParts {
  store: Pick<Store, 'findCustomOperator'>;
  catalog: CatalogIndex;
  runOperators: RunOperators;
  now?: () => number;
}

export interface OperatorFailure {
  operatorSid: string;
  /** The operator's friendly name when it could still be found. */
  name: string | null;
  reason: string;
}

export interface OperatorsStageOutcome {
  /** One per operator that produced a result, in the transcript's operator order. */
  results: StoredOperatorResult[];
  failures: OperatorFailure[];
}

/** The chat model, its client (the openai module, ~0.25 s to load) loaded by the first call. */
function lazyChatModel(settings: LlmSettings): ChatModel {
  let loaded: Promise<ChatModel> | undefined;
  return {
    model: settings.model,
    async complete(messages, options) {
      loaded ??= import('../engines/llm/chat.js').then(({ openAiChatModel }) => openAiChatModel(settings));
      return (await loaded).complete(messages, options);
    },
  };
}

/** The parts the job needs, built once per process; says once, at start-up, when no language model is configured. */
export function operatorsStageParts(parts: {
  config: Pick<Config, 'llm'>;
  store: Pick<Store, 'findCustomOperator'>;
  catalog: CatalogIndex;
  /** The process's worker threads: the operators that call no model run there. */
  threads?: ThreadPool | null;
}): OperatorsStageParts {
  const registry = createOperatorRegistry(
    { llm: parts.config.llm === null ? null : lazyChatModel(parts.config.llm) },
    { threads: parts.threads ?? null },
  );
  return {
    store: parts.store,
    catalog: parts.catalog,
    runOperators: (transcript, operators, signal) => registry.runAll(transcript, operators, signal),
  };
}

interface ResolvedOperator {
  run: OperatorToRun;
  name: string;
  position: number;
}

type Resolution = { ok: true; operator: ResolvedOperator } | { ok: false; failure: OperatorFailure };

async function resolveOperator(
  parts: OperatorsStageParts,
  transcript: TranscriptRecord,
  operatorSid: OperatorSid,
  position: number,
): Promise<Resolution> {
  const prebuilt = parts.catalog.prebuiltBySid.get(operatorSid);
  if (prebuilt !== undefined) {
    const type = parts.catalog.typeByName.get(prebuilt.operatorType);
    if (type === undefined) {
      const reason = `Its operator type ${prebuilt.operatorType} is not in the catalog (CATALOG_FILE).`;
      return { ok: false, failure: { operatorSid, name: prebuilt.friendlyName, reason } };
    }
    return { ok: true, operator: { run: { operatorSid, operatorType: type, config: null }, name: prebuilt.friendlyName, position } };
  }
  const custom = await parts.store.findCustomOperator(transcript.accountSid, operatorSid);
  if (custom === null) {
    const reason =
      'The operator no longer exists (a custom operator deleted, or a pre-built one removed from the catalog) since the transcript was created.';
    return { ok: false, failure: { operatorSid, name: null, reason } };
  }
  const type = parts.catalog.typeByName.get(custom.operatorType);
  if (type === undefined) {
    return {
      ok: false,
      failure: {
        operatorSid,
        name: custom.friendlyName,
        reason: `Its operator type ${custom.operatorType} is not in the catalog (CATALOG_FILE).`,
      },
    };
  }
  const config = JSON.parse(custom.configJson) as unknown;
  return { ok: true, operator: { run: { operatorSid, operatorType: type, config }, name: custom.friendlyName, position } };
}

function participantsOf(channelJson: string): TranscriptParticipant[] {
  const channel = JSON.parse(channelJson) as {
    participants?: Array<{ channel_participant?: unknown; role?: unknown; full_name?: unknown }> | null;
  };
  return (channel.participants ?? []).flatMap((participant) =>
    typeof participant.channel_participant === 'number'
      ? [
          {
            channelParticipant: participant.channel_participant,
            role: typeof participant.role === 'string' ? participant.role : null,
            fullName: typeof participant.full_name === 'string' ? participant.full_name : null,
          },
        ]
      : [],
  );
}

/** What the runners read: the original sentences, the participants' roles and the duration. */
export function runnerTranscript(transcript: TranscriptRecord, sentences: readonly StoredSentence[]): Transcript {
  return {
    participants: participantsOf(transcript.channelJson),
    durationSeconds: transcript.durationSeconds > 0 ? transcript.durationSeconds : null,
    sentences: sentences.map((sentence) => ({
      sentenceIndex: sentence.sentenceIndex,
      mediaChannel: sentence.mediaChannel,
      startTime: sentence.startTime,
      endTime: sentence.endTime,
      text: sentence.transcript,
    })),
  };
}

/**
 * Runs the transcript's operators on its sentences (the original text) and builds the results to
 * store, with their redacted form when the transcript has redaction. Never throws for an operator.
 */
export async function runOperatorsStage(
  parts: OperatorsStageParts,
  transcript: TranscriptRecord,
  sentences: StoredSentence[],
  signal?: AbortSignal,
): Promise<OperatorsStageOutcome> {
  const failures: OperatorFailure[] = [];
  const operators: ResolvedOperator[] = [];
  const seen = new Set<string>();
  for (const [position, operatorSid] of transcript.operatorSids.entries()) {
    if (seen.has(operatorSid)) continue;
    seen.add(operatorSid);
    const resolution = await resolveOperator(parts, transcript, operatorSid, position);
    if (resolution.ok) operators.push(resolution.operator);
    else failures.push(resolution.failure);
  }
  const runs =
    operators.length === 0
      ? []
      : await parts.runOperators(
          runnerTranscript(transcript, sentences),
          operators.map((operator) => operator.run),
          signal,
        );
  const redact = transcript.redaction ? sentenceRedactor(sentences) : null;
  const nowMs = (parts.now ?? Date.now)();
  const results: StoredOperatorResult[] = [];
  for (const [index, run] of runs.entries()) {
    const operator = operators[index]!;
    if (!run.outcome.ok) {
      failures.push({ operatorSid: run.operatorSid, name: operator.name, reason: run.outcome.reason });
      continue;
    }
    const { result } = run.outcome;
    results.push({
      transcriptSid: transcript.sid,
      operatorSid: run.operatorSid,
      name: operator.name,
      position: operator.position,
      resultJson: resultJson(result),
      redactedResultJson: redact === null ? null : resultJson(redactedResult(result, operator.name, redact)),
      dateCreatedMs: nowMs,
    });
  }
  const order = (sid: string) => (transcript.operatorSids as readonly string[]).indexOf(sid);
  failures.sort((a, b) => order(a.operatorSid) - order(b.operatorSid));
  return { results, failures };
}
