// Stages 6 and 7: the operators' results (when an operators stage is plugged in) and `completed`, in
// one unit of work, so that a completed transcript always has its results.
import type { StoredSentence } from '../../store/store.js';
import type { OperatorsOutcome, PipelineParts, Run } from '../context.js';
import { TranscriptGone } from '../failure.js';

export async function operatorsStage(parts: PipelineParts, run: Run, sentences: StoredSentence[]): Promise<OperatorsOutcome | null> {
  if (parts.operators === undefined) return null;
  return parts.operators(run.transcript, sentences, run.signal);
}

export async function completeStage(parts: PipelineParts, run: Run, outcome: OperatorsOutcome | null): Promise<void> {
  const sid = run.transcript.sid;
  const nowMs = (parts.now ?? Date.now)();
  await parts.store.transaction(async (tx) => {
    if (outcome !== null && !(await tx.replaceOperatorResults(sid, outcome.results, nowMs)))
      throw new TranscriptGone(`transcript ${sid} was deleted or finished`);
    if (!(await tx.completeTranscript(sid, nowMs))) throw new TranscriptGone(`transcript ${sid} was deleted or finished`);
    await parts.onTranscriptCompleted?.(tx, run.transcript, outcome?.failures ?? [], nowMs);
  });
}
