// The deterministic operators of a transcript on a worker thread (src/jobs/threads.ts): reading a
// long transcript (wink-nlp) and matching phrases are CPU work that would stall the event loop.
// The thread's registry has no language model; a runner that uses one stays on the main thread
// (OperatorRegistry.runAll decides which).
import { threadTask, type ThreadPool } from '../jobs/threads.js';
import type { OperatorRun, OperatorToRun } from './registry.js';
import type { Transcript } from './types.js';

export const runOperatorsTask = threadTask<{ transcript: Transcript; operators: OperatorToRun[] }, OperatorRun[]>('operators.run');

/** The same OperatorRun[] as runAll on the main thread, in the same order. */
export function runOperatorsOffThread(
  threads: ThreadPool,
  transcript: Transcript,
  operators: readonly OperatorToRun[],
  signal?: AbortSignal,
): Promise<OperatorRun[]> {
  // Only what the runners read crosses to the thread, not the whole catalog entry.
  const sent = operators.map(({ operatorSid, operatorType: { name, outputType, engine }, config }) => ({
    operatorSid,
    operatorType: engine === undefined ? { name, outputType } : { name, outputType, engine },
    config,
  }));
  return threads.run(runOperatorsTask, { transcript, operators: sent }, { signal });
}
