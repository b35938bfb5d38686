// PII redaction of sentence text: a table of sentences, the text expected and the spans replaced;
// then the words (and time ranges) those spans cover, which media redaction silences.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { digitRuns } from '../../src/redaction/digit-runs.js';
import { redactText } from '../../src/redaction/redact.js';
import { piiTimeRanges, piiWordIndexes } from '../../src/redaction/words.js';

const cases: Array<[sentence: string, redacted: string, spans: Array<[entity: string, text: string]>]> = [
  ['My name is Anna Smith.', 'My name is [Name].', [['Name', 'Anna Smith']]],
  ['my name is john', 'my name is [Name]', [['Name', 'john']]],
  ['This is Anna Smith from Acme Bank.', 'This is [Name] from Acme Bank.', [['Name', 'Anna Smith']]],
  ['Call me at (415) 555-0199.', 'Call me at [PhoneNumber].', [['PhoneNumber', '(415) 555-0199']]],
  [
    'My number is four one five, five five five, oh one nine nine.',
    'My number is [PhoneNumber].',
    [['PhoneNumber', 'four one five, five five five, oh one nine nine']],
  ],
  ['It is five five five, twelve twelve.', 'It is [PhoneNumber].', [['PhoneNumber', 'five five five, twelve twelve']]],
  ['Email me at anna.smith@example.com please.', 'Email me at [Email] please.', [['Email', 'anna.smith@example.com']]],
  ['It is anna at example dot com.', 'It is [Email].', [['Email', 'anna at example dot com']]],
  ['The card is 4111 1111 1111 1111.', 'The card is [CreditCard].', [['CreditCard', '4111 1111 1111 1111']]],
  [
    'The last four digits of my card are one two three four.',
    'The last four digits of my card are [CreditCard].',
    [['CreditCard', 'one two three four']],
  ],
  ['My social security number is 123-45-6789.', 'My social security number is [SSN].', [['SSN', '123-45-6789']]],
  ['It is 123-45-6789.', 'It is [SSN].', [['SSN', '123-45-6789']]],
  [
    'My social is one two three four five six seven eight nine.',
    'My social is [SSN].',
    [['SSN', 'one two three four five six seven eight nine']],
  ],
  ['I live at 42 Elm Street in Springfield.', 'I live at [Address] in Springfield.', [['Address', '42 Elm Street']]],
  ['Send it to forty two Oak Avenue.', 'Send it to [Address].', [['Address', 'forty two Oak Avenue']]],
  ['The zip code is nine four one oh seven.', 'The zip code is [ZipCode].', [['ZipCode', 'nine four one oh seven']]],
  ['Springfield, CA 94107.', 'Springfield, CA [ZipCode].', [['ZipCode', '94107']]],
  ['I was born on July 4th, 1990.', 'I was born on [Date].', [['Date', 'July 4th, 1990']]],
  ['My account number is 12345678.', 'My account number is [Number].', [['Number', '12345678']]],
  // Not PII: short numbers, relative days, times, words that are numbers.
  ['I have one question about two items.', 'I have one question about two items.', []],
  ['Call me tomorrow at 3pm about order 4417.', 'Call me tomorrow at 3pm about order 4417.', []],
  ['See you on Monday.', 'See you on Monday.', []],
  ['', '', []],
];

describe('redactText', () => {
  for (const [sentence, redacted, spans] of cases) {
    test(JSON.stringify(sentence), () => {
      const result = redactText(sentence);
      assert.equal(result.text, redacted);
      assert.deepEqual(
        result.spans.map((span) => [span.entity, sentence.slice(span.start, span.end)]),
        spans,
      );
    });
  }

  test('several kinds in one sentence, in order', () => {
    const sentence = 'I am Anna Smith, my email is anna@example.com and my phone is 415 555 0199.';
    assert.equal(redactText(sentence).text, 'I am [Name], my email is [Email] and my phone is [PhoneNumber].');
  });

  test("compromise's known misses: first names that are common words, names outside its lexicon", () => {
    // "Bill", "Rose", "Will" read as a noun or a verb; a lower-case name it does not know stays.
    for (const sentence of ['Thanks, Bill, see you.', 'Rose will call you.', 'i spoke with xochitl yesterday']) {
      assert.equal(redactText(sentence).text, sentence);
    }
  });
});

describe('digit runs', () => {
  const runs: Array<[string, string[]]> = [
    ['double five, triple nine', ['55999']],
    ['twenty-one forty two', ['2142']],
    ['one two three and four five', ['123', '45']],
    ['o is a letter; oh one is a digit run', ['01']],
    // Words that name an Object.prototype member are not number words.
    ['call constructor toString four one five', ['415']],
  ];
  for (const [text, digits] of runs)
    test(text, () =>
      assert.deepEqual(
        digitRuns(text).map((run) => run.digits),
        digits,
      ),
    );
});

describe('PII words and their times', () => {
  const sentence = 'Hi, my number is four one five, five five five, oh one nine nine.';
  const words = ['Hi', 'my', 'number', 'is', 'four', 'one', 'five', 'five', 'five', 'five', 'oh', 'one', 'nine', 'nine'];

  test('the words a span covers', () => {
    const { spans } = redactText(sentence);
    assert.deepEqual(piiWordIndexes(sentence, words, spans), [[4, 5, 6, 7, 8, 9, 10, 11, 12, 13]]);
  });

  test('the time range from the first to the last PII word', () => {
    const timed = words.map((word, i) => ({ word, start_time: i * 0.5, end_time: i * 0.5 + 0.4 }));
    assert.deepEqual(piiTimeRanges(sentence, timed, redactText(sentence).spans), [{ entity: 'PhoneNumber', start: 2, end: 6.9 }]);
  });

  test('words without times give no range (nothing is silenced by guess)', () => {
    const untimed = words.map((word) => ({ word, start_time: null, end_time: null }));
    assert.deepEqual(piiTimeRanges(sentence, untimed, redactText(sentence).spans), []);
  });
});
