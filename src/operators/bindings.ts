// Which runner each built-in operator type uses, and with what fixed config: data, not a switch.
// Configurable types (no fixed config) run with the operator's own Config. A CATALOG_FILE operator
// type names its binding in its `engine` field, in this same shape.
import {
  AGENT_INTRODUCTION,
  CALL_TRANSFER,
  DO_NOT_CONTACT_ME,
  ESCALATION_REQUEST,
  PASSWORD_RESET,
  RECORDING_DISCLOSURE,
} from './phrase-sets.js';
import type { PhraseSet } from './phrase-matcher.js';

export interface EngineBinding {
  /** A runner's name, e.g. `literal-spot`. */
  runner: string;
  /** The config the runner always gets; absent → the operator's own Config. */
  config?: Record<string, unknown>;
}

const phraseDetector = (set: PhraseSet): EngineBinding => ({ runner: 'literal-spot', config: { phrase_sets: [set], wildcards: true } });

export const BUILTIN_BINDINGS: Readonly<Record<string, EngineBinding>> = {
  LiteralSpot: { runner: 'literal-spot' },
  LiteralClassification: { runner: 'literal-classification' },
  Generative: { runner: 'generative' },
  GenerativeJSON: { runner: 'generative-json' },
  Sentiment: { runner: 'sentiment' },
  Summarization: { runner: 'summarization' },
  EntityRecognition: { runner: 'entity-recognition' },
  AgentIntroduction: phraseDetector(AGENT_INTRODUCTION),
  EscalationRequest: phraseDetector(ESCALATION_REQUEST),
  RecordingDisclosure: phraseDetector(RECORDING_DISCLOSURE),
  DoNotContactMe: phraseDetector(DO_NOT_CONTACT_ME),
  PasswordReset: phraseDetector(PASSWORD_RESET),
  CallTransfer: {
    runner: 'phrase-classifier',
    config: { present: 'Transfer', absent: 'NoTransfer', phrase_sets: [CALL_TRANSFER] },
  },
  OutboundCallDisposition: { runner: 'outbound-call-disposition' },
  VoicemailDetection: { runner: 'voicemail-detection' },
  UnavailablePartyDetector: { runner: 'unavailable-party' },
  NonEnglishCall: { runner: 'language-identification' },
};
