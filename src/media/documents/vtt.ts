// WebVTT transcript documents (TRANSCRIPTS.md §3): each cue is one sentence with the cue's times;
// the voice tag <v Name> picks the channel; every other tag is stripped from the text.
import { MediaFailure, MediaFailureCode, unsupportedMedia } from '../failure.js';
import { type MediaChannel, type Participant, type SentenceRecord, orderSentences } from './sentence.js';

interface Cue {
  line: number;
  startTime: number;
  endTime: number;
  speaker: string | null;
  text: string;
}

const TIMESTAMP = /^(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})$/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', nbsp: ' ', lrm: '', rlm: '', quot: '"', apos: "'" };

export function parseWebVtt(text: string, participants: readonly Participant[] = []): SentenceRecord[] {
  const cues = readCues(text);
  if (cues.length === 0) throw new MediaFailure(MediaFailureCode.tooShort, 'The WebVTT document has no cues (empty media)');
  const channelOf = speakerChannels(cues, participants);
  const sentences = cues
    .map((cue): SentenceRecord => ({
      mediaChannel: cue.speaker === null ? 1 : channelOf.get(cue.speaker.toLowerCase())!,
      startTime: cue.startTime,
      endTime: cue.endTime,
      confidence: null,
      transcript: cue.text,
      words: null,
    }))
    .filter((sentence) => sentence.transcript.length > 0);
  return orderSentences(sentences);
}

const isNonEmpty = <T>(list: T[]): list is [T, ...T[]] => list.length > 0;

function readCues(text: string): Cue[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  if (!/^WEBVTT(?:[ \t]|$)/.test(lines[0] ?? '')) throw unsupportedMedia('Invalid WebVTT document: the first line must be "WEBVTT"');
  const cues: Cue[] = [];
  let index = 1;
  while (index < lines.length) {
    while (index < lines.length && lines[index]!.trim() === '') index++;
    const start = index;
    while (index < lines.length && lines[index]!.trim() !== '') index++;
    const block = lines.slice(start, index);
    if (isNonEmpty(block)) {
      const cue = readBlock(block, start + 1);
      if (cue) cues.push(cue);
    }
  }
  return cues;
}

/** A cue, or null for the blocks that are not cues (NOTE, STYLE, REGION). `lineNumber` is 1-based. */
function readBlock(block: [string, ...string[]], lineNumber: number): Cue | null {
  if (/^(NOTE|STYLE|REGION)(?:[ \t]|$)/.test(block[0])) return null;
  const timingAt = block[0].includes('-->') ? 0 : 1;
  const timing = block[timingAt];
  const line = lineNumber + timingAt;
  if (timing === undefined || !timing.includes('-->')) {
    throw unsupportedMedia(`Invalid WebVTT document: line ${lineNumber} starts a cue without a timing line ("start --> end")`);
  }
  const [startText = '', rest = ''] = timing.split('-->').map((part) => part.trim());
  const endText = rest.split(/[ \t]+/)[0] ?? '';
  const startTime = parseTimestamp(startText, line);
  const endTime = parseTimestamp(endText, line);
  if (endTime < startTime) {
    throw unsupportedMedia(`Invalid WebVTT document: the cue at line ${line} ends (${endText}) before it starts (${startText})`);
  }
  const raw = block.slice(timingAt + 1).join('\n');
  const voice = /<v(?:\.[^\s>]*)?[ \t]+([^>]+)>/.exec(raw);
  return { line, startTime, endTime, speaker: voice ? voice[1]!.trim() : null, text: stripTags(raw) };
}

function parseTimestamp(text: string, line: number): number {
  const match = TIMESTAMP.exec(text);
  if (!match)
    throw unsupportedMedia(`Invalid WebVTT document: bad timestamp "${text}" at line ${line} (expected hh:mm:ss.ttt or mm:ss.ttt)`);
  const [, hours, minutes, seconds, millis] = match;
  return Number(hours ?? 0) * 3600 + Number(minutes) * 60 + Number(seconds) + Number(millis) / 1000;
}

const TAG = /<[^>]*>/g;
const ENTITY = /&(#\d+|[a-z]+);/gi;
/** Whitespace other than single spaces between words (a cue's lines, tabs, runs of spaces, at either end). */
const UNEVEN_SPACING = /[^\S ]| {2}|^ | $/;

/** The cue's text without tags, its entities decoded and its whitespace single spaces (each step only where needed). */
function stripTags(raw: string): string {
  let text = raw.includes('<') ? raw.replace(TAG, '') : raw;
  if (text.includes('&')) {
    text = text.replace(ENTITY, (entity, name: string) =>
      name.startsWith('#') ? String.fromCodePoint(Number(name.slice(1))) : (ENTITIES[name.toLowerCase()] ?? entity),
    );
  }
  return UNEVEN_SPACING.test(text) ? text.replace(/\s+/g, ' ').trim() : text;
}

/**
 * Speaker name (lower case) → channel: a participant whose role or full_name is the name gives its
 * channel; the other names take the channels those leave free, 1 then 2, in order of first appearance.
 */
function speakerChannels(cues: Cue[], participants: readonly Participant[]): Map<string, MediaChannel> {
  const channels = new Map<string, MediaChannel>();
  const unmatched: string[] = [];
  for (const cue of cues) {
    const name = cue.speaker?.toLowerCase();
    if (name === undefined || channels.has(name) || unmatched.includes(name)) continue;
    const participant = participants.find((p) => p.role?.toLowerCase() === name || p.full_name?.toLowerCase() === name);
    if (participant) channels.set(name, participant.channel_participant);
    else unmatched.push(name);
  }
  const taken = new Set(channels.values());
  const free = ([1, 2] as const).filter((channel) => !taken.has(channel));
  unmatched.forEach((name, position) => {
    const channel = free[position];
    if (channel === undefined) {
      throw new MediaFailure(
        MediaFailureCode.tooManyChannels,
        `The WebVTT document has more speakers than the 2 channels allow (no channel left for "${name}")`,
      );
    }
    channels.set(name, channel);
  });
  return channels;
}
