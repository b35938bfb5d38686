// Every pre-built operator of the catalog on a table of small transcripts (the fixtures under
// test/fixtures/conversations), including negatives: a phrase that is absent, a conversation in
// Spanish, a voicemail greeting, an empty transcript. Whole results are compared.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { builtinCatalog } from '../../src/catalog/builtin.js';
import { createOperatorRegistry } from '../../src/operators/registry.js';
import type { OperatorResultBody, RunOutcome, Transcript } from '../../src/operators/types.js';
import { conversation, loadConversation } from '../helpers/conversations.js';
import { classified, DISPOSITIONS, extracted, generated, rule, TRANSFER, UNAVAILABLE, VOICEMAIL } from './expected.js';

const registry = createOperatorRegistry({ llm: null });

async function runPrebuilt(friendlyName: string, transcript: Transcript): Promise<RunOutcome> {
  const prebuilt = builtinCatalog.prebuiltOperators.find((operator) => operator.friendlyName === friendlyName);
  assert.ok(prebuilt, friendlyName);
  const operatorType = builtinCatalog.operatorTypes.find((type) => type.name === prebuilt.operatorType)!;
  const [run] = await registry.runAll(transcript, [{ operatorSid: prebuilt.sid, operatorType, config: null }]);
  assert.ok(run);
  return run.outcome;
}

const ok = (result: OperatorResultBody): RunOutcome => ({ ok: true, result });
const fixture = (name: string) => loadConversation(name);
const labelled = (name: string) => loadConversation(`labelled/${name}`);

type Case = [name: string, transcript: () => Transcript, expected: RunOutcome];

function table(operator: string, cases: Case[]): void {
  describe(operator, () => {
    for (const [name, transcript, expected] of cases) {
      test(name, async () => assert.deepEqual(await runPrebuilt(operator, transcript()), expected));
    }
  });
}

const NO_SPEECH = { ok: false as const, reason: 'The transcript has no speech to classify.' };

table('Sentiment Analysis', [
  [
    'praise is positive',
    () => labelled('l03-happy-order'),
    ok(classified('positive', { neutral: 0.2, positive: 0.8, negative: 0, mixed: 0 })),
  ],
  [
    'complaints are negative',
    () => labelled('l34-negative-cancel'),
    ok(classified('negative', { neutral: 0.25, positive: 0, negative: 0.75, mixed: 0 })),
  ],
  [
    'praise and complaints together are mixed',
    () => labelled('l25-mixed'),
    ok(classified('mixed', { neutral: 0.0769, positive: 0.2308, negative: 0.2308, mixed: 0.4615 })),
  ],
  [
    'courtesy and facts are neutral',
    () => labelled('l24-neutral-hours'),
    ok(classified('neutral', { neutral: 1, positive: 0, negative: 0, mixed: 0 })),
  ],
  ['an empty transcript gives no result', () => fixture('empty'), { ok: false, reason: 'The transcript has no words to classify.' }],
  [
    'non-speech tags alone give no result',
    () => fixture('silence-markers'),
    { ok: false, reason: 'The transcript has no words to classify.' },
  ],
]);

table('Entity Recognition', [
  [
    'people, places, organizations, dates and quantities, each once, as said',
    () => fixture('entities'),
    ok(
      extracted(
        {
          Person: ['Anna Smith', 'Anna'],
          Location: ['Chicago', 'Boston'],
          Organization: ['Acme Bank'],
          Date: ['Monday', 'March 3rd'],
          Quantity: ['$49.99', 'one', '5'],
        },
        null,
        'extract-normalize',
      ),
    ),
  ],
  [
    'a conversation without entities extracts nothing',
    () => conversation('1: how can i help', '2: my order never arrived'),
    ok(extracted({}, null, 'extract-normalize')),
  ],
  ['an empty transcript extracts nothing', () => fixture('empty'), ok(extracted({}, null, 'extract-normalize'))],
]);

table('Non English Call', [
  [
    'a Spanish conversation',
    () => labelled('l20-spanish'),
    ok(classified('NonEnglishConversation', { NonEnglishConversation: 1, EnglishConversation: 0 })),
  ],
  [
    'a French conversation',
    () => labelled('l21-french'),
    ok(classified('NonEnglishConversation', { NonEnglishConversation: 1, EnglishConversation: 0 })),
  ],
  [
    'an English greeting in a Spanish conversation is outvoted',
    () => labelled('l22-spanish-with-english-greeting'),
    ok(classified('NonEnglishConversation', { NonEnglishConversation: 0.8864, EnglishConversation: 0.1136 })),
  ],
  [
    'an English conversation',
    () => labelled('l24-neutral-hours'),
    ok(classified('EnglishConversation', { NonEnglishConversation: 0, EnglishConversation: 1 })),
  ],
  [
    'an empty transcript gives no result',
    () => fixture('empty'),
    { ok: false, reason: 'The transcript has no words whose language could be identified.' },
  ],
]);

const phraseTable = (
  operator: string,
  positives: Array<[string, string, string[], number]>,
  negatives: Array<[string, () => Transcript]>,
) =>
  table(operator, [
    ...positives.map(([name, file, sentences, score]): Case => [
      name,
      () => labelled(file),
      ok(extracted({ [operator]: sentences }, score)),
    ]),
    ...negatives.map(([name, transcript]): Case => [name, transcript, ok(extracted({}, 0))]),
  ]);

const SPANISH = (): Transcript => labelled('l20-spanish');

phraseTable(
  'Agent Introduction',
  [
    ['"my name is"', 'l01-password-reset', ['My name is Priya, how can I help you today?'], 1],
    ['"you\'re speaking with"', 'l03-happy-order', ["Good morning, you're speaking with Tom at Blue Bakery."], 1],
    [
      '"this is … from" in a voicemail message',
      'l04-voicemail',
      ['Hi Mark, this is Dana from Lakeside Dental calling to confirm your appointment on Thursday.'],
      1,
    ],
  ],
  [
    ['absent', () => labelled('l32-no-intro')],
    ['in Spanish', SPANISH],
  ],
);

phraseTable(
  'Escalation Request',
  [['"speak to your supervisor"', 'l02-angry-escalation', ['I want to speak to your supervisor right now.'], 1]],
  [
    ['absent', () => labelled('l24-neutral-hours')],
    ['a paraphrase outside the phrase set ("someone with more authority")', () => labelled('l28-escalation-paraphrase')],
  ],
);

phraseTable(
  'Recording Disclosure',
  [
    [
      '"may be recorded for quality"',
      'l01-password-reset',
      ['Thanks for calling Northwind, this call may be recorded for quality purposes.'],
      1,
    ],
    ['"on a recorded line"', 'l26-recording-agent', ['Hi, this is Olivia calling from Crestview Bank on a recorded line.'], 1],
  ],
  [
    ['absent', () => labelled('l24-neutral-hours')],
    ['in Spanish', SPANISH],
  ],
);

phraseTable(
  'Do Not Contact Me',
  [
    [
      '"stop calling me" and "take me off your list"',
      'l13-stop-calling',
      ['Not interested. Please stop calling me, this is the fifth time this week.', 'Take me off your list.'],
      1,
    ],
    ['"put me on your do not call list"', 'l14-dnc-polite', ['Thanks, but could you put me on your do not call list?'], 1],
  ],
  [['absent', () => labelled('l03-happy-order')]],
);

phraseTable(
  'Password Reset',
  [
    [
      '"forgot my password" and "can\'t log in"',
      'l01-password-reset',
      ["Hi Priya, I forgot my password and now I can't log in to the app."],
      1,
    ],
    [
      '"locked out of my account", "new password"',
      'l29-password-paraphrase',
      ["I'm locked out of my account after too many attempts.", 'I can unlock it for you. Would you also like to set a new password?'],
      1,
    ],
  ],
  [
    ['a PIN is not a password', () => labelled('l30-password-mention-no-request')],
    ['absent', () => labelled('l24-neutral-hours')],
  ],
);

table('Call Transfer', [
  ['"let me transfer you"', () => labelled('l18-transfer'), ok(rule(TRANSFER, 'Transfer', 0.7))],
  ['"put you through"', () => labelled('l19-transfer-put-through'), ok(rule(TRANSFER, 'Transfer', 0.7))],
  ['transferring money is not a call transfer', () => labelled('l40-no-transfer-mention'), ok(rule(TRANSFER, 'NoTransfer', 0.8))],
  ['in Spanish', SPANISH, ok(rule(TRANSFER, 'NoTransfer', 0.8))],
  ['an empty transcript gives no result', () => fixture('empty'), NO_SPEECH],
]);

table('Voicemail Detection', [
  ['a greeting on one channel, a message on the other', () => labelled('l04-voicemail'), ok(rule(VOICEMAIL, 'voicemail', 0.95))],
  ['greeting and message on one channel', () => labelled('l45-voicemail-one-channel'), ok(rule(VOICEMAIL, 'voicemail', 0.9))],
  ['a business greeting answered by a person', () => labelled('l35-voicemail-then-human'), ok(rule(VOICEMAIL, 'not_voicemail', 0.7))],
  ['a live call that mentions a voicemail', () => labelled('l36-talks-about-voicemail'), ok(rule(VOICEMAIL, 'not_voicemail', 0.7))],
  ['an ordinary call', () => labelled('l01-password-reset'), ok(rule(VOICEMAIL, 'not_voicemail', 0.9))],
  ['in Spanish', SPANISH, ok(rule(VOICEMAIL, 'not_voicemail', 0.9))],
  ['an empty transcript gives no result', () => fixture('empty'), NO_SPEECH],
]);

table('Unavailable Party Detector', [
  [
    '"in a meeting", "can I take a message"',
    () => labelled('l15-receptionist-unavailable'),
    ok(rule(UNAVAILABLE, 'UnavailableParty', 0.9)),
  ],
  ['"she\'s not home"', () => labelled('l16-not-home'), ok(rule(UNAVAILABLE, 'UnavailableParty', 0.8))],
  ['a voicemail', () => labelled('l04-voicemail'), ok(rule(UNAVAILABLE, 'UnavailableParty', 0.8))],
  ['both parties available', () => labelled('l03-happy-order'), ok(rule(UNAVAILABLE, 'NoClass', 0.8))],
  ['an empty transcript gives no result', () => fixture('empty'), NO_SPEECH],
]);

table('Outbound Call Disposition', [
  ['no speech at all is NoContent', () => fixture('empty'), ok(rule(DISPOSITIONS, 'NoContent', 1))],
  ['a voicemail greeting is Voicemail', () => labelled('l04-voicemail'), ok(rule(DISPOSITIONS, 'Voicemail', 0.95))],
  ['a menu is IVR', () => labelled('l07-ivr'), ok(rule(DISPOSITIONS, 'IVR', 0.95))],
  ['one side saying hello into silence is a GhostCall', () => labelled('l09-ghost'), ok(rule(DISPOSITIONS, 'GhostCall', 0.7))],
  ['"stop calling me" is StopContactingMe', () => labelled('l13-stop-calling'), ok(rule(DISPOSITIONS, 'StopContactingMe', 0.9))],
  ['"wrong number" is WrongNumber', () => labelled('l11-wrong-number'), ok(rule(DISPOSITIONS, 'WrongNumber', 0.95))],
  ['a normal dialogue is Ordinary', () => labelled('l01-password-reset'), ok(rule(DISPOSITIONS, 'Ordinary', 0.6))],
  ['a Spanish dialogue is Ordinary', SPANISH, ok(rule(DISPOSITIONS, 'Ordinary', 0.6))],
]);

table('Summarization', [
  [
    'without a language model: an extractive summary, with speaker roles',
    () => labelled('l25-mixed'),
    ok(generated("Agent: I'm sorry about the delivery, I'm glad you like the phone.")),
  ],
  ['an empty transcript gives no result', () => fixture('empty'), { ok: false, reason: 'The transcript has no words to summarize.' }],
]);

describe('Call Reason', () => {
  test('has no engine: no result, with the reason', async () => {
    assert.deepEqual(await runPrebuilt('Call Reason', labelled('l01-password-reset')), {
      ok: false,
      reason: 'The operator cannot run: operator type CallReason names no engine and has no built-in one.',
    });
  });
});
