// LiteralSpot and LiteralClassification: tables of small transcripts and the whole result expected.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyse } from '../../src/operators/analysed-transcript.js';
import { literalClassificationRunner } from '../../src/operators/runners/literal-classification.js';
import { literalSpotRunner } from '../../src/operators/runners/literal-spot.js';
import type { RunOutcome, Transcript } from '../../src/operators/types.js';
import { conversation, loadConversation } from '../helpers/conversations.js';
import { classified, extracted, utterances } from './expected.js';

const spot = (transcript: Transcript, config: unknown) => literalSpotRunner.run(analyse(transcript), config) as RunOutcome;
const classify = (transcript: Transcript, config: unknown) => literalClassificationRunner.run(analyse(transcript), config) as RunOutcome;

const refund = (match: 'exact' | 'fuzzy') => ({ phrase_sets: [{ name: 'Refund', phrases: ['refund', 'money back'], match }] });
const fuzzySets = (match: 'exact' | 'fuzzy') => ({
  phrase_sets: [
    { name: 'Password', phrases: ['reset my password'], match },
    { name: 'Supervisor', phrases: ['supervisor'], match },
    { name: 'Refund', phrases: ['refund'], match },
    { name: 'Manager', phrases: ['speak to a manager'], match },
  ],
});

describe('LiteralSpot', () => {
  const cases: Array<{ name: string; transcript: Transcript; config: unknown; expected: RunOutcome }> = [
    {
      name: 'exact: whole words in any case, each matching sentence once, in order',
      transcript: conversation(
        '2: I want my MONEY BACK, a refund!',
        '1: A refund is possible.',
        '2: Refunds take time.',
        '2: It was refunded.',
      ),
      config: refund('exact'),
      expected: { ok: true, result: extracted({ Refund: ['I want my MONEY BACK, a refund!', 'A refund is possible.'] }, 1) },
    },
    {
      name: 'exact: a phrase that is absent matches nothing',
      transcript: conversation('1: How can I help?', '2: My order never arrived.'),
      config: refund('exact'),
      expected: { ok: true, result: extracted({}, 0) },
    },
    {
      name: 'exact: punctuation between the words does not matter',
      transcript: conversation('2: I want my money, back.'),
      config: refund('exact'),
      expected: { ok: true, result: extracted({ Refund: ['I want my money, back.'] }, 1) },
    },
    {
      name: 'fuzzy: split words, a typo, another word form and a dropped article, each with its score',
      transcript: loadConversation('fuzzy-words'),
      config: fuzzySets('fuzzy'),
      expected: {
        ok: true,
        result: extracted(
          {
            Password: ['I need to re set my pass word please.'],
            Supervisor: ['Sure, I can ask my supervisr about your old card too.'],
            Refund: ["And I'd like a refunds for the duplicate charge."],
            Manager: ['I will speak to manager about it.'],
          },
          1,
        ),
      },
    },
    {
      name: 'exact: none of those variants match',
      transcript: loadConversation('fuzzy-words'),
      config: fuzzySets('exact'),
      expected: { ok: true, result: extracted({}, 0) },
    },
    {
      name: 'a Spanish sentence does not match English phrases',
      transcript: conversation('2: Quiero que me devuelvan el dinero, por favor.'),
      config: refund('fuzzy'),
      expected: { ok: true, result: extracted({}, 0) },
    },
    {
      name: 'an empty transcript matches nothing',
      transcript: loadConversation('empty'),
      config: refund('fuzzy'),
      expected: { ok: true, result: extracted({}, 0) },
    },
    {
      name: 'a config that is not LiteralSpot gives no result with the reason',
      transcript: conversation('1: Hello.'),
      config: { phrase_sets: [] },
      expected: { ok: false, reason: "The operator's configuration cannot be used: phrase_sets must be a non-empty array" },
    },
  ];
  for (const { name, transcript, config, expected } of cases) test(name, () => assert.deepEqual(spot(transcript, config), expected));

  test('fuzzy scores: split words 0.9, a typo 0.85, another form 0.95, a dropped article 1', () => {
    const transcript = loadConversation('fuzzy-words');
    const scores = fuzzySets('fuzzy').phrase_sets.map((set) => {
      const outcome = spot(transcript, { phrase_sets: [set] });
      return outcome.ok ? outcome.result.match_probability : null;
    });
    assert.deepEqual(scores, [0.9, 0.85, 0.95, 1]);
  });
});

const billing = (scope: 'conversation' | 'sentence') => ({
  scope,
  classes: [
    { name: 'billing', phrases: ['invoice', 'charged twice'] },
    { name: 'cancellation', phrases: ['cancel my account'], match: 'fuzzy' },
  ],
});

describe('LiteralClassification', () => {
  const dispute = conversation(
    '2: I was charged twice on my last invoice.',
    '1: Let me check that.',
    '2: Otherwise I will be cancelling my account.',
  );
  const cases: Array<{ name: string; transcript: Transcript; config: unknown; expected: RunOutcome }> = [
    {
      name: 'conversation: the class with the most phrase evidence, probabilities in proportion',
      transcript: dispute,
      config: billing('conversation'),
      expected: { ok: true, result: classified('billing', { billing: 0.678, cancellation: 0.322 }) },
    },
    {
      name: 'conversation: no evidence answers no label and every class at 0',
      transcript: conversation('1: How can I help?', '2: What are your opening hours?'),
      config: billing('conversation'),
      expected: { ok: true, result: classified(null, { billing: 0, cancellation: 0 }) },
    },
    {
      name: 'conversation: a tie goes to the class listed first',
      transcript: conversation('2: The invoice is wrong and I want to cancel my account.'),
      config: billing('conversation'),
      expected: { ok: true, result: classified('billing', { billing: 0.5, cancellation: 0.5 }) },
    },
    {
      name: 'sentence: each sentence with evidence gets its own label',
      transcript: dispute,
      config: billing('sentence'),
      expected: {
        ok: true,
        result: utterances([
          { sentence_index: 0, media_channel: 2, label: 'billing', probability: 1, text: 'I was charged twice on my last invoice.' },
          {
            sentence_index: 2,
            media_channel: 2,
            label: 'cancellation',
            probability: 1,
            text: 'Otherwise I will be cancelling my account.',
          },
        ]),
      },
    },
    {
      name: 'sentence: without evidence, no utterance matches',
      transcript: conversation('1: Hola, ¿en qué puedo ayudarle?'),
      config: billing('sentence'),
      expected: { ok: true, result: utterances([]) },
    },
    {
      name: 'a config without a scope gives no result with the reason',
      transcript: dispute,
      config: { classes: billing('sentence').classes },
      expected: { ok: false, reason: "The operator's configuration cannot be used: scope must be conversation or sentence" },
    },
  ];
  for (const { name, transcript, config, expected } of cases) test(name, () => assert.deepEqual(classify(transcript, config), expected));
});
