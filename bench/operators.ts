// The operator engines on a 500-sentence (~6,500-word) document transcript: end-to-end rate of the
// six deterministic operators (one reading shared, as the transcript job runs them), and each
// part's cost per 1,000 words. Not part of `npm run bench` (no server involved):
//   node --import tsx bench/operators.ts       BENCH_OPERATOR_SECONDS: CPU seconds per measure (default 5)
import { cpus, loadavg } from 'node:os';
import type { AccountSid, OperatorSid, ServiceSid, TranscriptSid } from '../src/sids.js';
import { builtinCatalog } from '../src/catalog/builtin.js';
import { analyse } from '../src/operators/analysed-transcript.js';
import { createOperatorRegistry, type OperatorToRun } from '../src/operators/registry.js';
import { literalClassificationRunner } from '../src/operators/runners/literal-classification.js';
import { literalSpotRunner } from '../src/operators/runners/literal-spot.js';
import type { Runner } from '../src/operators/runner.js';
import { entityRecognitionRunner, nameWindows } from '../src/operators/runners/entity-recognition.js';
import { sentimentRunner } from '../src/operators/runners/sentiment.js';
import { voicemailDetectionRunner } from '../src/operators/runners/voicemail-detection.js';
import { BUILTIN_BINDINGS } from '../src/operators/bindings.js';
import type { Transcript } from '../src/operators/types.js';
import { indexCatalog } from '../src/catalog/load.js';
import { catalogSid } from '../src/catalog/sids.js';
import { runOperatorsStage, type OperatorsStageParts } from '../src/pipeline/operators-stage.js';
import { redactText } from '../src/redaction/redact.js';
import type { CustomOperatorRecord, StoredSentence, TranscriptRecord } from '../src/store/store.js';

const CPU_SECONDS = Number(process.env.BENCH_OPERATOR_SECONDS ?? 5);
const WARM_RUNS = 10;

// Call-centre sentences of ~13 words; every seventh names a person, a place, a date or an amount.
const AGENT = [
  'Thank you for calling Northwind support, my name is Priya, how can I help you today?',
  'I can certainly look into that for you, could you confirm the email on the account?',
  'I see the order here, it was shipped on Monday and should arrive by Thursday.',
  'I understand how frustrating that is, let me check what options we have available.',
  'I have applied a credit of twenty dollars to your account for the inconvenience.',
  'Is there anything else I can help you with on this call today?',
  'The refund will take three to five business days to appear on your statement.',
  'Let me transfer you to our billing team, they can look at the invoice in detail.',
  'Your new password has been sent to the email address we have on file.',
  'I will make a note on the account so the next agent can see the history.',
];
const CUSTOMER = [
  'Hi, I was charged twice for my last order and I would like a refund please.',
  'I never received the package and the tracking page has not changed for a week.',
  'My name is Robert Chen and the order number is four four one seven.',
  'That is great, thank you so much for sorting this out so quickly.',
  'This is the third time I am calling about the same problem, it is really annoying.',
  'I moved to Chicago last month so the address on the account is wrong.',
  'Can you tell me when the new plan starts, is it the first of March?',
  'I would like to speak to a manager about how this has been handled.',
  'Okay, that works for me, I will wait for the email then.',
  'I forgot my password and now I am locked out of the mobile app.',
];

function benchTranscript(sentences: number): Transcript {
  const lines = Array.from({ length: sentences }, (_, i) => {
    const pool = i % 2 === 0 ? AGENT : CUSTOMER;
    return { channel: i % 2 === 0 ? 1 : 2, text: pool[(i * 7 + Math.floor(i / 20)) % pool.length]! };
  });
  return {
    participants: [],
    durationSeconds: sentences * 4,
    sentences: lines.map((line, i) => ({
      sentenceIndex: i,
      mediaChannel: line.channel,
      startTime: i * 4,
      endTime: i * 4 + 3.5,
      text: line.text,
    })),
  };
}

const typeNamed = (name: string) => builtinCatalog.operatorTypes.find((type) => type.name === name)!;
const literalSpotConfig = {
  phrase_sets: [
    { name: 'Refund', phrases: ['refund', 'money back', 'charged twice'], match: 'fuzzy' },
    { name: 'Cancel', phrases: ['cancel my account', 'close my account'], match: 'exact' },
  ],
};
const literalClassificationConfig = {
  scope: 'conversation',
  classes: [
    { name: 'billing', phrases: ['invoice', 'charged twice', 'refund'], match: 'fuzzy' },
    { name: 'delivery', phrases: ['tracking', 'package', 'shipped'] },
    { name: 'account', phrases: ['password', 'locked out'], match: 'fuzzy' },
  ],
};
const operators: OperatorToRun[] = [
  { operatorSid: 'LiteralSpot', operatorType: typeNamed('LiteralSpot'), config: literalSpotConfig },
  { operatorSid: 'LiteralClassification', operatorType: typeNamed('LiteralClassification'), config: literalClassificationConfig },
  { operatorSid: 'Sentiment', operatorType: typeNamed('Sentiment'), config: null },
  { operatorSid: 'EntityRecognition', operatorType: typeNamed('EntityRecognition'), config: null },
  { operatorSid: 'AgentIntroduction', operatorType: typeNamed('AgentIntroduction'), config: null },
  { operatorSid: 'VoicemailDetection', operatorType: typeNamed('VoicemailDetection'), config: null },
];

interface Cost {
  wallMs: number;
  cpuMs: number;
}

/**
 * Runs `work` WARM_RUNS times, then until it has used CPU_SECONDS of CPU: wall and CPU milliseconds
 * per run. Budgets are CPU time, not wall time: on a shared machine a wall-clock warm-up may not even
 * finish one run. The CPU time is the figure to compare; the wall time is what a user waited.
 */
async function measure(work: () => unknown): Promise<Cost> {
  for (let i = 0; i < WARM_RUNS; i++) await work();
  let runs = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const cpuUsed = () => {
    const used = process.cpuUsage(cpuStart);
    return (used.user + used.system) / 1e6;
  };
  while (cpuUsed() < CPU_SECONDS) {
    await work();
    runs++;
  }
  const cpu = process.cpuUsage(cpuStart);
  return { wallMs: (performance.now() - start) / runs, cpuMs: (cpu.user + cpu.system) / 1000 / runs };
}

const transcript = benchTranscript(500);
const registry = createOperatorRegistry({ llm: null });
const read = analyse(transcript);
const words = read.wordCount;
const windows = read.sentences.flatMap(nameWindows);
const windowWords = windows.reduce((sum, w) => sum + w.end - w.start, 0);
process.stdout.write(
  `transcript: ${transcript.sentences.length} sentences, ${words} words; compromise reads ${windows.length} windows (${windowWords} characters)\n`,
);

const perThousand = (ms: number) => `${((ms * 1000) / words).toFixed(2)} ms / 1,000 words`;
const load = loadavg()[0] ?? 0;
process.stdout.write(`load average ${load.toFixed(1)} on ${cpus().length} cores\n`);
const endToEnd = await measure(() => registry.runAll(transcript, operators));
process.stdout.write(
  `end to end, 6 operators: wall ${endToEnd.wallMs.toFixed(1)} ms = ${(1000 / endToEnd.wallMs).toFixed(1)} transcripts/s; ` +
    `CPU ${endToEnd.cpuMs.toFixed(1)} ms = ${(1000 / endToEnd.cpuMs).toFixed(1)} transcripts per CPU-second (target ≥ 5), ${perThousand(endToEnd.cpuMs)}\n`,
);

const parts: Array<[string, () => unknown]> = [['reading (wink-nlp tokens, once per transcript)', () => analyse(transcript)]];
const runnerOf: Record<string, [Runner, unknown]> = {
  LiteralSpot: [literalSpotRunner, literalSpotConfig],
  LiteralClassification: [literalClassificationRunner, literalClassificationConfig],
  Sentiment: [sentimentRunner, null],
  EntityRecognition: [entityRecognitionRunner, null],
  AgentIntroduction: [literalSpotRunner, BUILTIN_BINDINGS.AgentIntroduction?.config],
  VoicemailDetection: [voicemailDetectionRunner, null],
};
for (const [name, [runner, config]] of Object.entries(runnerOf)) parts.push([name, () => runner.run(read, config)]);
process.stdout.write(`  ${'part (CPU time)'.padEnd(48)} per transcript  per 1,000 words\n`);
for (const [name, work] of parts) {
  const { cpuMs } = await measure(work);
  process.stdout.write(`  ${name.padEnd(48)} ${cpuMs.toFixed(2).padStart(7)} ms  ${perThousand(cpuMs)}\n`);
}

// The transcript job's stage over the same six operators: resolving them, running them, and the
// stored results (JSON), without and with redaction (quoted text redacted with its sentence's PII).
const catalog = indexCatalog(builtinCatalog);
const customs = new Map<string, CustomOperatorRecord>(
  // Fixed SIDs of the right shape for a run with no database.
  [
    ['LYbe0c0000000000000000000000000001', 'LiteralSpot', literalSpotConfig],
    ['LYbe0c0000000000000000000000000002', 'LiteralClassification', literalClassificationConfig],
  ].map(([sid, type, config]) => [
    sid as string,
    {
      sid: sid as OperatorSid,
      accountSid: 'AC0' as AccountSid,
      friendlyName: type as string,
      description: null,
      operatorType: type as string,
      configJson: JSON.stringify(config),
      availability: 'general-availability',
      version: 1,
      dateCreatedMs: 0,
      dateUpdatedMs: 0,
    },
  ]),
);
const stageParts: OperatorsStageParts = {
  store: { findCustomOperator: async (_account, sid) => customs.get(sid) ?? null },
  catalog,
  runOperators: (t, ops) => registry.runAll(t, ops),
};
const record = (redaction: boolean): TranscriptRecord => ({
  sid: 'GT0' as TranscriptSid,
  accountSid: 'AC0' as AccountSid,
  serviceSid: 'GA0' as ServiceSid,
  status: 'in-progress',
  channelJson: '{"participants": []}',
  mediaUrl: null,
  sourceSid: null,
  languageCode: 'en-US',
  dataLogging: false,
  redaction,
  mediaRedaction: false,
  customerKey: null,
  mediaStartTimeMs: null,
  durationSeconds: 2000,
  operatorSids: [
    ...(customs.keys() as Iterable<OperatorSid>),
    ...['Sentiment Analysis', 'Entity Recognition', 'Agent Introduction', 'Voicemail Detection'].map((name) => catalogSid('LY', name)),
  ],
  errorCode: null,
  errorMessage: null,
  mediaPath: null,
  mediaContentType: null,
  redactedMediaPath: null,
  dateCreatedMs: 0,
  dateUpdatedMs: 0,
});
const stored = (redaction: boolean): StoredSentence[] =>
  transcript.sentences.map((sentence) => ({
    sid: 'GX0',
    transcriptSid: 'GT0',
    sentenceIndex: sentence.sentenceIndex,
    mediaChannel: sentence.mediaChannel,
    startTime: sentence.startTime,
    endTime: sentence.endTime,
    confidence: null,
    transcript: sentence.text,
    words: [],
    redactedTranscript: redaction ? redactText(sentence.text).text : null,
    redactedWords: null,
  }));
for (const redaction of [false, true]) {
  const [plain, sentences] = [record(redaction), stored(redaction)];
  const check = await runOperatorsStage(stageParts, plain, sentences);
  if (check.results.length !== 6) throw new Error(`the stage gave ${check.results.length} results: ${JSON.stringify(check.failures)}`);
  const { wallMs, cpuMs } = await measure(() => runOperatorsStage(stageParts, plain, sentences));
  process.stdout.write(
    `operators stage, 6 operators${redaction ? ', redacted results too' : ''}: CPU ${cpuMs.toFixed(1)} ms (wall ${wallMs.toFixed(1)} ms) = ` +
      `${(1000 / cpuMs).toFixed(1)} transcripts per CPU-second, ${perThousand(cpuMs)}\n`,
  );
}
