// Picks each operator's runner by its operator type's binding, reads the transcript once and runs
// every operator on that one reading. A runner that throws gives no result with the reason; it never
// takes the other operators' results with it. Given worker threads, the operators that do not call
// the language model run on one of them (off-thread.ts), and the rest here, at the same time.
import type { ChatModel } from '../engines/llm/chat.js';
import type { ThreadPool } from '../jobs/threads.js';
import { analyse } from './analysed-transcript.js';
import { BUILTIN_BINDINGS, type EngineBinding } from './bindings.js';
import { runOperatorsOffThread } from './off-thread.js';
import type { Runner } from './runner.js';
import { entityRecognitionRunner } from './runners/entity-recognition.js';
import { generativeJsonRunner } from './runners/generative-json.js';
import { generativeRunner } from './runners/generative.js';
import { literalClassificationRunner } from './runners/literal-classification.js';
import { literalSpotRunner } from './runners/literal-spot.js';
import { nonEnglishCallRunner } from './runners/non-english-call.js';
import { outboundCallDispositionRunner } from './runners/outbound-call-disposition.js';
import { phraseClassifierRunner } from './runners/phrase-classifier.js';
import { sentimentRunner } from './runners/sentiment.js';
import { summarizationRunner } from './runners/summarization.js';
import { unavailablePartyRunner } from './runners/unavailable-party.js';
import { voicemailDetectionRunner } from './runners/voicemail-detection.js';
import { noResult, type RunOutcome, type Transcript } from './types.js';

/** What the registry needs of an operator type: its name, and a CATALOG_FILE type's engine. */
export interface BindableType {
  name: string;
  outputType: string;
  engine?: EngineBinding;
}

export interface OperatorToRun {
  operatorSid: string;
  operatorType: BindableType;
  /** A custom operator's Config; null for a pre-built operator. */
  config: unknown;
}

export interface OperatorRun {
  operatorSid: string;
  outcome: RunOutcome;
}

export interface OperatorRegistry {
  runnerNames(): string[];
  bindingOf(type: BindableType): EngineBinding | null;
  /** Problems that keep an operator type from running, [] when it can: for checks at start-up. */
  checkType(type: BindableType): string[];
  /** One run per operator, in their order; aborting stops the work on a thread (rejecting with the reason). */
  runAll(transcript: Transcript, operators: readonly OperatorToRun[], signal?: AbortSignal): Promise<OperatorRun[]>;
}

export interface Engines {
  llm: ChatModel | null;
}

export interface RegistryOptions {
  /** Worker threads for the operators that do not call the language model; null or absent: all run here. */
  threads?: ThreadPool | null;
}

export function createOperatorRegistry(engines: Engines, options: RegistryOptions = {}): OperatorRegistry {
  const runners = new Map<string, Runner>(
    [
      literalSpotRunner,
      literalClassificationRunner,
      phraseClassifierRunner,
      sentimentRunner,
      entityRecognitionRunner,
      nonEnglishCallRunner,
      voicemailDetectionRunner,
      unavailablePartyRunner,
      outboundCallDispositionRunner,
      generativeRunner(engines.llm),
      generativeJsonRunner(engines.llm),
      summarizationRunner(engines.llm),
    ].map((runner) => [runner.name, runner]),
  );

  const bindingOf = (type: BindableType): EngineBinding | null =>
    type.engine ?? (Object.hasOwn(BUILTIN_BINDINGS, type.name) ? (BUILTIN_BINDINGS[type.name] ?? null) : null);

  function checkType(type: BindableType): string[] {
    const binding = bindingOf(type);
    if (binding === null) return [`operator type ${type.name} names no engine and has no built-in one`];
    const runner = runners.get(binding.runner);
    if (runner === undefined)
      return [
        `operator type ${type.name} names the runner "${binding.runner}", which does not exist (runners: ${[...runners.keys()].join(', ')})`,
      ];
    if (runner.outputType !== type.outputType) {
      return [
        `operator type ${type.name} has output_type ${type.outputType}, but the runner "${runner.name}" produces ${runner.outputType}`,
      ];
    }
    return binding.config === undefined
      ? []
      : runner.checkConfig(binding.config).map((problem) => `operator type ${type.name}: engine.config ${problem}`);
  }

  async function runOne(operator: OperatorToRun, analysed: ReturnType<typeof analyse>): Promise<RunOutcome> {
    const [problem] = checkType(operator.operatorType);
    if (problem !== undefined) return noResult(`The operator cannot run: ${problem}.`);
    const binding = bindingOf(operator.operatorType)!;
    try {
      return await runners.get(binding.runner)!.run(analysed, binding.config ?? operator.config);
    } catch (error) {
      return noResult(`The operator failed: ${(error as Error).message}`);
    }
  }

  async function runHere(transcript: Transcript, operators: readonly OperatorToRun[]): Promise<OperatorRun[]> {
    if (operators.length === 0) return [];
    const analysed = analyse(transcript);
    const runs: OperatorRun[] = [];
    for (const operator of operators) runs.push({ operatorSid: operator.operatorSid, outcome: await runOne(operator, analysed) });
    return runs;
  }

  const callsModel = (operator: OperatorToRun): boolean => {
    const binding = bindingOf(operator.operatorType);
    return engines.llm !== null && binding !== null && runners.get(binding.runner)?.usesModel === true;
  };

  return {
    runnerNames: () => [...runners.keys()],
    bindingOf,
    checkType,
    async runAll(transcript, operators, signal) {
      const { threads } = options;
      if (threads === undefined || threads === null) return runHere(transcript, operators);
      const here = operators.filter(callsModel);
      const there = operators.filter((operator) => !callsModel(operator));
      const [offThread, onThisThread] = await Promise.all([
        there.length === 0 ? [] : runOperatorsOffThread(threads, transcript, there, signal),
        runHere(transcript, here),
      ]);
      // Back in the operators' order.
      return operators.map((operator) => (callsModel(operator) ? onThisThread : offThread).shift()!);
    },
  };
}
