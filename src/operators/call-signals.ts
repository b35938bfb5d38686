// Signals the call classifiers share: who spoke, how the turns went, which curated phrases were said
// and where. Each curated set is compiled once per process.
import type { AnalysedSentence, AnalysedTranscript } from './analysed-transcript.js';
import { compilePhraseSets, findPhrases, type CompiledPhraseSets, type PhraseHit, type PhraseSet } from './phrase-matcher.js';

/** The opening of a call: its first five spoken sentences, or those starting in its first 45 seconds. */
export const OPENING_SENTENCES = 5;
export const OPENING_SECONDS = 45;

const compiledSets = new Map<PhraseSet, CompiledPhraseSets>();

export function hitsOf(set: PhraseSet, sentences: readonly AnalysedSentence[]): PhraseHit[] {
  let compiled = compiledSets.get(set);
  if (compiled === undefined) {
    compiled = compilePhraseSets([set], { wildcards: true });
    compiledSets.set(set, compiled);
  }
  return findPhrases(compiled, sentences);
}

/** Hits grouped by where they start: two phrases matching the same words are one piece of evidence. */
export function places(hits: readonly PhraseHit[]): PhraseHit[][] {
  const byPlace = new Map<string, PhraseHit[]>();
  for (const hit of hits) {
    const key = `${hit.sentence.sentenceIndex}:${hit.start}`;
    byPlace.set(key, [...(byPlace.get(key) ?? []), hit]);
  }
  return [...byPlace.values()];
}

export const countPlaces = (hits: readonly PhraseHit[]): number => places(hits).length;

export const spokenSentences = (transcript: AnalysedTranscript): AnalysedSentence[] =>
  transcript.sentences.filter((sentence) => sentence.words.length > 0);

export function opening(spoken: readonly AnalysedSentence[]): AnalysedSentence[] {
  return spoken.filter(
    (sentence, index) => index < OPENING_SENTENCES || (sentence.startTime !== null && sentence.startTime < OPENING_SECONDS),
  );
}

/** Speaker changes from one spoken sentence to the next. */
export function turns(spoken: readonly AnalysedSentence[]): number {
  let changes = 0;
  for (let i = 1; i < spoken.length; i++) if (spoken[i]!.mediaChannel !== spoken[i - 1]!.mediaChannel) changes++;
  return changes;
}

/** A back-and-forth: three speaker changes or more, and two channels with two sentences each. */
export function isDialogue(spoken: readonly AnalysedSentence[]): boolean {
  const perChannel = new Map<number, number>();
  for (const sentence of spoken) perChannel.set(sentence.mediaChannel, (perChannel.get(sentence.mediaChannel) ?? 0) + 1);
  const talkative = [...perChannel.values()].filter((count) => count >= 2).length;
  return turns(spoken) >= 3 && talkative >= 2;
}

/** Confidence that grows with evidence: base + step per unit, never above 0.95. */
export const confidence = (base: number, step: number, evidence: number): number => Math.min(0.95, base + step * evidence);
