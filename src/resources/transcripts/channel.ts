// The `Channel` form parameter of POST /v2/Transcripts (TRANSCRIPTS.md §1): parsed and checked once,
// then kept in the shape the API serves it, every participant key present.
import { invalidParameter, TwilioError } from '../../errors.js';
import { isSid } from '../../sids.js';

export interface Participant {
  channel_participant: 1 | 2;
  role: string;
  full_name: string | null;
  user_id: string | null;
  media_participant_id: string | null;
  email: string | null;
  image_url: string | null;
}

export interface Channel {
  type: 'voice';
  media_properties: {
    source: 'ExternalRecording' | 'Recording';
    source_sid: string | null;
    media_url: string | null;
  };
  participants: Participant[];
}

export const MAX_PARTICIPANTS = 2;
/** Longest media_url accepted (Twilio's URL parameters stop at a few KB). */
export const MAX_MEDIA_URL_LENGTH = 2048;
/** Longest text of a participant's field [ours]. */
export const MAX_PARTICIPANT_FIELD_LENGTH = 256;

const DEFAULT_ROLES: Record<1 | 2, string> = { 1: 'Agent', 2: 'Customer' };
const OPTIONAL_TEXT_FIELDS = ['full_name', 'user_id', 'media_participant_id', 'email', 'image_url'] as const;

export const mediaUrlEmpty = () => new TwilioError(400, 95006, 'Media url is empty');
export const invalidMediaUrl = () => new TwilioError(400, 95005, 'Invalid media url');
const participantIdWithRecording = () => invalidParameter('The media_participant_id can only be set for transcript with media url');

const badChannel = (message: string) => invalidParameter(`Invalid parameter Channel: ${message}`);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** An absolute http(s) URL with a host, as the job can fetch it. */
function isHttpUrl(text: string): boolean {
  if (!/^https?:\/\//i.test(text) || text.length > MAX_MEDIA_URL_LENGTH) return false;
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function optionalText(value: unknown, where: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw badChannel(`${where} must be a string`);
  if (value.length > MAX_PARTICIPANT_FIELD_LENGTH) throw badChannel(`${where} must be at most ${MAX_PARTICIPANT_FIELD_LENGTH} characters`);
  return value;
}

function parseParticipant(value: unknown, index: number): Participant {
  const where = `participants[${index}]`;
  if (!isObject(value)) throw badChannel(`${where} must be an object`);
  const channel = value.channel_participant;
  if (channel !== 1 && channel !== 2) throw badChannel(`${where}.channel_participant must be 1 or 2`);
  const role = optionalText(value.role, `${where}.role`);
  const participant: Participant = {
    channel_participant: channel,
    role: role === null || role === '' ? DEFAULT_ROLES[channel] : role,
    full_name: null,
    user_id: null,
    media_participant_id: null,
    email: null,
    image_url: null,
  };
  for (const field of OPTIONAL_TEXT_FIELDS) participant[field] = optionalText(value[field], `${where}.${field}`);
  return participant;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badChannel('must be a JSON object, e.g. {"media_properties": {"media_url": "https://…"}}');
  }
}

/**
 * Parses the `Channel` JSON text. Errors: not JSON or the wrong shape → 400 20422 naming the field;
 * no media → 95006; a media_url that is not an absolute http(s) URL → 95005.
 */
export function parseChannel(text: string): Channel {
  const value = parseJson(text);
  if (!isObject(value)) throw badChannel('must be a JSON object');
  if (value.type !== undefined && value.type !== 'voice') throw badChannel('type must be "voice"');
  const properties = value.media_properties ?? {};
  if (!isObject(properties)) throw badChannel('media_properties must be an object');

  const rawUrl = properties.media_url;
  if (rawUrl !== undefined && rawUrl !== null && typeof rawUrl !== 'string')
    throw badChannel('media_properties.media_url must be a string');
  const rawSourceSid = properties.source_sid;
  if (rawSourceSid !== undefined && rawSourceSid !== null && typeof rawSourceSid !== 'string') {
    throw badChannel('media_properties.source_sid must be a string');
  }
  const mediaUrl = typeof rawUrl === 'string' && rawUrl.trim() !== '' ? rawUrl.trim() : null;
  const sourceSid = typeof rawSourceSid === 'string' && rawSourceSid !== '' ? rawSourceSid : null;
  if (sourceSid !== null && !isSid('RE', sourceSid))
    throw badChannel('media_properties.source_sid must be a Recording SID (RE followed by 32 hex digits)');
  if (mediaUrl === null && sourceSid === null) throw mediaUrlEmpty();
  if (mediaUrl !== null && !isHttpUrl(mediaUrl)) throw invalidMediaUrl();

  const rawParticipants = value.participants ?? [];
  if (!Array.isArray(rawParticipants)) throw badChannel('participants must be an array');
  if (rawParticipants.length > MAX_PARTICIPANTS) throw badChannel(`participants may list at most ${MAX_PARTICIPANTS} participants`);
  const participants = rawParticipants.map(parseParticipant);
  const [first, second] = participants;
  if (first !== undefined && second !== undefined && first.channel_participant === second.channel_participant) {
    throw badChannel('participants must have distinct channel_participant values');
  }
  // With a recording as the only source, a participant cannot be named by its media id [O].
  if (mediaUrl === null && participants.some((participant) => participant.media_participant_id !== null)) {
    throw participantIdWithRecording();
  }

  return {
    type: 'voice',
    media_properties: {
      source: mediaUrl !== null ? 'ExternalRecording' : 'Recording',
      source_sid: sourceSid,
      media_url: mediaUrl,
    },
    participants,
  };
}
