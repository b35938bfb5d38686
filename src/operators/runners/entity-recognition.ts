// Entity Recognition with compromise, run only on the sentences the shared reading flags as able to
// hold an entity (capitals inside the sentence, digits, number, month or day words, wink entities):
// compromise costs ~10× wink per word, and most call sentences hold none. Result `extract-normalize`:
// per category (Person, Location, Organization, Date, Quantity), each entity once, as said.
import { findEntities } from '../../engines/language/compromise.js';
import type { AnalysedTranscript } from '../analysed-transcript.js';
import { extract } from '../results.js';
import type { Runner } from '../runner.js';
import type { RunOutcome } from '../types.js';

export const ENTITY_CATEGORIES = ['Person', 'Location', 'Organization', 'Date', 'Quantity'] as const;

export function recogniseEntities(transcript: AnalysedTranscript): RunOutcome {
  const byCategory = new Map<string, Set<string>>();
  for (const sentence of transcript.sentences) {
    if (!sentence.mayHoldEntities) continue;
    for (const entity of findEntities(sentence.text)) {
      const set = byCategory.get(entity.category) ?? new Set<string>();
      set.add(entity.text);
      byCategory.set(entity.category, set);
    }
  }
  const results: Record<string, string[]> = {};
  for (const category of ENTITY_CATEGORIES) {
    const found = byCategory.get(category);
    if (found !== undefined) results[category] = [...found];
  }
  // compromise gives no confidence, so none is claimed.
  return extract('extract-normalize', results, null);
}

export const entityRecognitionRunner: Runner = {
  name: 'entity-recognition',
  outputType: 'text-extraction-normalized',
  checkConfig: () => [],
  run: recogniseEntities,
};
