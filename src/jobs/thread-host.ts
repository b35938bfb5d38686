// The worker thread's side of a ThreadPool (threads.ts): answers each task the pool sends with what
// its body returns, or the error it throws (name, message, stack and fields such as `code` kept).
import { parentPort, type TransferListItem } from 'node:worker_threads';
import { lowerThisThreadPriority } from './priority.js';
import type { ReportedError, TaskReply, TaskRequest, ThreadTask } from './threads.js';

/** A result whose listed buffers are moved to the caller rather than copied. */
export class Transferring<T> {
  constructor(
    readonly value: T,
    readonly transfer: readonly TransferListItem[],
  ) {}
}

export type TaskBody<I, O> = (input: I) => O | Transferring<O> | Promise<O | Transferring<O>>;

export interface TaskImplementation {
  name: string;
  body: TaskBody<unknown, unknown>;
}

/** Pairs a task with its body, type-checked against the task's input and output. */
export const implement = <I, O>(task: ThreadTask<I, O>, body: TaskBody<I, O>): TaskImplementation => ({
  name: task.name,
  body: body as TaskBody<unknown, unknown>,
});

export function reportError(error: unknown): ReportedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) fields[key] = value;
  }
  return { name: error.name, message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }), fields };
}

/** Serves `tasks` on this worker thread's port, one request at a time as the pool sends them. */
export function serveThreadTasks(tasks: readonly TaskImplementation[]): void {
  const port = parentPort;
  if (port === null) throw new Error('serveThreadTasks runs in a worker thread started by a ThreadPool');
  // The event loop's requests come first when both want the CPU.
  lowerThisThreadPriority();
  const bodies = new Map(tasks.map((task) => [task.name, task.body]));
  port.on('message', (request: TaskRequest) => {
    void answer(bodies, request).then(({ reply, transfer }) => {
      try {
        port.postMessage(reply, transfer);
      } catch (error) {
        // A result that cannot be copied is the task's failure, not the thread's.
        port.postMessage({ id: request.id, ok: false, error: reportError(error) } satisfies TaskReply);
      }
    });
  });
}

async function answer(
  bodies: Map<string, TaskBody<unknown, unknown>>,
  { id, task, input }: TaskRequest,
): Promise<{ reply: TaskReply; transfer: readonly TransferListItem[] }> {
  try {
    const body = bodies.get(task);
    if (body === undefined) throw new Error(`This worker thread has no task named "${task}"`);
    const value = await body(input);
    if (value instanceof Transferring) return { reply: { id, ok: true, value: value.value }, transfer: value.transfer };
    return { reply: { id, ok: true, value }, transfer: [] };
  } catch (error) {
    return { reply: { id, ok: false, error: reportError(error) }, transfer: [] };
  }
}
