// wink-nlp with its English web model (shipped in npm, nothing downloaded): tokens with their
// normal form, Porter stem and character offsets, and a sentence's sentiment score in [-1, 1].
/* eslint-disable @typescript-eslint/unbound-method -- wink's its.* helpers are plain functions, passed by reference as its API asks. */
import winkNLP, { type ItemEntity } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

export interface Token {
  /** The token as written. */
  value: string;
  /** Lower case, contractions expanded ("n't" → "not", "'s" → "is"). */
  normal: string;
  stem: string;
  /** wink's token type: word, number, email, punctuation, … */
  type: string;
  /** A stop word in wink's list ("the", "is", "you", …). */
  stop: boolean;
  /** Offsets into the text that was read. */
  start: number;
  end: number;
}

/** wink's rule-based entities: DATE, TIME, CARDINAL, ORDINAL, MONEY, PERCENT, EMAIL, URL, … */
export interface WinkEntity {
  type: string;
  text: string;
  /** Offsets into the text that was read, and the token range (inclusive). */
  start: number;
  end: number;
  firstToken: number;
  lastToken: number;
}

export interface ReadText {
  tokens: Token[];
  entities: WinkEntity[];
}

// Reading needs tokens and entities only (part-of-speech tagging would cost a third more); sentiment
// is read apart, on demand, by the one operator that needs it.
const nlp = winkNLP(model, ['ner']);
const sentimentNlp = winkNLP(model, ['negation', 'sentiment']);
const its = nlp.its;

/** Curly apostrophes read as straight ones, so "it’s" and "it's" normalise alike; lengths are kept. */
const straightQuotes = (text: string): string => text.replace(/[’‘]/g, "'");

export function readText(text: string): ReadText {
  const straight = straightQuotes(text);
  const doc = nlp.readDoc(straight);
  const tokens = doc.tokens();
  const values = tokens.out(its.value);
  const normals = tokens.out(its.normal);
  // The typings want model addons for stem; the model supplies them at run time.
  const stems = tokens.out<string>(its.stem as never);
  const types = tokens.out(its.type);
  const stops = tokens.out(its.stopWordFlag) as unknown as boolean[];
  const read: Token[] = [];
  let cursor = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    const found = straight.indexOf(value, cursor);
    const start = found >= 0 ? found : cursor;
    const end = start + value.length;
    cursor = end;
    // wink reports each property once per token, so index i is in range for all five lists.
    read.push({ value, normal: normals[i]!, stem: stems[i]!, type: types[i]!, stop: stops[i]!, start, end });
  }
  const entities: WinkEntity[] = [];
  doc.entities().each((entity: ItemEntity) => {
    const [firstToken, lastToken] = entity.out(its.span) as unknown as [number, number];
    const { type } = entity.out(its.detail) as unknown as { type: string };
    const first = read[firstToken];
    const last = read[lastToken];
    if (first === undefined || last === undefined) return;
    const start = first.start;
    const end = last.end;
    entities.push({ type, text: text.slice(start, end), start, end, firstToken, lastToken });
  });
  return { tokens: read, entities };
}

// Courtesy carries no opinion about the call ("thanks for calling", "okay", "good morning", "how can
// I help"), yet wink's lexicon scores it as strongly positive; it is removed before scoring.
const COURTESY = new RegExp(
  [
    '\\b(thank(s| you)( (so|very) much| a lot)?( for (calling|holding|waiting|confirming|letting me know))?)',
    '\\b(please|okay|ok|alright|all right|sure|hello|hi|hey|bye|goodbye)\\b',
    '\\bgood (morning|afternoon|evening|day|night)\\b',
    '\\bhave a (good|great|nice|wonderful|lovely) (day|evening|night|weekend|one)\\b',
    "\\b(you're|you are) welcome\\b",
    '\\bwelcome to\\b',
    '\\bhow (can|may) i (help|assist)( you)?( today)?',
    "\\b(no problem|my apologies|i'm sorry|i am sorry|sorry)\\b",
    '^(great|perfect|wonderful|fine|excellent)\\b(?=[,.!])',
  ].join('|'),
  'gi',
);

/** Sentiment of a sentence in [-1, 1] (wink's lexicon with negation), courtesy removed. */
export function sentimentOf(text: string): number {
  const opinion = straightQuotes(text).replace(COURTESY, ' ').trim();
  return opinion === '' ? 0 : (sentimentNlp.readDoc(opinion).out(its.sentiment) as unknown as number);
}

/** Tokens of a phrase, as the matcher compares them. */
export function readPhrase(phrase: string): Token[] {
  return readText(phrase).tokens;
}
