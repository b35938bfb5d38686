// A two-class classifier from phrase evidence (Call Transfer: `Transfer` / `NoTransfer`): the
// present label when a phrase of the sets is said, with confidence 0.6 + 0.1 per place a phrase is said;
// otherwise the absent label with 0.8. Config: {present, absent, phrase_sets}.
import type { AnalysedTranscript } from '../analysed-transcript.js';
import { confidence, countPlaces, spokenSentences } from '../call-signals.js';
import { readPhraseSets, problemsOf } from '../phrase-config.js';
import { compilePhraseSets, findPhrases } from '../phrase-matcher.js';
import { ruleClassify } from '../results.js';
import { compiledConfig, isObject, unusableConfig, type Runner } from '../runner.js';
import { noResult, type RunOutcome } from '../types.js';

function readConfig(config: unknown) {
  if (!isObject(config)) return 'config must be an object';
  const { present, absent } = config;
  if (typeof present !== 'string' || typeof absent !== 'string' || present === absent) {
    return 'present and absent must be two different labels';
  }
  const sets = readPhraseSets(config.phrase_sets, 'phrase_sets');
  return typeof sets === 'string' ? sets : { present, absent, compiled: compilePhraseSets(sets, { wildcards: true }) };
}

const compiled = compiledConfig(readConfig);

export const phraseClassifierRunner: Runner = {
  name: 'phrase-classifier',
  outputType: 'text-classification',
  checkConfig: (config) => problemsOf(compiled(config)),
  run(transcript: AnalysedTranscript, config: unknown): RunOutcome {
    const ready = compiled(config);
    if (typeof ready === 'string') return unusableConfig(ready);
    const spoken = spokenSentences(transcript);
    if (spoken.length === 0) return noResult('The transcript has no speech to classify.');
    const labels = [ready.present, ready.absent];
    const evidence = countPlaces(findPhrases(ready.compiled, spoken));
    if (evidence > 0) return ruleClassify(labels, ready.present, confidence(0.6, 0.1, evidence));
    return ruleClassify(labels, ready.absent, 0.8);
  },
};
