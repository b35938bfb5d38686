// The operators task's body, run on a worker thread (see off-thread.ts): one registry per thread,
// without a language model, made when the thread first runs operators.
import { implement } from '../jobs/thread-host.js';
import { runOperatorsTask } from './off-thread.js';
import type { OperatorRegistry } from './registry.js';

let registry: Promise<OperatorRegistry> | null = null;

export const operatorThreadTasks = [
  implement(runOperatorsTask, async ({ transcript, operators }) => {
    registry ??= import('./registry.js').then(({ createOperatorRegistry }) => createOperatorRegistry({ llm: null }));
    return (await registry).runAll(transcript, operators);
  }),
];
