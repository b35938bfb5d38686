// Every operator through the whole path: a transcript's sentences (a WebVTT fixture) → the operators
// stage → stored results → read through the official `twilio` SDK, field by field. One table per
// operator, with negatives (a phrase that is absent, a Spanish conversation, a voicemail greeting).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import twilio from 'twilio';
import { catalogSid } from '../../src/catalog/sids.js';
import type { OperatorResultBody } from '../../src/operators/types.js';
import type { OperatorsStageOutcome, OperatorsStageParts } from '../../src/pipeline/operators-stage.js';
import { NO_LLM_REASON } from '../../src/operators/runners/generative.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { stageParts, transcriptWithResults } from '../helpers/transcripts.js';
import {
  classified,
  DISPOSITIONS,
  DOCUMENTED_PREBUILT,
  extracted,
  generated,
  rule,
  TRANSFER,
  UNAVAILABLE,
  utterances,
  VOICEMAIL,
} from '../operators/expected.js';

type Client = ReturnType<typeof twilio>;
type OperatorResult = Awaited<ReturnType<ReturnType<Client['intelligence']['v2']['transcripts']>['operatorResults']['list']>>[number];

let server: TestServer;
let client: Client;
let parts: OperatorsStageParts;
const customSids = new Map<string, string>();

const CUSTOM: Array<[name: string, type: string, config: object]> = [
  ['Refund (exact)', 'LiteralSpot', { phrase_sets: [{ name: 'Refund', phrases: ['refund', 'money back'], match: 'exact' }] }],
  ['Refund (fuzzy)', 'LiteralSpot', { phrase_sets: [{ name: 'Refund', phrases: ['refund', 'money back'], match: 'fuzzy' }] }],
  [
    'Topic',
    'LiteralClassification',
    {
      scope: 'conversation',
      classes: [
        { name: 'billing', phrases: ['charged twice', 'refund'] },
        { name: 'delivery', phrases: ['delivery', 'package'] },
      ],
    },
  ],
  [
    'Sentence topic',
    'LiteralClassification',
    {
      scope: 'sentence',
      classes: [
        { name: 'billing', phrases: ['charged twice', 'refund'] },
        { name: 'escalation', phrases: ['supervisor'] },
      ],
    },
  ],
  ['Call summary', 'Generative', { prompt: 'Summarise the call in one sentence.' }],
  [
    'Order facts',
    'GenerativeJSON',
    { prompt: 'Extract the order facts.', json_result_schema: { type: 'object', properties: { refund: { type: 'boolean' } } } },
  ],
];

const operatorSid = (name: string): string => customSids.get(name) ?? catalogSid('LY', name);
const allOperatorSids = () => [...CUSTOM.map(([name]) => operatorSid(name)), ...DOCUMENTED_PREBUILT.map((name) => catalogSid('LY', name))];

/** One transcript per fixture with every operator attached, made on first use. */
const transcripts = new Map<string, Promise<{ sid: string; outcome: OperatorsStageOutcome }>>();
function transcriptOf(fixture: string) {
  let made = transcripts.get(fixture);
  if (made === undefined) {
    made = transcriptWithResults(server.store, parts, { accountSid: server.account.sid, operatorSids: allOperatorSids(), fixture }).then(
      ({ transcript, outcome }) => ({ sid: transcript.sid, outcome }),
    );
    transcripts.set(fixture, made);
  }
  return made;
}

before(async () => {
  server = await startTestServer();
  client = twilio(server.account.sid, server.account.secret);
  client.intelligence.baseUrl = server.url;
  parts = stageParts(server.store);
  for (const [friendlyName, operatorType, config] of CUSTOM) {
    const created = await client.intelligence.v2.customOperators.create({ friendlyName, operatorType, config });
    customSids.set(friendlyName, created.sid);
  }
});
after(() => server.close());

/** The computed fields of a result as the SDK gives them. */
function computed(result: OperatorResult): OperatorResultBody {
  return {
    operator_type: result.operatorType,
    extract_match: result.extractMatch,
    match_probability: result.matchProbability,
    normalized_result: result.normalizedResult,
    utterance_results: result.utteranceResults,
    utterance_match: result.utteranceMatch,
    predicted_label: result.predictedLabel,
    predicted_probability: result.predictedProbability,
    label_probabilities: result.labelProbabilities,
    extract_results: result.extractResults,
    text_generation_results: result.textGenerationResults,
    json_results: result.jsonResults,
  };
}

function table(operator: string, cases: Array<[name: string, fixture: string, expected: OperatorResultBody]>): void {
  describe(operator, () => {
    for (const [name, fixture, expected] of cases) {
      test(`${name} (${fixture}.vtt)`, async () => {
        const { sid } = await transcriptOf(fixture);
        const result = await client.intelligence.v2.transcripts(sid).operatorResults(operatorSid(operator)).fetch();
        assert.equal(result.name, operator);
        assert.equal(result.operatorSid, operatorSid(operator));
        assert.equal(result.transcriptSid, sid);
        assert.deepEqual(computed(result), expected);
      });
    }
  });
}

const line = {
  disclosure: 'Thanks for calling Northwind, this call may be recorded for quality purposes.',
  intro: 'My name is Priya, how can I help you today?',
  chargedTwice: 'Hi, I was charged twice for my order and I want my money back.',
  refund: "I'm sorry about that, I can issue a refund right away.",
  supervisor: 'This is the third time, I want to speak to your supervisor.',
  transfer: 'Of course, let me transfer you to my supervisor now.',
  refunded: 'The order was never refunded and the refunds page is empty.',
};
const NOTHING = extracted({}, 0);

table('Refund (exact)', [
  ['"refund" and "money back", as said', 'refund-call', extracted({ Refund: [line.chargedTwice, line.refund] }, 1)],
  ['"refunded" and "refunds" are not exact matches', 'fuzzy-refund', NOTHING],
  ['absent', 'neutral-hours', NOTHING],
  ['in Spanish', 'spanish', NOTHING],
]);

table('Refund (fuzzy)', [
  ['exact words score 1', 'refund-call', extracted({ Refund: [line.chargedTwice, line.refund] }, 1)],
  ['other word forms match with a lower score', 'fuzzy-refund', extracted({ Refund: [line.refunded] }, 0.95)],
  ['absent', 'neutral-hours', NOTHING],
]);

table('Topic', [
  ['the class with evidence', 'refund-call', classified('billing', { billing: 1, delivery: 0 })],
  ['another class', 'happy', classified('delivery', { billing: 0, delivery: 1 })],
  ['no evidence: no label, every class at 0', 'neutral-hours', classified(null, { billing: 0, delivery: 0 })],
  ['in Spanish: no evidence', 'spanish', classified(null, { billing: 0, delivery: 0 })],
]);

table('Sentence topic', [
  [
    'each sentence with evidence',
    'refund-call',
    utterances([
      { sentence_index: 2, media_channel: 2, label: 'billing', probability: 1, text: line.chargedTwice },
      { sentence_index: 3, media_channel: 1, label: 'billing', probability: 1, text: line.refund },
      { sentence_index: 4, media_channel: 2, label: 'escalation', probability: 1, text: line.supervisor },
      { sentence_index: 5, media_channel: 1, label: 'escalation', probability: 1, text: line.transfer },
    ]),
  ],
  ['no sentence with evidence', 'neutral-hours', utterances([])],
]);

table('Sentiment Analysis', [
  ['praise is positive', 'happy', classified('positive', { neutral: 0.3333, positive: 0.6667, negative: 0, mixed: 0 })],
  ['complaints are negative', 'angry', classified('negative', { neutral: 0.3333, positive: 0, negative: 0.6667, mixed: 0 })],
  ['facts are neutral', 'neutral-hours', classified('neutral', { neutral: 1, positive: 0, negative: 0, mixed: 0 })],
]);

table('Summarization', [
  ['without a language model: the extractive summary', 'neutral-hours', generated('Agent: We open at nine and close at five on Saturday.')],
  ['with speaker roles', 'angry', generated("Customer: Your service is terrible, the product broke after a day and I'm furious.")],
]);

table('Entity Recognition', [
  [
    'people, an organization, numbers',
    'pii',
    extracted(
      { Person: ['Anna Smith', 'Robert Chen'], Organization: ['Acme Bank'], Quantity: ['415', '555', '0134'] },
      null,
      'extract-normalize',
    ),
  ],
  ['a day and times', 'neutral-hours', extracted({ Date: ['Saturday'], Quantity: ['nine', 'five'] }, null, 'extract-normalize')],
  ['no entities', 'angry', extracted({}, null, 'extract-normalize')],
]);

table('Non English Call', [
  ['a Spanish conversation', 'spanish', classified('NonEnglishConversation', { NonEnglishConversation: 1, EnglishConversation: 0 })],
  ['an English conversation', 'neutral-hours', classified('EnglishConversation', { NonEnglishConversation: 0, EnglishConversation: 1 })],
]);

const detector = (name: string) => (sentences: string[]) => extracted({ [name]: sentences }, 1);
table('Agent Introduction', [
  ['"my name is"', 'refund-call', detector('Agent Introduction')([line.intro])],
  [
    '"this is … from" in a voicemail message',
    'voicemail',
    detector('Agent Introduction')([
      'Hi Mark, this is Dana from Lakeside Dental calling to confirm your appointment on Thursday. Please call us back.',
    ]),
  ],
  ['absent', 'neutral-hours', NOTHING],
  ['in Spanish', 'spanish', NOTHING],
]);
table('Escalation Request', [
  ['"speak to your supervisor"', 'refund-call', detector('Escalation Request')([line.supervisor])],
  ['absent', 'neutral-hours', NOTHING],
]);
table('Recording Disclosure', [
  ['"may be recorded for quality"', 'refund-call', detector('Recording Disclosure')([line.disclosure])],
  ['absent', 'neutral-hours', NOTHING],
  ['in Spanish', 'spanish', NOTHING],
]);
table('Do Not Contact Me', [
  [
    '"stop calling me", "take me off your list"',
    'stop-calling',
    detector('Do Not Contact Me')(['Not interested. Please stop calling me and take me off your list.']),
  ],
  ['absent', 'refund-call', NOTHING],
]);
table('Password Reset', [
  ['"forgot my password"', 'password-reset', detector('Password Reset')(["I forgot my password and now I can't log in to the app."])],
  ['absent', 'neutral-hours', NOTHING],
]);

table('Call Transfer', [
  ['"let me transfer you"', 'refund-call', rule(TRANSFER, 'Transfer', 0.7)],
  ['absent', 'neutral-hours', rule(TRANSFER, 'NoTransfer', 0.8)],
  ['in Spanish', 'spanish', rule(TRANSFER, 'NoTransfer', 0.8)],
]);

table('Voicemail Detection', [
  ['a voicemail greeting, then a message', 'voicemail', rule(VOICEMAIL, 'voicemail', 0.95)],
  ['a live call', 'neutral-hours', rule(VOICEMAIL, 'not_voicemail', 0.9)],
  ['in Spanish', 'spanish', rule(VOICEMAIL, 'not_voicemail', 0.9)],
]);

table('Unavailable Party Detector', [
  ['"she\'s in a meeting", "can I take a message"', 'receptionist', rule(UNAVAILABLE, 'UnavailableParty', 0.9)],
  ['a voicemail greeting', 'voicemail', rule(UNAVAILABLE, 'UnavailableParty', 0.8)],
  ['both parties available', 'neutral-hours', rule(UNAVAILABLE, 'NoClass', 0.8)],
]);

table('Outbound Call Disposition', [
  ['a voicemail greeting is Voicemail', 'voicemail', rule(DISPOSITIONS, 'Voicemail', 0.95)],
  ['a menu is IVR', 'ivr', rule(DISPOSITIONS, 'IVR', 0.8)],
  ['"wrong number" is WrongNumber', 'wrong-number', rule(DISPOSITIONS, 'WrongNumber', 0.9)],
  ['"stop calling me" is StopContactingMe', 'stop-calling', rule(DISPOSITIONS, 'StopContactingMe', 0.9)],
  ['a dialogue is Ordinary', 'neutral-hours', rule(DISPOSITIONS, 'Ordinary', 0.6)],
]);

describe('operators that need a language model, without one', () => {
  for (const name of ['Call summary', 'Order facts']) {
    test(`${name}: no result (404 through the SDK) and a failure saying how to configure one`, async () => {
      const { sid, outcome } = await transcriptOf('refund-call');
      await assert.rejects(
        client.intelligence.v2.transcripts(sid).operatorResults(operatorSid(name)).fetch(),
        (error: { status: number; code: number }) => {
          assert.equal(error.status, 404);
          assert.equal(error.code, 20404);
          return true;
        },
      );
      assert.deepEqual(
        outcome.failures.find((failure) => failure.operatorSid === operatorSid(name)),
        { operatorSid: operatorSid(name), name, reason: NO_LLM_REASON },
      );
    });
  }
});

describe('listing through the SDK', () => {
  test('one result per operator that produced one, in attachment order, across pages', async () => {
    const { sid, outcome } = await transcriptOf('refund-call');
    const listed = await client.intelligence.v2.transcripts(sid).operatorResults.list({ pageSize: 4 });
    const produced = allOperatorSids().filter((operator) => !outcome.failures.some((failure) => failure.operatorSid === operator));
    assert.deepEqual(
      listed.map((result) => result.operatorSid),
      produced,
    );
    assert.equal(listed.length, allOperatorSids().length - 2);
    for (const result of listed) assert.equal(result.url, `${server.url}/v2/Transcripts/${sid}/OperatorResults/${result.operatorSid}`);
  });
});

describe('Redacted through the SDK', () => {
  test('redacted by default on a transcript with redaction; redacted: false gives the original', async () => {
    const agentIntroduction = catalogSid('LY', 'Agent Introduction');
    const { transcript } = await transcriptWithResults(server.store, parts, {
      accountSid: server.account.sid,
      operatorSids: [agentIntroduction, catalogSid('LY', 'Summarization')],
      fixture: 'pii',
      redaction: true,
    });
    const results = client.intelligence.v2.transcripts(transcript.sid).operatorResults;
    assert.deepEqual((await results(agentIntroduction).fetch()).extractResults, {
      'Agent Introduction': ['Thanks for calling Acme Bank, my name is [Name].', 'My name is [Name] and I need a refund to my card.'],
    });
    assert.deepEqual((await results(agentIntroduction).fetch({ redacted: false })).extractResults, {
      'Agent Introduction': [
        'Thanks for calling Acme Bank, my name is Anna Smith.',
        'My name is Robert Chen and I need a refund to my card.',
      ],
    });
    assert.deepEqual(
      (await results.list()).map((result) => result.textGenerationResults),
      [null, { result: '[Redacted: Summarization]', format: 'text' }],
    );
    assert.deepEqual(
      (await results.list({ redacted: false })).map((result) => result.textGenerationResults),
      [null, { result: 'Customer: You can reach me at 415 555 0134 if the refund fails.', format: 'text' }],
    );
  });
});
