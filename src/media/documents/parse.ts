// A transcript document (WebVTT or JSON sentences) from its file, into sentence records.
import { readFile, stat } from 'node:fs/promises';
import type { DocumentType } from '../detect.js';
import { unsupportedMedia } from '../failure.js';
import { parseSentencesJson } from './json.js';
import type { Participant, SentenceRecord } from './sentence.js';
import { parseWebVtt } from './vtt.js';

/** Documents are read whole: past this the file is refused rather than held in memory (a transcript of ~8 h is ~1 MB). */
export const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

export async function parseDocumentFile(
  path: string,
  type: DocumentType,
  participants: readonly Participant[] = [],
): Promise<SentenceRecord[]> {
  const { size } = await stat(path);
  if (size > MAX_DOCUMENT_BYTES) throw unsupportedMedia(`The ${type} document is larger than ${MAX_DOCUMENT_BYTES} bytes`);
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let content: string;
  try {
    content = text.decode(await readFile(path));
  } catch {
    throw unsupportedMedia(`The ${type} document is not valid UTF-8 text`);
  }
  return type === 'vtt' ? parseWebVtt(content, participants) : parseSentencesJson(content);
}
