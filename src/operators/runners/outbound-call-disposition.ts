// Outbound Call Disposition, a documented rule applied in this order:
//   NoContent         no words at all (confidence 1)
//   Voicemail / IVR   voicemail evidence (Voicemail Detection's rule) or IVR menu phrases in the
//                     opening ("press one", "main menu"); the stronger wins, voicemail on a tie
//   GhostCall         only one channel spoke, and briefly (at most 30 words): nobody answered (0.7)
//   StopContactingMe  a Do Not Contact Me phrase (0.7 + 0.1 per place a phrase is said)
//   WrongNumber       "wrong number", "no one by that name"… (0.7 + 0.1 per place a phrase is said)
//   Ordinary          otherwise (0.6 for a dialogue, 0.5 without one)
// The labels are Twilio's; the remaining probability is spread evenly over the other labels.
import type { AnalysedTranscript } from '../analysed-transcript.js';
import { confidence, countPlaces, hitsOf, isDialogue, opening, spokenSentences } from '../call-signals.js';
import { DO_NOT_CONTACT_ME, IVR_PROMPT, WRONG_NUMBER } from '../phrase-sets.js';
import { ruleClassify } from '../results.js';
import type { Runner } from '../runner.js';
import type { RunOutcome } from '../types.js';
import { voicemailEvidence } from './voicemail-detection.js';

export const DISPOSITION_LABELS = ['GhostCall', 'IVR', 'NoContent', 'Ordinary', 'StopContactingMe', 'Voicemail', 'WrongNumber'] as const;
const GHOST_MAX_WORDS = 30;

export function classifyDisposition(transcript: AnalysedTranscript): RunOutcome {
  const spoken = spokenSentences(transcript);
  const answer = (label: (typeof DISPOSITION_LABELS)[number], p: number) => ruleClassify(DISPOSITION_LABELS, label, p);
  if (spoken.length === 0) return answer('NoContent', 1);

  const voicemail = voicemailEvidence(transcript);
  const ivr = voicemail.dialogue ? 0 : countPlaces(hitsOf(IVR_PROMPT, opening(spoken)));
  if (voicemail.voicemail && voicemail.evidence >= ivr) return answer('Voicemail', confidence(0.6, 0.1, voicemail.evidence));
  if (ivr > 0) return answer('IVR', confidence(0.6, 0.1, ivr));

  const channels = new Set(spoken.map((sentence) => sentence.mediaChannel));
  const words = spoken.reduce((sum, sentence) => sum + sentence.words.length, 0);
  if (channels.size === 1 && words <= GHOST_MAX_WORDS) return answer('GhostCall', 0.7);

  const stop = countPlaces(hitsOf(DO_NOT_CONTACT_ME, spoken));
  if (stop > 0) return answer('StopContactingMe', confidence(0.7, 0.1, stop));
  const wrong = countPlaces(hitsOf(WRONG_NUMBER, spoken));
  if (wrong > 0) return answer('WrongNumber', confidence(0.7, 0.1, wrong));
  return answer('Ordinary', isDialogue(spoken) ? 0.6 : 0.5);
}

export const outboundCallDispositionRunner: Runner = {
  name: 'outbound-call-disposition',
  outputType: 'text-classification',
  checkConfig: () => [],
  run: classifyDisposition,
};
