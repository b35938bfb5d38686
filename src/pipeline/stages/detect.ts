// Stage 2: what the fetched file is — from its Content-Type, else the URL's extension, else its first bytes.
import type { FetchedMedia } from '../../net/fetch-media.js';
import { detectMediaFile, type MediaType } from '../../media/detect.js';

export const detectStage = (fetched: FetchedMedia): Promise<MediaType> =>
  detectMediaFile(fetched.path, { contentType: fetched.contentType, url: fetched.finalUrl });

/** The Content-Type the media is stored (and later served) with. */
export const MEDIA_CONTENT_TYPES: Record<MediaType, string> = {
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  flac: 'audio/flac',
  vtt: 'text/vtt',
  json: 'application/json',
};
