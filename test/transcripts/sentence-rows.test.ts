// Sentence rows: words stored as the JSON the Sentences API serves, and rows of the first data-plane
// build (compact [word, start, end] triples) read into the same form.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StoredSentence, StoredWord } from '../../src/store/store.js';
import {
  decodeWords,
  encodeWords,
  prepareSentences,
  sentenceFromRow,
  sentenceFromValues,
  sentenceValues,
  TEXT_WORDS,
  textWords,
  type SentenceRow,
  type SentenceValues,
} from '../../src/store/transcripts/row.js';

const row = (words: string, redactedWords: string | null = null): SentenceRow => ({
  transcript_sid: 'GT00000000000000000000000000000000',
  sentence_index: 3,
  sid: 'GX00000000000000000000000000000000',
  media_channel: 2,
  start_time: 1.5,
  end_time: 2.25,
  confidence: 0.9,
  transcript: 'Hello "there"',
  words,
  redacted_transcript: redactedWords === null ? null : '[Name]',
  redacted_words: redactedWords,
});

test('words are written in the served shape, times rounded to the millisecond', () => {
  assert.equal(
    encodeWords([
      { word: 'one "quoted"', startTime: 0.1 + 0.2, endTime: 1.3600000000000001 },
      { word: 'two', startTime: null, endTime: null },
    ]),
    '[{"word":"one \\"quoted\\"","start_time":0.3,"end_time":1.36},{"word":"two","start_time":null,"end_time":null}]',
  );
});

test('a row of served words is read as stored; decodeWords gives the words back', () => {
  const json = '[{"word":"Hello","start_time":1.5,"end_time":1.75}]';
  const record = sentenceFromRow(row(json));
  assert.equal(record.wordsJson, json);
  assert.equal(record.redactedWordsJson, null);
  assert.equal(record.wordTimes, true);
  assert.deepEqual(decodeWords(json), [{ word: 'Hello', startTime: 1.5, endTime: 1.75 }]);
});

test('a row written as triples (the first data-plane build) is read in the served shape', () => {
  const record = sentenceFromRow(row('[["Hello",1.5,1.7500000000000002],["there",null,null]]', '[["[Name]",1.5,2.25]]'));
  assert.equal(record.wordsJson, '[{"word":"Hello","start_time":1.5,"end_time":1.75},{"word":"there","start_time":null,"end_time":null}]');
  assert.equal(record.redactedWordsJson, '[{"word":"[Name]","start_time":1.5,"end_time":2.25}]');
  assert.equal(sentenceFromRow(row('[]')).wordsJson, '[]');
});

test('sentences prepared ahead of their write are written as encoded then, the event loop turning between slices', async () => {
  const sentences = Array.from({ length: 120 }, (_, index) => ({
    sid: `GX${String(index).padStart(32, '0')}`,
    transcriptSid: 'GT00000000000000000000000000000000',
    sentenceIndex: index,
    mediaChannel: 1,
    startTime: index,
    endTime: index + 0.5,
    confidence: null,
    transcript: `word ${index}`,
    words: [{ word: `word${index}`, startTime: index + 0.1234, endTime: null }],
    redactedTranscript: index === 0 ? '[Name]' : null,
    redactedWords: index === 0 ? [{ word: '[Name]', startTime: 0, endTime: 0.5 }] : null,
  }));
  let turns = 0;
  let counting = true;
  const count = () => {
    turns++;
    if (counting) setImmediate(count);
  };
  setImmediate(count);
  await prepareSentences(sentences);
  counting = false;
  assert.ok(turns >= 2, `the loop turned between the slices of 50 (${turns} turns)`);
  assert.deepEqual(sentenceValues('GT1', sentences[5]!).slice(8), ['[{"word":"word5","start_time":5.123,"end_time":null}]', null, null]);
  assert.deepEqual(sentenceValues('GT1', sentences[0]!)[10], '[{"word":"[Name]","start_time":0,"end_time":0.5}]');
});

const sentence = (transcript: string, words: StoredWord[] | null, redacted: [string, StoredWord[]] | null = null): StoredSentence => ({
  sid: 'GX00000000000000000000000000000000',
  transcriptSid: 'GT00000000000000000000000000000000',
  sentenceIndex: 0,
  mediaChannel: 1,
  startTime: null,
  endTime: null,
  confidence: null,
  transcript,
  words,
  redactedTranscript: redacted?.[0] ?? null,
  redactedWords: redacted?.[1] ?? null,
});
const untimed = (text: string) => textWords(text).map((word) => ({ word, startTime: null, endTime: null }));

test("words that are the text's own, without times, are stored as TEXT_WORDS and read back as if stored whole", async () => {
  const texts = [
    'Thank you for calling, my name is Anna.',
    'one',
    '',
    ' leading and trailing ',
    'two  spaces\tand a tab\nand a line',
    'a "quoted" word and a back\\slash',
    'no\u00a0break and\u2003em space',
    'an emoji 😀 and a lone \ud800 surrogate',
    'control \u0001 character',
  ];
  for (const text of texts) {
    const stored = sentence(text, untimed(text));
    const values = sentenceValues('GT1', stored);
    assert.equal(values[8], TEXT_WORDS, JSON.stringify(text));
    const read = sentenceFromValues(values as SentenceValues);
    assert.equal(read.wordsJson, encodeWords(untimed(text)), JSON.stringify(text));
    assert.equal(read.wordTimes, false, 'no time to null in words written from the text');
    assert.deepEqual(decodeWords(read.wordsJson), untimed(text));
    await prepareSentences([stored]);
    assert.equal(sentenceValues('GT1', stored)[8], TEXT_WORDS);
    // A sentence that gave its text alone (words null) is stored and read the same way.
    const textOnly = sentence(text, null);
    await prepareSentences([textOnly]);
    assert.deepEqual(sentenceFromValues(sentenceValues('GT1', textOnly) as SentenceValues), read);
  }
});

test("words with a time, or other than the text's, are stored whole", () => {
  const timed = sentence('Hello there', [
    { word: 'Hello', startTime: 0.5, endTime: null },
    { word: 'there', startTime: null, endTime: null },
  ]);
  assert.equal(sentenceValues('GT1', timed)[8], encodeWords(timed.words!));
  const other = sentence('Hello there', untimed('Hello  there now'));
  assert.equal(sentenceValues('GT1', other)[8], encodeWords(other.words!));
  const fewer = sentence('Hello there', untimed('Hello'));
  assert.equal(sentenceValues('GT1', fewer)[8], encodeWords(fewer.words!));
  for (const words of [
    ['Hello there', 'now'],
    ['Hello', 'there', ''],
    ['Hello', '', 'there', 'now'],
    ['Hello', 'there', 'no'],
  ]) {
    const joined = sentence(
      'Hello there now',
      words.map((word) => ({ word, startTime: null, endTime: null })),
    );
    assert.equal(sentenceValues('GT1', joined)[8], encodeWords(joined.words!), JSON.stringify(words));
  }
});

test('redacted words follow the redacted text the same way', () => {
  const derived = sentence('Call John Smith', untimed('Call John Smith'), ['Call [PERSON]', untimed('Call [PERSON]')]);
  const values = sentenceValues('GT1', derived);
  assert.deepEqual(values.slice(8), [TEXT_WORDS, 'Call [PERSON]', TEXT_WORDS]);
  assert.equal(sentenceFromValues(values as SentenceValues).redactedWordsJson, encodeWords(untimed('Call [PERSON]')));
  assert.equal(sentenceFromValues(values as SentenceValues).wordTimes, false);
  const whole = sentence('Call John Smith', untimed('Call John Smith'), ['Call [PERSON]', untimed('Call [PERSON] [PERSON]')]);
  const kept = sentenceValues('GT1', whole);
  assert.equal(kept[10], encodeWords(untimed('Call [PERSON] [PERSON]')));
  assert.equal(sentenceFromValues(kept as SentenceValues).redactedWordsJson, kept[10]);
  const timedRedaction = sentence('Call John', untimed('Call John'), [
    'Call [PERSON]',
    [
      { word: 'Call', startTime: 1, endTime: 2 },
      { word: '[PERSON]', startTime: null, endTime: null },
    ],
  ]);
  assert.equal(sentenceFromValues(sentenceValues('GT1', timedRedaction) as SentenceValues).wordTimes, true);
});
