// Seeding: the small database through the API (as a client would), and the large one directly into
// the SQLite file (the server is stopped), in big batches of pure-SQL inserts.
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { encodePageToken } from '../src/http/paging.js';
import { PROCESSING_FAILED, RECORDING_NOT_FOUND } from '../src/pipeline/failure.js';
import { REDACTED_MEDIA_FILE } from '../src/pipeline/stages/store-sentences.js';
import { newSid, type AccountSid, type OperatorSid, type ServiceSid } from '../src/sids.js';
import { operatorSidsIn } from '../src/store/operator-list.js';
import { flag } from '../src/store/sqlite-context.js';
import type { TranscriptRecord } from '../src/store/store.js';
import { TRANSCRIPT_COLUMNS, transcriptValues } from '../src/store/transcripts/row.js';

export interface SmallSeed {
  /** A service with `attachOperator` attached: POSTing it again is the idempotent read path. */
  attachService: string;
  attachOperator: string;
  /** A service with several operators attached, for GET /v2/Services/{sid}/Operators. */
  listService: string;
  /** One service per connection, nothing attached: each connection attaches and detaches `churnOperator`. */
  churnServices: string[];
  churnOperator: string;
  customOperators: number;
}

async function call(baseUrl: string, auth: string, method: string, path: string, form?: Record<string, string>): Promise<unknown> {
  const response = await fetch(baseUrl + path, {
    method,
    headers: { authorization: auth, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    body: form ? new URLSearchParams(form).toString() : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

/** Creates the services, attachments and custom operators the small workloads use. */
export async function seedThroughApi(baseUrl: string, auth: string, connections: number): Promise<SmallSeed> {
  const prebuilt = (await call(baseUrl, auth, 'GET', '/v2/Operators/PreBuilt?PageSize=100')) as {
    operators: Array<{ sid: string; availability: string }>;
  };
  const operators = prebuilt.operators.filter((operator) => operator.availability !== 'retired').map((operator) => operator.sid);
  const service = async (uniqueName: string) =>
    ((await call(baseUrl, auth, 'POST', '/v2/Services', { UniqueName: uniqueName })) as { sid: string }).sid;
  const attach = (serviceSid: string, operatorSid: string) =>
    call(baseUrl, auth, 'POST', `/v2/Services/${serviceSid}/Operators/${operatorSid}`);

  const attachService = await service('bench-attach');
  await attach(attachService, operators[0]!);
  const listService = await service('bench-list');
  for (const operator of operators.slice(0, 5)) await attach(listService, operator);
  const churnServices: string[] = [];
  for (let i = 0; i < connections; i++) churnServices.push(await service(`bench-churn-${i}`));

  // Enough custom operators that GET /v2/Operators?PageSize=50 answers a full page.
  const customOperators = Math.max(0, 50 - operators.length + 10);
  const config = JSON.stringify({ phrase_sets: [{ name: 'refund', phrases: ['refund', 'money back'], match: 'exact' }] });
  for (let i = 0; i < customOperators; i++) {
    await call(baseUrl, auth, 'POST', '/v2/Operators/Custom', { FriendlyName: `bench ${i}`, OperatorType: 'LiteralSpot', Config: config });
  }
  const [attachOperator, churnOperator] = operators;
  if (attachOperator === undefined || churnOperator === undefined)
    throw new Error('the catalog has fewer than two available pre-built operators');
  return { attachService, attachOperator, listService, churnServices, churnOperator, customOperators };
}

export interface LargeSeed {
  rows: number;
  seconds: number;
  databaseBytes: number;
  /** For each walk asked for: the PageToken of each of its pages (null for page 0, which has none). */
  walks: Array<Array<string | null>>;
}

/**
 * Adds `rows` services to `accountSid`, each with one pre-built operator attached, older than
 * everything already there, created one millisecond apart. Answers, for each walk (`count` pages
 * from page `from`, PageSize `pageSize`, pages counted from 0 as Page is), the PageToken the server
 * issues for each page of GET /v2/Services: the cursor after row page × pageSize − 1.
 */
export function seedDirectly(
  filename: string,
  accountSid: string,
  operatorSids: string[],
  options: { rows: number; batch: number; pageSize: number; walks: Array<{ from: number; count: number }> },
  progress: (done: number) => void,
): LargeSeed {
  const started = performance.now();
  const db = new Database(filename);
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -524288');
  const oldest = (db.prepare('SELECT min(date_created) FROM services').pluck().get() as number | null) ?? Date.now();
  const base = oldest - options.rows - 86_400_000;

  // One statement per batch: a recursive CTE numbers the rows, SQLite builds them, each with its
  // operator in its own row (pre-built operators have no other attachment record).
  // (better-sqlite3 binds JS numbers as REAL, hence the casts where a number becomes text.)
  const services = db.prepare(`
    WITH RECURSIVE n(i) AS (SELECT CAST(? AS INTEGER) UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
    INSERT INTO services (sid, account_sid, unique_name, friendly_name, language_code, auto_redaction,
      media_redaction, auto_transcribe, data_logging, webhook_url, webhook_http_method,
      encryption_credential_sid, version, date_created, date_updated, operator_sids)
    SELECT 'GA' || lower(hex(randomblob(16))), ?, 'scale-' || i, NULL, 'en-US', 0, 0, 0, 0, NULL, 'POST',
      NULL, 2, ? + i, ? + i, json_extract(?, '$[' || (i % CAST(? AS INTEGER)) || ']') FROM n`);
  const operators = JSON.stringify(operatorSids);
  for (let from = 0; from < options.rows; from += options.batch) {
    const to = Math.min(options.rows, from + options.batch);
    services.run(from, to, accountSid, base, base, operators, operatorSids.length);
    progress(to);
  }

  const rowAt = db.prepare('SELECT date_created, sid FROM services WHERE account_sid = ? AND date_created = ?');
  const tokenOf = (page: number): string | null => {
    if (page === 0) return null;
    const row = rowAt.get(accountSid, base + page * options.pageSize - 1) as { date_created: number; sid: string };
    return encodePageToken('after', { createdMs: row.date_created, sid: row.sid });
  };
  const walks = options.walks.map(({ from, count }) => Array.from({ length: count }, (_, index) => tokenOf(from + index)));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return {
    rows: options.rows,
    seconds: (performance.now() - started) / 1000,
    databaseBytes: statSync(filename).size,
    walks,
  };
}

/** What the transcripts' seed wrote, and how long it took. */
export interface TranscriptSeed {
  rows: number;
  seconds: number;
}

/** The settings a transcript copies from its service when it is created, and the service's operators. */
interface ServiceSettings {
  sid: ServiceSid;
  languageCode: string;
  dataLogging: boolean;
  redaction: boolean;
  mediaRedaction: boolean;
  operatorSids: OperatorSid[];
}

/** Shares of the transcripts by service, in the order the services are given (the rest share equally). */
const SERVICE_SHARES = [0.5, 0.25, 0.15];
const FAILED_SHARE = 0.03;

/** A participant of the Channel parameter as the server keeps it (every key present). */
const participant = (channelParticipant: 1 | 2, role: string) => ({
  channel_participant: channelParticipant,
  role,
  full_name: null,
  user_id: null,
  media_participant_id: null,
  email: null,
  image_url: null,
});

/** A small deterministic generator (mulberry32), so that every run seeds the same spread. */
function spread(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Adds `rows` transcripts to `accountSid` as the transcript job leaves them, spread over
 * `serviceSids` (half to the first, a quarter to the second, …; each with the settings and
 * operators copied from its service, as a create does) and over the `days` before `endMs`, in time
 * order at random moments: 97 % completed (media stored, 30 s to 15 min long), 3 % failed
 * (no media, an error); two in three from a media URL, the others from a recording SID; four in five
 * with a media start time (the call's start, minutes before), half with a customer key. No
 * sentences. Written directly, in batches of one transaction each (the server is stopped).
 */
export function seedTranscripts(
  filename: string,
  accountSid: string,
  serviceSids: string[],
  options: { rows: number; endMs: number; days: number; batch?: number },
): TranscriptSeed {
  const started = performance.now();
  const db = new Database(filename);
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -524288');
  const services = serviceSids.map((sid): ServiceSettings => {
    const row = db
      .prepare('SELECT language_code, data_logging, auto_redaction, media_redaction, operator_sids FROM services WHERE sid = ?')
      .get(sid) as
      { language_code: string; data_logging: number; auto_redaction: number; media_redaction: number; operator_sids: string } | undefined;
    if (row === undefined) throw new Error(`no service ${sid} to seed transcripts for`);
    return {
      sid: sid as ServiceSid,
      languageCode: row.language_code,
      dataLogging: row.data_logging === 1,
      redaction: row.auto_redaction === 1,
      mediaRedaction: row.media_redaction === 1,
      operatorSids: operatorSidsIn(row.operator_sids) as OperatorSid[],
    };
  });
  const rest = (1 - SERVICE_SHARES.reduce((sum, share) => sum + share, 0)) / Math.max(1, services.length - SERVICE_SHARES.length);
  const shares = services.map((_, index) => SERVICE_SHARES[index] ?? rest);
  const random = spread(options.rows);
  const serviceOf = (draw: number): ServiceSettings => {
    for (let index = 0, sum = 0; index < services.length; index++) {
      sum += shares[index]!;
      if (draw < sum) return services[index]!;
    }
    return services[services.length - 1]!;
  };
  // Each transcript at a random moment of its own slot of the window: in time order, none past its end.
  const spanMs = options.days * 86_400_000;
  const slotMs = spanMs / options.rows;
  const windowStartMs = options.endMs - spanMs;
  const transcript = (index: number): TranscriptRecord => {
    const createdMs = windowStartMs + Math.floor((index + random()) * slotMs);
    const service = serviceOf(random());
    const sid = newSid('GT');
    const fromRecording = random() < 1 / 3;
    const sourceSid = fromRecording ? newSid('RE') : null;
    const mediaUrl = fromRecording ? null : `https://media.example.com/calls/${index}.wav`;
    const channel = {
      type: 'voice',
      media_properties: { source: fromRecording ? 'Recording' : 'ExternalRecording', source_sid: sourceSid, media_url: mediaUrl },
      participants: [participant(1, 'Agent'), participant(2, 'Customer')],
    };
    const failure: [number, string] | null =
      random() >= FAILED_SHARE
        ? null
        : fromRecording
          ? [RECORDING_NOT_FOUND, `Recording ${sourceSid} not found: the Recordings API answered 404`]
          : [PROCESSING_FAILED, 'Processing failed: the media could not be read'];
    const durationSeconds = failure === null ? 30 + Math.floor(random() * 870) : 0;
    const finishedMs = createdMs + 2_000 + Math.floor(random() * 8_000);
    const mediaPath = failure === null ? `${sid}/media.wav` : null;
    return {
      sid,
      accountSid: accountSid as AccountSid,
      serviceSid: service.sid,
      status: failure === null ? 'completed' : 'failed',
      channelJson: JSON.stringify(channel),
      mediaUrl,
      sourceSid,
      languageCode: service.languageCode,
      dataLogging: service.dataLogging,
      redaction: service.redaction,
      mediaRedaction: service.mediaRedaction,
      customerKey: random() < 0.5 ? `customer-${Math.floor(random() * 100_000)}` : null,
      mediaStartTimeMs: random() < 0.8 ? createdMs - (durationSeconds + 60 + Math.floor(random() * 3_540)) * 1000 : null,
      durationSeconds,
      operatorSids: service.operatorSids,
      errorCode: failure?.[0] ?? null,
      errorMessage: failure?.[1] ?? null,
      mediaPath,
      mediaContentType: mediaPath === null ? null : 'audio/wav',
      redactedMediaPath: mediaPath !== null && service.mediaRedaction ? `${sid}/${REDACTED_MEDIA_FILE}` : null,
      dateCreatedMs: createdMs,
      dateUpdatedMs: finishedMs,
    };
  };

  const insert = db.prepare(`INSERT INTO transcripts (${TRANSCRIPT_COLUMNS}) VALUES (${Array(22).fill('?').join(', ')})`);
  const insertBatch = db.transaction((from: number, to: number) => {
    for (let index = from; index < to; index++) insert.run(transcriptValues(transcript(index), flag));
  });
  const batch = options.batch ?? 50_000;
  for (let from = 0; from < options.rows; from += batch) insertBatch(from, Math.min(options.rows, from + batch));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { rows: options.rows, seconds: (performance.now() - started) / 1000 };
}
