// Precision and recall of the pre-built classifiers on the labelled set of short conversations
// (test/fixtures/conversations/labelled): shared by accuracy.test.ts and the table in the README.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinCatalog } from '../../src/catalog/builtin.js';
import { createOperatorRegistry } from '../../src/operators/registry.js';
import type { OperatorResultBody } from '../../src/operators/types.js';
import { CONVERSATIONS, loadConversation } from '../helpers/conversations.js';

type Label = string | boolean;

export interface OperatorScore {
  operator: string;
  /** The label whose precision and recall are given (the positive class). */
  positive: string;
  support: number;
  truePositives: number;
  predictedPositives: number;
  accuracy: number;
  precision: number;
  recall: number;
}

/** The positive class per operator; for multi-class operators precision/recall are macro-averaged too. */
export const POSITIVE: Record<string, Label> = {
  'Voicemail Detection': 'voicemail',
  'Unavailable Party Detector': 'UnavailableParty',
  'Outbound Call Disposition': 'Ordinary',
  'Non English Call': 'NonEnglishConversation',
  'Sentiment Analysis': 'negative',
  'Call Transfer': 'Transfer',
  'Agent Introduction': true,
  'Escalation Request': true,
  'Recording Disclosure': true,
  'Do Not Contact Me': true,
  'Password Reset': true,
};

const labelOf = (result: OperatorResultBody): Label =>
  result.operator_type === 'extract' ? result.extract_match === true : (result.predicted_label ?? '');

export async function predictions(): Promise<Map<string, Map<string, { expected: Label; predicted: Label | null }>>> {
  const directory = `${CONVERSATIONS}labelled/`;
  const labels = JSON.parse(readFileSync(`${directory}labels.json`, 'utf8')) as Record<string, Record<string, Label>>;
  const registry = createOperatorRegistry({ llm: null });
  const operators = Object.keys(POSITIVE).map((friendlyName) => {
    const prebuilt = builtinCatalog.prebuiltOperators.find((operator) => operator.friendlyName === friendlyName)!;
    const type = builtinCatalog.operatorTypes.find((t) => t.name === prebuilt.operatorType)!;
    return { operatorSid: friendlyName, operatorType: type, config: null };
  });
  const byOperator = new Map<string, Map<string, { expected: Label; predicted: Label | null }>>();
  const files = readdirSync(directory)
    .filter((file) => file !== 'labels.json')
    .sort();
  for (const file of files) {
    const name = file.replace(/\.json$/, '');
    for (const run of await registry.runAll(loadConversation(`labelled/${name}`), operators)) {
      const entry = { expected: labels[name]![run.operatorSid], predicted: run.outcome.ok ? labelOf(run.outcome.result) : null };
      const map = byOperator.get(run.operatorSid) ?? new Map();
      map.set(name, entry);
      byOperator.set(run.operatorSid, map);
    }
  }
  return byOperator;
}

export function score(operator: string, results: Map<string, { expected: Label; predicted: Label | null }>): OperatorScore {
  const positive = POSITIVE[operator];
  let support = 0;
  let truePositives = 0;
  let predictedPositives = 0;
  let correct = 0;
  for (const { expected, predicted } of results.values()) {
    if (expected === positive) support++;
    if (predicted === positive) predictedPositives++;
    if (expected === positive && predicted === positive) truePositives++;
    if (expected === predicted) correct++;
  }
  return {
    operator,
    positive: String(positive),
    support,
    truePositives,
    predictedPositives,
    accuracy: correct / results.size,
    precision: predictedPositives === 0 ? 1 : truePositives / predictedPositives,
    recall: support === 0 ? 1 : truePositives / support,
  };
}

/** Per label of every operator: support, precision and recall, as a Markdown table. */
export function markdownTable(byOperator: Awaited<ReturnType<typeof predictions>>): string {
  const rows = ['| Operator | Label | Support | Precision | Recall |', '|---|---|---:|---:|---:|'];
  for (const [operator, results] of byOperator) {
    const labels = [...new Set([...results.values()].map((r) => r.expected))].sort((a, b) => String(a).localeCompare(String(b)));
    for (const label of labels) {
      const support = [...results.values()].filter((r) => r.expected === label).length;
      const predicted = [...results.values()].filter((r) => r.predicted === label).length;
      const correct = [...results.values()].filter((r) => r.expected === label && r.predicted === label).length;
      const precision = predicted === 0 ? '–' : (correct / predicted).toFixed(2);
      rows.push(`| ${operator} | ${String(label)} | ${support} | ${precision} | ${(correct / support).toFixed(2)} |`);
    }
  }
  return rows.join('\n');
}
