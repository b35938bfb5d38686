// LiteralSpot: every place a phrase of a phrase set is said. Result `extract`: per phrase set, the
// sentences (as said) that hold one of its phrases; match_probability is the best match's score.
import type { AnalysedTranscript } from '../analysed-transcript.js';
import { readPhraseSets, problemsOf } from '../phrase-config.js';
import { compilePhraseSets, findPhrases, type PhraseHit, type PhraseSet } from '../phrase-matcher.js';
import { extract } from '../results.js';
import { compiledConfig, unusableConfig, type Runner } from '../runner.js';
import type { RunOutcome } from '../types.js';

// `wildcards` is not in LiteralSpot's config_schema: only curated and CATALOG_FILE sets use `*`.
const compiled = compiledConfig((config) => {
  const sets = readPhraseSets(config.phrase_sets, 'phrase_sets');
  return typeof sets === 'string' ? sets : { sets, compiled: compilePhraseSets(sets, { wildcards: config.wildcards === true }) };
});

/** Per phrase set (in config order, only those that matched), each matching sentence once. */
export function extractResults(sets: readonly PhraseSet[], hits: readonly PhraseHit[]): Record<string, string[]> {
  const results: Record<string, string[]> = {};
  const seen = new Set<string>();
  for (const set of sets) {
    for (const hit of hits) {
      const key = `${set.name}\u0000${hit.sentence.sentenceIndex}`;
      if (hit.set !== set.name || seen.has(key)) continue;
      seen.add(key);
      (results[set.name] ??= []).push(hit.sentence.text);
    }
  }
  return results;
}

export function spot(transcript: AnalysedTranscript, config: unknown): RunOutcome {
  const ready = compiled(config);
  if (typeof ready === 'string') return unusableConfig(ready);
  const hits = findPhrases(ready.compiled, transcript.sentences);
  const best = hits.reduce((max, hit) => Math.max(max, hit.score), 0);
  return extract('extract', extractResults(ready.sets, hits), best);
}

export const literalSpotRunner: Runner = {
  name: 'literal-spot',
  outputType: 'text-extraction',
  checkConfig: (config) => problemsOf(compiled(config)),
  run: spot,
};
