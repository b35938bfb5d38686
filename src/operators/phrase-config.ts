// Reads the phrase sets of a LiteralSpot config or the classes of a LiteralClassification config,
// already valid against their config_schema when stored; anything else is reported, not guessed.
import type { MatchType, PhraseSet } from './phrase-matcher.js';
import { isObject } from './runner.js';

export function readPhraseSets(value: unknown, path: string, defaultMatch?: MatchType): PhraseSet[] | string {
  if (!Array.isArray(value) || value.length === 0) return `${path} must be a non-empty array`;
  const sets: PhraseSet[] = [];
  for (const [index, entry] of value.entries()) {
    const at = `${path}/${index}`;
    if (!isObject(entry) || typeof entry.name !== 'string') return `${at}/name must be a string`;
    if (!Array.isArray(entry.phrases) || !entry.phrases.every((p) => typeof p === 'string')) return `${at}/phrases must be strings`;
    const match = entry.match ?? defaultMatch;
    if (match !== 'exact' && match !== 'fuzzy') return `${at}/match must be exact or fuzzy`;
    sets.push({ name: entry.name, phrases: entry.phrases, match });
  }
  return sets;
}

export const problemsOf = (read: unknown): string[] => (typeof read === 'string' ? [read] : []);
