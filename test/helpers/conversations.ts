// Reads transcript fixtures: JSON documents in the Sentences API's own shape ({"sentences": [...]},
// TRANSCRIPTS.md §3), times as decimal strings or numbers.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Transcript } from '../../src/operators/types.js';

export const CONVERSATIONS = fileURLToPath(new URL('../fixtures/conversations/', import.meta.url));

interface SentenceJson {
  media_channel: number;
  sentence_index?: number;
  start_time: string | number | null;
  end_time: string | number | null;
  transcript: string;
}

const seconds = (value: string | number | null): number | null => (value === null ? null : Number(value));

export function transcriptOf(document: { sentences: SentenceJson[] }): Transcript {
  return {
    participants: [],
    durationSeconds: null,
    sentences: document.sentences.map((sentence, index) => ({
      sentenceIndex: sentence.sentence_index ?? index,
      mediaChannel: sentence.media_channel,
      startTime: seconds(sentence.start_time),
      endTime: seconds(sentence.end_time),
      text: sentence.transcript,
    })),
  };
}

/** `name` is a path under test/fixtures/conversations/ without `.json`. */
export function loadConversation(name: string): Transcript {
  return transcriptOf(JSON.parse(readFileSync(`${CONVERSATIONS}${name}.json`, 'utf8')));
}

/** A transcript from "channel: text" lines, for tables whose transcripts are one or two sentences. */
export function conversation(...lines: string[]): Transcript {
  return transcriptOf({
    sentences: lines.map((line, index) => {
      const match = /^(\d): (.*)$/s.exec(line);
      if (match === null) throw new Error(`not a "channel: text" line: ${line}`);
      const [, channel, text = ''] = match;
      return { media_channel: Number(channel), start_time: index * 4, end_time: index * 4 + 3, transcript: text };
    }),
  });
}
