// Stage 3 for documents: a WebVTT or JSON sentences file into sentences; the duration is the last
// end time. The participants of the transcript's Channel map WebVTT voices to channels.
// Parsing runs on this thread: documents are at most MAX_DOCUMENT_BYTES, ~1 MB for 8 hours of talk.
import { parseDocumentFile } from '../../media/documents/parse.js';
import type { Participant } from '../../media/documents/sentence.js';
import type { DocumentType } from '../../media/detect.js';
import type { TranscriptRecord } from '../../store/store.js';
import { type Recognised, wholeSeconds } from './sentences.js';

export async function parseStage(path: string, type: DocumentType, transcript: TranscriptRecord): Promise<Recognised> {
  const sentences = await parseDocumentFile(path, type, participantsOf(transcript));
  const lastEnd = sentences.reduce((latest, sentence) => Math.max(latest, sentence.endTime ?? sentence.startTime ?? 0), 0);
  return { sentences, durationSeconds: wholeSeconds(lastEnd), audio: null };
}

/** The participants stored in the transcript's channel (only what maps speakers to channels). */
export function participantsOf(transcript: TranscriptRecord): Participant[] {
  let channel: unknown;
  try {
    channel = JSON.parse(transcript.channelJson);
  } catch {
    return [];
  }
  const participants = (channel as { participants?: unknown } | null)?.participants;
  if (!Array.isArray(participants)) return [];
  return participants.flatMap((participant: unknown): Participant[] => {
    const { channel_participant, role, full_name } = (participant ?? {}) as Record<string, unknown>;
    if (channel_participant !== 1 && channel_participant !== 2) return [];
    return [
      {
        channel_participant: channel_participant,
        role: typeof role === 'string' ? role : null,
        full_name: typeof full_name === 'string' ? full_name : null,
      },
    ];
  });
}
