// The transcript pipeline's settings beyond the media fetch limits and the outbound policy: the speech
// engine (TRANSCRIBER*, checked here so that a bad value fails start-up) and the Recordings API that
// `source_sid` transcripts are fetched from (RECORDINGS_*).
import { ConfigError } from '../config.js';
import { checkSpeechEnv, type SpeechEnv } from '../engines/speech/select.js';
import { isSid, type AccountSid } from '../sids.js';

/** A Twilio-compatible Recordings API: GET {baseUrl}/2010-04-01/Accounts/{accountSid}/Recordings/{RE…}.wav, Basic auth. */
export interface RecordingsApi {
  baseUrl: string;
  accountSid: AccountSid;
  authToken: string;
}

const RECORDINGS_VARIABLES = ['RECORDINGS_BASE_URL', 'RECORDINGS_ACCOUNT_SID', 'RECORDINGS_AUTH_TOKEN'] as const;

/** RECORDINGS_BASE_URL, RECORDINGS_ACCOUNT_SID and RECORDINGS_AUTH_TOKEN: all three, or none (null). */
export function parseRecordingsApi(env: NodeJS.ProcessEnv): RecordingsApi | null {
  const given = RECORDINGS_VARIABLES.filter((name) => env[name]);
  if (given.length === 0) return null;
  if (given.length < RECORDINGS_VARIABLES.length) {
    throw new ConfigError(
      `${RECORDINGS_VARIABLES.join(', ')} must be set together (missing: ${RECORDINGS_VARIABLES.filter((name) => !env[name]).join(', ')})`,
    );
  }
  const baseUrl = env.RECORDINGS_BASE_URL!.replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+(\/\S*)?$/.test(baseUrl)) {
    throw new ConfigError(`RECORDINGS_BASE_URL must be an http(s) URL such as https://api.twilio.com, got "${env.RECORDINGS_BASE_URL}"`);
  }
  const accountSid = env.RECORDINGS_ACCOUNT_SID!;
  if (!isSid('AC', accountSid)) throw new ConfigError(`RECORDINGS_ACCOUNT_SID must be AC followed by 32 hex digits, got "${accountSid}"`);
  return { baseUrl, accountSid, authToken: env.RECORDINGS_AUTH_TOKEN! };
}

/** TRANSCRIBER, TRANSCRIBER_URL, TRANSCRIBER_API_KEY and TRANSCRIBER_MODEL, checked by building the engine once. */
export function parseTranscriber(env: NodeJS.ProcessEnv): SpeechEnv {
  const speech: SpeechEnv = {
    TRANSCRIBER: env.TRANSCRIBER,
    TRANSCRIBER_URL: env.TRANSCRIBER_URL,
    TRANSCRIBER_API_KEY: env.TRANSCRIBER_API_KEY,
    TRANSCRIBER_MODEL: env.TRANSCRIBER_MODEL,
  };
  if (speech.TRANSCRIBER_URL && !/^https?:\/\/[^/\s]+(\/\S*)?$/.test(speech.TRANSCRIBER_URL)) {
    throw new ConfigError(`TRANSCRIBER_URL must be an http(s) URL such as http://127.0.0.1:8000/v1, got "${speech.TRANSCRIBER_URL}"`);
  }
  try {
    checkSpeechEnv(speech);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  return speech;
}
