// Stage 5: the media moved from the scratch directory into the transcript's directory, then the
// media, duration and sentences recorded in one unit of work. A rerun replaces the earlier set; a
// transcript deleted meanwhile answers false, and the unit rolls back (TranscriptGone).
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { MediaType } from '../../media/detect.js';
import { newSid } from '../../sids.js';
import type { StoredSentence } from '../../store/store.js';
import { prepareSentences } from '../../store/transcripts/row.js';
import type { PipelineParts, Run } from '../context.js';
import { TranscriptGone } from '../failure.js';
import { MEDIA_CONTENT_TYPES } from './detect.js';
import type { Redacted } from './redact.js';

export const REDACTED_MEDIA_FILE = 'redacted.wav';

export async function storeSentencesStage(
  parts: PipelineParts,
  run: Run,
  media: { path: string; type: MediaType; durationSeconds: number },
  redacted: Redacted,
): Promise<StoredSentence[]> {
  const sid = run.transcript.sid;
  const directory = await parts.media.directoryFor(sid);
  const mediaName = `media.${media.type}`;
  await rename(media.path, join(directory, mediaName));
  let redactedMediaPath: string | null = null;
  if (redacted.redactedMediaFile !== null) {
    await rename(redacted.redactedMediaFile, join(directory, REDACTED_MEDIA_FILE));
    redactedMediaPath = parts.media.relativePath(sid, REDACTED_MEDIA_FILE);
  }
  const sentences: StoredSentence[] = redacted.sentences.map((sentence, sentenceIndex) => ({
    sid: newSid('GX'),
    transcriptSid: sid,
    sentenceIndex,
    mediaChannel: sentence.mediaChannel,
    startTime: sentence.startTime,
    endTime: sentence.endTime,
    confidence: sentence.confidence,
    transcript: sentence.transcript,
    words: sentence.words,
    redactedTranscript: sentence.redactedTranscript,
    redactedWords: sentence.redactedWords,
  }));
  await prepareSentences(sentences);
  const nowMs = (parts.now ?? Date.now)();
  await parts.store.transaction(async (tx) => {
    const recorded = await tx.setTranscriptMedia(
      sid,
      {
        mediaPath: parts.media.relativePath(sid, mediaName),
        mediaContentType: MEDIA_CONTENT_TYPES[media.type],
        redactedMediaPath,
        durationSeconds: media.durationSeconds,
      },
      nowMs,
    );
    if (!recorded || !(await tx.replaceSentences(sid, sentences, nowMs)))
      throw new TranscriptGone(`transcript ${sid} was deleted or finished while it was processed`);
  });
  return sentences;
}
