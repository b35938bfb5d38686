// Transcripts' media on disk (MEDIA_DIR): one directory per transcript, named by its SID. The store
// keeps paths relative to the root, so MEDIA_DIR may move (or be mounted elsewhere on another node).
import { mkdir, rm } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export class MediaStore {
  constructor(readonly root: string) {}

  /** The transcript's directory, made (owner-only) when missing; answers its absolute path. */
  async directoryFor(transcriptSid: string): Promise<string> {
    const directory = this.absolute(transcriptSid);
    await mkdir(directory, { recursive: true, mode: 0o700 });
    return directory;
  }

  /** The stored path (relative to the root) of a transcript's file. */
  relativePath(transcriptSid: string, name: string): string {
    if (!SAFE_NAME.test(transcriptSid) || !SAFE_NAME.test(name)) throw new Error(`not a media file name: ${transcriptSid}/${name}`);
    return `${transcriptSid}/${name}`;
  }

  /** The absolute path of a stored relative path; refuses one that would leave the root. */
  absolute(relative: string): string {
    const normalised = normalize(relative);
    if (isAbsolute(normalised) || normalised === '..' || normalised.startsWith(`..${sep}`))
      throw new Error(`media path outside MEDIA_DIR: ${relative}`);
    return join(this.root, normalised);
  }

  /** Removes everything kept for a transcript (its directory); nothing there is not an error. */
  async removeTranscript(transcriptSid: string): Promise<void> {
    if (!SAFE_NAME.test(transcriptSid)) throw new Error(`not a transcript SID: ${transcriptSid}`);
    await rm(this.absolute(transcriptSid), { recursive: true, force: true });
  }
}
