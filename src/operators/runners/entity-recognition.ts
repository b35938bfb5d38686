// Entity Recognition. Dates and quantities come from wink's entities, already found while reading
// (DATE and TIME → Date; CARDINAL, MONEY and PERCENT → Quantity). People, places and organizations
// come from compromise, which costs ~10× wink per word: it reads only a window of two words either
// side of each capitalised word inside a sentence (not "I", not a date or number wink already found;
// a sentence's first word only when the next is capitalised too), all windows of a transcript in
// one call. Names in a transcript without capitals (some recognisers write none) are not found.
// Result `extract-normalize`: per category, each entity once, as said.
import { findNamedEntities } from '../../engines/language/compromise.js';
import type { AnalysedSentence, AnalysedTranscript } from '../analysed-transcript.js';
import { extract } from '../results.js';
import type { Runner } from '../runner.js';
import type { RunOutcome } from '../types.js';

export const ENTITY_CATEGORIES = ['Person', 'Location', 'Organization', 'Date', 'Quantity'] as const;
type Category = (typeof ENTITY_CATEGORIES)[number];

const WINK_CATEGORY: Record<string, Category> = {
  DATE: 'Date',
  TIME: 'Date',
  CARDINAL: 'Quantity',
  MONEY: 'Quantity',
  PERCENT: 'Quantity',
};
const WINDOW = 2;
/** "Good afternoon" is a greeting: a part of the day alone names no date. */
const PART_OF_DAY = /^(this |in the |good )?(morning|afternoon|evening|night|tonight)$/i;
const PRONOUN_I = /^I('|$)/;

type Token = AnalysedSentence['words'][number];

/** Character ranges of a sentence worth showing compromise, merged where they overlap. */
export function nameWindows(sentence: AnalysedSentence): Array<{ start: number; end: number }> {
  const { words, entities } = sentence;
  const inWinkEntity = (word: Token) => entities.some((e) => word.start >= e.start && word.end <= e.end);
  const capitalised = (word: Token | undefined) => word !== undefined && /^[A-Z]/.test(word.value) && !PRONOUN_I.test(word.value);
  const windows: Array<{ first: number; last: number }> = [];
  for (const [i, word] of words.entries()) {
    if (!capitalised(word) || inWinkEntity(word) || (i === 0 && !capitalised(words[1]))) continue;
    const first = Math.max(0, i - WINDOW);
    const last = Math.min(words.length - 1, i + WINDOW);
    const previous = windows[windows.length - 1];
    if (previous !== undefined && first <= previous.last + 1) previous.last = last;
    else windows.push({ first, last });
  }
  // first and last are clamped to 0 … words.length - 1 above.
  return windows.map(({ first, last }) => ({ start: words[first]!.start, end: words[last]!.end }));
}

export function recogniseEntities(transcript: AnalysedTranscript): RunOutcome {
  const found = new Map<Category, Set<string>>();
  const add = (category: Category, text: string) => found.set(category, (found.get(category) ?? new Set()).add(text));
  const windowTexts: string[] = [];
  for (const sentence of transcript.sentences) {
    for (const entity of sentence.entities) {
      const category = WINK_CATEGORY[entity.type];
      if (category !== undefined && !(category === 'Date' && PART_OF_DAY.test(entity.text))) add(category, entity.text);
    }
    for (const window of nameWindows(sentence)) windowTexts.push(sentence.text.slice(window.start, window.end));
  }
  for (const entities of findNamedEntities(windowTexts)) for (const entity of entities) add(entity.category, entity.text);
  const results: Record<string, string[]> = {};
  for (const category of ENTITY_CATEGORIES) {
    const texts = found.get(category);
    if (texts !== undefined) results[category] = [...texts];
  }
  // Neither library gives a confidence, so none is claimed.
  return extract('extract-normalize', results, null);
}

export const entityRecognitionRunner: Runner = {
  name: 'entity-recognition',
  outputType: 'text-extraction-normalized',
  checkConfig: () => [],
  run: recogniseEntities,
};
