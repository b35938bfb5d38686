// LiteralClassification. Evidence for a class is the sum of the scores of its phrase matches.
// Scope `conversation`: the class with the most evidence (ties: the earlier class), probabilities
// proportional to evidence; no evidence → predicted_label null and every class at 0 (nothing was
// said that signals a class; no class is invented). Scope `sentence`: the same, sentence by sentence,
// for the sentences with evidence.
import type { AnalysedTranscript } from '../analysed-transcript.js';
import { readPhraseSets, problemsOf } from '../phrase-config.js';
import { compilePhraseSets, findPhrases, type PhraseHit } from '../phrase-matcher.js';
import { conversationClassify, utteranceClassify } from '../results.js';
import { compiledConfig, isObject, unusableConfig, type Runner } from '../runner.js';
import type { RunOutcome, UtteranceResult } from '../types.js';

function readConfig(config: unknown) {
  if (!isObject(config)) return 'config must be an object';
  if (config.scope !== 'conversation' && config.scope !== 'sentence') return 'scope must be conversation or sentence';
  const classes = readPhraseSets(config.classes, 'classes', 'exact');
  return typeof classes === 'string' ? classes : { scope: config.scope, classes, compiled: compilePhraseSets(classes) };
}

const compiled = compiledConfig(readConfig);

/** The label with the most evidence, earlier labels winning ties; null without evidence. */
function strongest(labels: readonly string[], evidence: Map<string, number>): string | null {
  let best: string | null = null;
  for (const label of labels) {
    if ((evidence.get(label) ?? 0) > (best === null ? 0 : evidence.get(best)!)) best = label;
  }
  return best;
}

function evidenceOf(hits: readonly PhraseHit[]): Map<string, number> {
  const evidence = new Map<string, number>();
  for (const hit of hits) evidence.set(hit.set, (evidence.get(hit.set) ?? 0) + hit.score);
  return evidence;
}

function classifyConversation(labels: string[], hits: PhraseHit[]): RunOutcome {
  const evidence = evidenceOf(hits);
  const total = [...evidence.values()].reduce((sum, value) => sum + value, 0);
  const probabilities = Object.fromEntries(labels.map((label) => [label, total === 0 ? 0 : (evidence.get(label) ?? 0) / total]));
  return conversationClassify(strongest(labels, evidence), probabilities);
}

function classifySentences(labels: string[], hits: PhraseHit[]): RunOutcome {
  const bySentence = new Map<number, PhraseHit[]>();
  for (const hit of hits) {
    const list = bySentence.get(hit.sentence.sentenceIndex) ?? [];
    list.push(hit);
    bySentence.set(hit.sentence.sentenceIndex, list);
  }
  const results: UtteranceResult[] = [];
  for (const sentenceHits of bySentence.values()) {
    const evidence = evidenceOf(sentenceHits);
    const label = strongest(labels, evidence)!;
    const total = [...evidence.values()].reduce((sum, value) => sum + value, 0);
    // Every list in bySentence was made with its first hit.
    const { sentence } = sentenceHits[0]!;
    results.push({
      sentence_index: sentence.sentenceIndex,
      media_channel: sentence.mediaChannel,
      label,
      probability: evidence.get(label)! / total,
      text: sentence.text,
    });
  }
  return utteranceClassify(results);
}

export const literalClassificationRunner: Runner = {
  name: 'literal-classification',
  outputType: 'text-classification',
  checkConfig: (config) => problemsOf(compiled(config)),
  run(transcript: AnalysedTranscript, config: unknown): RunOutcome {
    const ready = compiled(config);
    if (typeof ready === 'string') return unusableConfig(ready);
    const labels = ready.classes.map((entry) => entry.name);
    const hits = findPhrases(ready.compiled, transcript.sentences);
    return ready.scope === 'conversation' ? classifyConversation(labels, hits) : classifySentences(labels, hits);
  },
};
