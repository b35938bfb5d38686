// Unavailable Party Detector (`UnavailableParty` / `NoClass`), a documented rule: the party was
// unavailable when someone says so ("she's not available", "he stepped out", "can I take a
// message", "all our agents are busy") or the call reached voicemail (Voicemail Detection's rule).
// Confidence: 0.6 + 0.1 per place a phrase is said (voicemail counts as two); NoClass 0.8.
import type { AnalysedTranscript } from '../analysed-transcript.js';
import { confidence, countPlaces, hitsOf, spokenSentences } from '../call-signals.js';
import { UNAVAILABLE_PARTY } from '../phrase-sets.js';
import { ruleClassify } from '../results.js';
import type { Runner } from '../runner.js';
import { noResult, type RunOutcome } from '../types.js';
import { voicemailEvidence } from './voicemail-detection.js';

export const UNAVAILABLE_LABELS = ['UnavailableParty', 'NoClass'] as const;

export function detectUnavailableParty(transcript: AnalysedTranscript): RunOutcome {
  const spoken = spokenSentences(transcript);
  if (spoken.length === 0) return noResult('The transcript has no speech to classify.');
  const evidence = countPlaces(hitsOf(UNAVAILABLE_PARTY, spoken)) + (voicemailEvidence(transcript).voicemail ? 2 : 0);
  if (evidence > 0) return ruleClassify(UNAVAILABLE_LABELS, 'UnavailableParty', confidence(0.6, 0.1, evidence));
  return ruleClassify(UNAVAILABLE_LABELS, 'NoClass', 0.8);
}

export const unavailablePartyRunner: Runner = {
  name: 'unavailable-party',
  outputType: 'text-classification',
  checkConfig: () => [],
  run: detectUnavailableParty,
};
