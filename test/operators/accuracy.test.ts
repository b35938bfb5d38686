// Precision and recall of the pre-built classifiers on the labelled set (46 short conversations
// written for it). The floors are what each method can do on it, not what a trained model would:
// phrase sets miss paraphrases, the sentiment lexicon misreads politeness.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { markdownTable, predictions, score } from './accuracy.js';

const FLOORS: Record<string, { precision: number; recall: number; accuracy: number }> = {
  'Voicemail Detection': { precision: 0.75, recall: 0.75, accuracy: 0.9 },
  'Unavailable Party Detector': { precision: 0.75, recall: 0.75, accuracy: 0.85 },
  'Outbound Call Disposition': { precision: 0.9, recall: 0.9, accuracy: 0.9 },
  'Non English Call': { precision: 0.9, recall: 0.9, accuracy: 0.9 },
  'Sentiment Analysis': { precision: 0.6, recall: 0.3, accuracy: 0.7 },
  'Call Transfer': { precision: 0.9, recall: 0.6, accuracy: 0.9 },
  'Agent Introduction': { precision: 0.9, recall: 0.8, accuracy: 0.9 },
  'Escalation Request': { precision: 0.9, recall: 0.6, accuracy: 0.9 },
  'Recording Disclosure': { precision: 0.9, recall: 0.6, accuracy: 0.9 },
  'Do Not Contact Me': { precision: 0.9, recall: 0.6, accuracy: 0.9 },
  'Password Reset': { precision: 0.9, recall: 0.6, accuracy: 0.9 },
};

test('the pre-built classifiers reach their floors on the labelled set', async (t) => {
  const byOperator = await predictions();
  assert.deepEqual([...byOperator.keys()].sort(), Object.keys(FLOORS).sort());
  for (const [operator, results] of byOperator) {
    assert.ok(results.size >= 40, `${operator}: ${results.size} conversations`);
    const s = score(operator, results);
    const floor = FLOORS[operator];
    assert.ok(floor, `${operator} has a floor`);
    assert.ok(s.precision >= floor.precision, `${operator} precision ${s.precision.toFixed(2)} < ${floor.precision}`);
    assert.ok(s.recall >= floor.recall, `${operator} recall ${s.recall.toFixed(2)} < ${floor.recall}`);
    assert.ok(s.accuracy >= floor.accuracy, `${operator} accuracy ${s.accuracy.toFixed(2)} < ${floor.accuracy}`);
  }
  for (const row of markdownTable(byOperator).split('\n')) t.diagnostic(row);
});
