// Seeding: the small database through the API (as a client would), and the large one directly into
// the SQLite file (the server is stopped), in big batches of pure-SQL inserts.
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { encodePageToken } from '../src/http/paging.js';

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

/**
 * Adds `rows` completed transcripts (no sentences) of one service to `accountSid`, older than what is
 * there, one millisecond apart, in batches of pure-SQL inserts (the server is stopped).
 */
export function seedTranscripts(filename: string, accountSid: string, serviceSid: string, rows: number, batch = 100_000): void {
  const db = new Database(filename);
  db.pragma('synchronous = OFF');
  const base = Date.now() - rows - 86_400_000;
  const insert = db.prepare(`
    WITH RECURSIVE n(i) AS (SELECT CAST(? AS INTEGER) UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
    INSERT INTO transcripts (sid, account_sid, service_sid, status, channel, media_url, source_sid, language_code,
      data_logging, redaction, media_redaction, customer_key, media_start_time, duration, operator_sids, error_code,
      error_message, media_path, media_content_type, redacted_media_path, date_created, date_updated)
    SELECT 'GT' || lower(hex(randomblob(16))), ?, ?, 'completed',
      '{"type":"voice","media_properties":{"source":"ExternalRecording","source_sid":null,"media_url":"https://example.com/call.vtt"},"participants":[]}',
      'https://example.com/call.vtt', NULL, 'en-US', 0, 0, 0, 'scale-' || i, NULL, 60, '[]', NULL, NULL, NULL, NULL, NULL, ? + i, ? + i FROM n`);
  for (let from = 0; from < rows; from += batch) insert.run(from, Math.min(rows, from + batch), accountSid, serviceSid, base, base);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}
