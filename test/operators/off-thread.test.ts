// Operators on the process's worker threads (src/operators/off-thread.ts, and runAll given a pool):
// the same runs as on the main thread, the model's operators kept on the main thread, abort, and an
// event loop that keeps turning while a long transcript is read on a thread.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { builtinCatalog } from '../../src/catalog/builtin.js';
import { openAiChatModel } from '../../src/engines/llm/chat.js';
import { runOperatorsOffThread } from '../../src/operators/off-thread.js';
import { createOperatorRegistry, type OperatorToRun } from '../../src/operators/registry.js';
import type { Transcript } from '../../src/operators/types.js';
import { createThreadPool } from '../../src/threads.js';
import { startChatStub, type ChatStub } from '../helpers/chat-stub.js';
import { CONVERSATIONS, loadConversation } from '../helpers/conversations.js';

const threads = createThreadPool(1);
const stubs: ChatStub[] = [];
after(async () => {
  await threads.close();
  await Promise.all(stubs.map((stub) => stub.close()));
});

const typeNamed = (name: string) => builtinCatalog.operatorTypes.find((type) => type.name === name)!;
const prebuilt: OperatorToRun[] = builtinCatalog.prebuiltOperators.map((operator) => ({
  operatorSid: operator.sid,
  operatorType: typeNamed(operator.operatorType),
  config: null,
}));
const literalSpot: OperatorToRun = {
  operatorSid: 'LY' + '1'.repeat(32),
  operatorType: typeNamed('LiteralSpot'),
  config: { phrase_sets: [{ name: 'Refund', phrases: ['refund', 'money back'], match: 'fuzzy' }] },
};
const labelled = readdirSync(`${CONVERSATIONS}labelled`)
  .filter((file) => /^l\d+-.*\.json$/.test(file))
  .map((file) => loadConversation(`labelled/${file.replace(/\.json$/, '')}`));

/** Every labelled conversation one after another, `times` over: a long call. */
function longCall(times: number): Transcript {
  const sentences = Array.from({ length: times }, () => labelled.flatMap((conversation) => conversation.sentences)).flat();
  return {
    participants: [],
    durationSeconds: null,
    sentences: sentences.map((sentence, sentenceIndex) => ({ ...sentence, sentenceIndex })),
  };
}

const here = createOperatorRegistry({ llm: null });
const offThread = createOperatorRegistry({ llm: null }, { threads });

describe('the same runs on a thread', () => {
  test('every pre-built operator and a custom one give on a thread what they give here, in order', async () => {
    for (const transcript of labelled.slice(0, 3)) {
      const operators = [...prebuilt, literalSpot];
      const expected = await here.runAll(transcript, operators);
      assert.deepEqual(await offThread.runAll(transcript, operators), expected);
      assert.deepEqual(await runOperatorsOffThread(threads, transcript, operators), expected);
    }
  });

  test("with a language model, its operators run here and the others on a thread, in the operators' order", async () => {
    const stub = await startChatStub([{ text: 'A generated answer.' }, { text: 'A summary from the model.' }]);
    stubs.push(stub);
    const llm = openAiChatModel({ baseUrl: stub.baseUrl, apiKey: null, model: 'stub-model', timeoutMs: 10_000 });
    const registry = createOperatorRegistry({ llm }, { threads });
    const generative: OperatorToRun = {
      operatorSid: 'LY' + '2'.repeat(32),
      operatorType: typeNamed('Generative'),
      config: { prompt: 'What happened?' },
    };
    const summarization = prebuilt.find((operator) => operator.operatorType.name === 'Summarization')!;
    const sentiment = prebuilt.find((operator) => operator.operatorType.name === 'Sentiment')!;
    const transcript = labelled[0]!;
    const runs = await registry.runAll(transcript, [sentiment, generative, literalSpot, summarization]);
    assert.deepEqual(
      runs.map((run) => run.operatorSid),
      [sentiment.operatorSid, generative.operatorSid, literalSpot.operatorSid, summarization.operatorSid],
    );
    // The thread has no model: these came from the main thread's.
    assert.equal(stub.requests.length, 2);
    assert.deepEqual(runs[1]!.outcome.ok && runs[1]!.outcome.result.text_generation_results, {
      result: 'A generated answer.',
      format: 'text',
    });
    assert.deepEqual(runs[3]!.outcome.ok && runs[3]!.outcome.result.text_generation_results, {
      result: 'A summary from the model.',
      format: 'text',
    });
    assert.deepEqual([runs[0], runs[2]], await here.runAll(transcript, [sentiment, literalSpot]));
  });

  test('aborting rejects with the reason, and the pool runs the next transcript', async () => {
    const abort = new AbortController();
    const pending = runOperatorsOffThread(threads, longCall(2), prebuilt, abort.signal);
    abort.abort(new Error('the transcript was deleted'));
    await assert.rejects(pending, /the transcript was deleted/);
    assert.equal((await offThread.runAll(labelled[1]!, [literalSpot])).length, 1);
  });
});

describe('the event loop while operators run', () => {
  /** Turns of the event loop while `work` runs, and the longest wait for a turn (ms; reported, not asserted). */
  async function loopDuring(work: () => Promise<unknown>): Promise<{ turns: number; longestGapMs: number }> {
    let turns = 0;
    let longestGapMs = 0;
    let done = false;
    const turning = (async () => {
      let last = performance.now();
      while (!done) {
        await new Promise((resolve) => setImmediate(resolve));
        const now = performance.now();
        longestGapMs = Math.max(longestGapMs, now - last);
        last = now;
        turns++;
      }
    })();
    await work().finally(() => (done = true));
    await turning;
    return { turns, longestGapMs };
  }

  test('keeps turning while a long call is read and its operators run on a thread', async (t) => {
    const transcript = longCall(3);
    // Warm: the thread has loaded wink-nlp, as a busy server's would have.
    await offThread.runAll(labelled[0]!, prebuilt);
    const onThread = await loopDuring(() => offThread.runAll(transcript, prebuilt));
    const onMain = await loopDuring(() => here.runAll(transcript, prebuilt));
    t.diagnostic(
      `${transcript.sentences.length} sentences, ${prebuilt.length} operators: ` +
        `on a thread ${onThread.turns} turns, longest wait for a turn ${onThread.longestGapMs.toFixed(1)} ms; ` +
        `on the main thread ${onMain.turns} turns, longest wait ${onMain.longestGapMs.toFixed(1)} ms`,
    );
    assert.ok(onThread.turns >= 10, `the loop turned ${onThread.turns} times`);
  });
});
