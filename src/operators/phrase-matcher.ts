// Finds the phrases of phrase sets in tokenised sentences. `exact`: the phrase's words in order,
// whole words, ignoring case and punctuation. `fuzzy` also accepts another form of a word (same
// Porter stem, contractions expanded), dropped articles, a word the recogniser split in two or two
// it joined, and one typo in words of six letters or more. Curated sets may use `*` for any one word.
import { readPhrase, type Token } from '../engines/language/wink.js';
import type { AnalysedSentence } from './analysed-transcript.js';

export type MatchType = 'exact' | 'fuzzy';

export interface PhraseSet {
  name: string;
  phrases: string[];
  match: MatchType;
}

export interface PhraseHit {
  set: string;
  phrase: string;
  sentence: AnalysedSentence;
  /** Character offsets of the matched words in the sentence's text. */
  start: number;
  end: number;
  /** 1 for an exact match; lower for each kind of tolerance a fuzzy match needed. */
  score: number;
}

interface PhraseWord {
  key: string;
  stem: string;
  wildcard: boolean;
}

interface CompiledPhrase {
  set: string;
  phrase: string;
  match: MatchType;
  words: PhraseWord[];
}

export interface CompiledPhraseSets {
  phrases: CompiledPhrase[];
  /** Candidate phrases by the key of a sentence word that may start them. */
  byFirstKey: Map<string, CompiledPhrase[]>;
  /** Phrases that must be tried at every word: those starting with a wildcard. */
  everywhere: CompiledPhrase[];
}

const ARTICLES = new Set(['a', 'an', 'the']);
const NOT_WORDS = new Set(['punctuation', 'symbol', 'tabCRLF', 'emoji', 'emoticon']);
const MIN_TYPO_LENGTH = 6;
const MATCH_TYPES: readonly MatchType[] = ['exact', 'fuzzy'];
const SCORE = { stem: 0.95, split: 0.9, typo: 0.85 };

const exactKey = (token: Token): string => token.value.toLowerCase();

function phraseWords(phrase: string, match: MatchType, wildcards: boolean): PhraseWord[] {
  const words: PhraseWord[] = [];
  for (const part of wildcards ? phrase.split(/(\*)/) : [phrase]) {
    if (part === '*') {
      words.push({ key: '*', stem: '*', wildcard: true });
      continue;
    }
    for (const token of readPhrase(part)) {
      if (NOT_WORDS.has(token.type)) continue;
      if (match === 'fuzzy' && ARTICLES.has(token.normal)) continue;
      words.push({ key: match === 'exact' ? exactKey(token) : token.normal, stem: token.stem, wildcard: false });
    }
  }
  return words;
}

function addCandidate(map: Map<string, CompiledPhrase[]>, key: string, phrase: CompiledPhrase): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [phrase]);
  else if (!list.includes(phrase)) list.push(phrase);
}

export function compilePhraseSets(sets: readonly PhraseSet[], options: { wildcards?: boolean } = {}): CompiledPhraseSets {
  const compiled: CompiledPhraseSets = { phrases: [], byFirstKey: new Map(), everywhere: [] };
  for (const set of sets) {
    for (const phrase of set.phrases) {
      const words = phraseWords(phrase, set.match, options.wildcards === true);
      const [first, second] = words;
      if (first === undefined) continue;
      const entry: CompiledPhrase = { set: set.name, phrase, match: set.match, words };
      compiled.phrases.push(entry);
      if (first.wildcard) {
        compiled.everywhere.push(entry);
        continue;
      }
      addCandidate(compiled.byFirstKey, first.key, entry);
      if (set.match === 'fuzzy') {
        addCandidate(compiled.byFirstKey, `stem:${first.stem}`, entry);
        if (second !== undefined && !second.wildcard) addCandidate(compiled.byFirstKey, first.key + second.key, entry);
        // A sentence word split in two ("pass word") starts with a prefix of the phrase's first word.
        for (let cut = 1; cut < first.key.length; cut++) addCandidate(compiled.byFirstKey, `prefix:${first.key.slice(0, cut)}`, entry);
        // One typo away: the two words share a deletion variant (symmetric delete).
        if (first.key.length >= MIN_TYPO_LENGTH)
          for (const variant of deletions(first.key)) addCandidate(compiled.byFirstKey, `typo:${variant}`, entry);
      }
    }
  }
  return compiled;
}

/** The word and every form of it with one letter deleted. */
function deletions(word: string): string[] {
  const variants = [word];
  for (let i = 0; i < word.length; i++) variants.push(word.slice(0, i) + word.slice(i + 1));
  return variants;
}

/** Damerau–Levenshtein distance is at most 1 (one insertion, deletion, substitution or swap). */
function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

function wordScore(word: PhraseWord, token: Token, match: MatchType): number {
  if (match === 'exact') return word.key === exactKey(token) ? 1 : 0;
  if (word.key === token.normal) return 1;
  if (word.stem === token.stem) return SCORE.stem;
  const long = word.key.length >= MIN_TYPO_LENGTH && token.normal.length >= MIN_TYPO_LENGTH;
  return long && withinOneEdit(word.key, token.normal) ? SCORE.typo : 0;
}

interface Span {
  last: number;
  score: number;
}

/** Matches phrase words from `j` against sentence words from `i`; first success wins, so results are stable. */
function matchFrom(phrase: CompiledPhrase, j: number, words: Token[], i: number, score: number): Span | null {
  const { words: pw, match } = phrase;
  const word = pw[j];
  if (word === undefined) return { last: i - 1, score };
  const current = words[i];
  if (current === undefined) return null;
  if (word.wildcard) return matchFrom(phrase, j + 1, words, i + 1, score);
  const direct = wordScore(word, current, match);
  if (direct > 0) {
    const span = matchFrom(phrase, j + 1, words, i + 1, Math.min(score, direct));
    if (span !== null) return span;
  }
  if (match === 'exact') return null;
  const next = words[i + 1];
  if (next !== undefined && current.normal + next.normal === word.key) {
    const span = matchFrom(phrase, j + 1, words, i + 2, Math.min(score, SCORE.split));
    if (span !== null) return span;
  }
  const following = pw[j + 1];
  if (following !== undefined && !following.wildcard && word.key + following.key === current.normal) {
    return matchFrom(phrase, j + 2, words, i + 1, Math.min(score, SCORE.split));
  }
  return null;
}

/** Phrases that may start at a sentence word, each once, in a stable order. */
function candidates(compiled: CompiledPhraseSets, token: Token, match: MatchType): CompiledPhrase[] {
  const keys = match === 'exact' ? [exactKey(token)] : [token.normal, `stem:${token.stem}`, `prefix:${token.normal}`];
  if (match === 'fuzzy' && token.normal.length >= MIN_TYPO_LENGTH)
    for (const variant of deletions(token.normal)) keys.push(`typo:${variant}`);
  const found: CompiledPhrase[] = [...compiled.everywhere];
  for (const key of keys) {
    const list = compiled.byFirstKey.get(key);
    if (list === undefined) continue;
    for (const phrase of list) if (phrase.match === match && !found.includes(phrase)) found.push(phrase);
  }
  return found;
}

/** Sentence words without articles, kept per sentence: every fuzzy phrase set reads the same list. */
const withoutArticles = new WeakMap<AnalysedSentence, Token[]>();

function sentenceWords(sentence: AnalysedSentence, match: MatchType): Token[] {
  if (match === 'exact') return sentence.words;
  let words = withoutArticles.get(sentence);
  if (words === undefined) {
    words = sentence.words.filter((token) => !ARTICLES.has(token.normal));
    withoutArticles.set(sentence, words);
  }
  return words;
}

/** Every place a phrase is said, in sentence order, then by position in the sentence. */
export function findPhrases(compiled: CompiledPhraseSets, sentences: readonly AnalysedSentence[]): PhraseHit[] {
  const hits: PhraseHit[] = [];
  if (compiled.phrases.length === 0) return hits;
  const matchTypes = MATCH_TYPES.filter((match) => compiled.phrases.some((phrase) => phrase.match === match));
  for (const sentence of sentences) {
    for (const match of matchTypes) {
      const words = sentenceWords(sentence, match);
      for (const [i, token] of words.entries()) {
        for (const phrase of candidates(compiled, token, match)) {
          const span = matchFrom(phrase, 0, words, i, 1);
          if (span === null) continue;
          // matchFrom's span ends at a word it matched, so span.last indexes words.
          hits.push({
            set: phrase.set,
            phrase: phrase.phrase,
            sentence,
            start: token.start,
            end: words[span.last]!.end,
            score: span.score,
          });
        }
      }
    }
  }
  return hits.sort((a, b) => a.sentence.sentenceIndex - b.sentence.sentenceIndex || a.start - b.start || a.end - b.end);
}
