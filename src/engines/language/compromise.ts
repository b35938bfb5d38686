// Entities found by compromise: people, places, organizations (its lexicon and capitalisation
// rules), dates (#Date terms: months, weekdays, dates with numbers) and quantities (numbers, money,
// percentages). It has no notion of branded products (Consumer_good). compromise costs ~10× wink per
// word plus ~2 ms per call, so many short texts are read in one call.
import nlp from 'compromise';

export type EntityCategory = 'Person' | 'Location' | 'Organization' | 'Date' | 'Quantity';

export interface Entity {
  category: EntityCategory;
  text: string;
  /** Character offsets in the sentence. */
  start: number;
  end: number;
}

interface OffsetJson {
  text: string;
  offset: { start: number; length: number };
}

/** Any compromise view: every one has json(). */
interface View {
  json(options: object): unknown;
}

const trimmed = (text: string) => text.replace(/^[\s,.;:!?"'()]+|[\s,.;:!?"'()]+$/g, '');

function spans(view: View, category: EntityCategory): Entity[] {
  const found: Entity[] = [];
  for (const item of view.json({ offset: true, terms: false }) as OffsetJson[]) {
    const text = trimmed(item.text);
    if (text === '') continue;
    const start = item.offset.start + item.text.indexOf(text);
    found.push({ category, text, start, end: start + text.length });
  }
  return found;
}

// compromise tags bare calendar nouns ("have a great day", "5 business days") as dates; a date here
// names a day, month or time.
const GENERIC_DATE =
  /^(the |a |this |that |every |each )?(day|week|month|year|night|morning|afternoon|evening|weekend|time|hour|minute)s?$/i;

const isEntity = (entity: Entity) => entity.category !== 'Date' || !GENERIC_DATE.test(entity.text);

/** Entities in order of position; a span claimed by an earlier category is not repeated by a later one. */
export function findEntities(text: string): Entity[] {
  const doc = nlp(text);
  const all = [
    ...spans(doc.people(), 'Person'),
    ...spans(doc.organizations(), 'Organization'),
    ...spans(doc.places(), 'Location'),
    ...spans(doc.match('#Date+'), 'Date'),
    ...spans(doc.percentages(), 'Quantity'),
    ...spans(doc.money(), 'Quantity'),
    ...spans(doc.match('(#Money|#Percent|#Value)+'), 'Quantity'),
  ];
  const kept: Entity[] = [];
  for (const entity of all.filter(isEntity)) {
    if (kept.some((other) => entity.start < other.end && other.start < entity.end)) continue;
    kept.push(entity);
  }
  return kept.sort((a, b) => a.start - b.start);
}

const NAMED: Array<[EntityCategory, (doc: ReturnType<typeof nlp>) => View]> = [
  ['Person', (doc) => doc.people()],
  ['Organization', (doc) => doc.organizations()],
  ['Location', (doc) => doc.places()],
];
const SEPARATOR = '\n\n';

/**
 * People, organizations and places in each of `texts` (offsets into that text), read by compromise in
 * one call: the texts are joined by blank lines, which compromise never reads across.
 */
export function findNamedEntities(texts: readonly string[]): Entity[][] {
  const found: Entity[][] = texts.map(() => []);
  if (texts.length === 0) return found;
  const starts: number[] = [];
  let joined = '';
  for (const text of texts) {
    starts.push(joined.length);
    joined += text.replace(/\n/g, ' ') + SEPARATOR;
  }
  const doc = nlp(joined);
  for (const [category, view] of NAMED) {
    for (const entity of spans(view(doc), category)) {
      let index = starts.length - 1;
      while (index > 0 && starts[index]! > entity.start) index--;
      const start = starts[index]!;
      const inText = { ...entity, start: entity.start - start, end: entity.end - start };
      const inTextFound = found[index]!;
      if (inTextFound.some((other) => inText.start < other.end && other.start < inText.end)) continue;
      inTextFound.push(inText);
    }
  }
  return found;
}
