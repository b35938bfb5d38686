// Voicemail Detection (`voicemail` / `not_voicemail`), a documented rule. Evidence is the voicemail
// greeting phrases said in the call's opening, per place said: a strong phrase ("leave a message",
// "after the tone") counts 1, a weak one ("you've reached") ½. The call reached voicemail when the
// evidence is at least 1 and the call is not a dialogue (fewer than three speaker changes): a
// greeting answered by a live conversation is a person. Confidence: voicemail 0.6 + 0.1 per unit of
// evidence; not_voicemail 0.9 without evidence, 0.7 with some (weak, or answered by a dialogue).
import type { AnalysedTranscript } from '../analysed-transcript.js';
import { confidence, hitsOf, isDialogue, opening, places, spokenSentences } from '../call-signals.js';
import { VOICEMAIL_GREETING } from '../phrase-sets.js';
import { ruleClassify } from '../results.js';
import type { Runner } from '../runner.js';
import { noResult, type RunOutcome } from '../types.js';

export const VOICEMAIL_LABELS = ['voicemail', 'not_voicemail'] as const;
const WEAK_PHRASES = new Set(['you have reached', "you've reached", 'get back to you as soon as', 'return your call']);

export interface VoicemailEvidence {
  evidence: number;
  dialogue: boolean;
  voicemail: boolean;
}

export function voicemailEvidence(transcript: AnalysedTranscript): VoicemailEvidence {
  const spoken = spokenSentences(transcript);
  let evidence = 0;
  for (const place of places(hitsOf(VOICEMAIL_GREETING, opening(spoken)))) {
    evidence += place.every((hit) => WEAK_PHRASES.has(hit.phrase)) ? 0.5 : 1;
  }
  const dialogue = isDialogue(spoken);
  return { evidence, dialogue, voicemail: evidence >= 1 && !dialogue };
}

export function detectVoicemail(transcript: AnalysedTranscript): RunOutcome {
  if (spokenSentences(transcript).length === 0) return noResult('The transcript has no speech to classify.');
  const { evidence, voicemail } = voicemailEvidence(transcript);
  if (voicemail) return ruleClassify(VOICEMAIL_LABELS, 'voicemail', confidence(0.6, 0.1, evidence));
  return ruleClassify(VOICEMAIL_LABELS, 'not_voicemail', evidence > 0 ? 0.7 : 0.9);
}

export const voicemailDetectionRunner: Runner = {
  name: 'voicemail-detection',
  outputType: 'text-classification',
  checkConfig: () => [],
  run: detectVoicemail,
};
