// Shared by the hardening tests: Twilio error-body checks, a dump of every table (to prove a
// refused request changed nothing), raw-socket HTTP for requests node:http will not send, and
// the DATABASE_URL a CLI process needs to reach a test server's database.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { SqliteStore } from '../../src/store/sqlite.js';
import type { TestResponse, TestServer } from '../helpers/server.js';
import { testDatabaseUrl, urlWithSearchPath } from '../helpers/postgres.js';

const ERROR_KEYS = new Set(['code', 'message', 'more_info', 'status', 'details']);

/** The body is a Twilio error: numeric code and status (= the HTTP status), message, more_info. */
export function assertTwilioErrorBody(status: number, text: string, context = ''): { code: number; message: string } {
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    assert.fail(`${context}: ${status} with a body that is not JSON: ${JSON.stringify(text.slice(0, 200))}`);
  }
  assert.equal(typeof body, 'object', context);
  assert.ok(Number.isInteger(body.code), `${context}: code is not a number: ${text}`);
  assert.equal(body.status, status, `${context}: body status differs from HTTP status: ${text}`);
  assert.equal(typeof body.message, 'string', context);
  assert.equal(body.more_info, `https://www.twilio.com/docs/errors/${body.code}`, context);
  for (const key of Object.keys(body)) assert.ok(ERROR_KEYS.has(key), `${context}: unexpected field ${key}: ${text}`);
  return body;
}

export function assertError(response: Pick<TestResponse, 'status' | 'text'>, status: number, code: number, context = ''): void {
  assert.equal(response.status, status, `${context}: expected ${status} ${code}, got ${response.status}: ${response.text.slice(0, 300)}`);
  const body = assertTwilioErrorBody(response.status, response.text, context);
  assert.equal(body.code, code, `${context}: ${response.text.slice(0, 300)}`);
}

/** The PostgreSQL schema a test server keeps its tables in (written by test/helpers/server.ts). */
function postgresSchemaOf(server: TestServer): string {
  return readFileSync(join(server.directory, 'postgres-schema'), 'utf8').trim();
}

/** A DATABASE_URL that reaches the same database as `server`, for a CLI or server process. */
export function databaseUrlOf(server: TestServer): string {
  if (server.config.database.kind === 'sqlite') return `sqlite:${server.config.database.filename}`;
  return urlWithSearchPath(postgresSchemaOf(server), testDatabaseUrl());
}

/** The tables every schema has: a dump without them read the wrong place, and would prove nothing. */
const CORE_TABLES = ['accounts', 'api_keys', 'services', 'custom_operators'];

/** Every row of every table the database has, ordered, as one JSON text per table. */
export async function dumpTables(server: TestServer): Promise<Record<string, string>> {
  const dump = await dumpEveryTable(server);
  const missing = CORE_TABLES.filter((table) => !(table in dump));
  assert.deepEqual(missing, [], `the dump found only ${Object.keys(dump).join(', ') || 'no tables'}`);
  return dump;
}

async function dumpEveryTable(server: TestServer): Promise<Record<string, string>> {
  const dump: Record<string, string> = {};
  if (server.store instanceof SqliteStore) {
    const database = server.store.database;
    const tables = database.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all() as string[];
    for (const table of tables) {
      dump[table] = JSON.stringify(database.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all());
    }
    return dump;
  }
  const client = new pg.Client({ connectionString: databaseUrlOf(server) });
  await client.connect();
  try {
    const tables = await client.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
    );
    for (const { table_name: table } of tables.rows) {
      dump[table] = JSON.stringify((await client.query(`SELECT * FROM ${table} ORDER BY 1, 2`)).rows);
    }
  } finally {
    await client.end();
  }
  return dump;
}

export interface RawResponse {
  status: number;
  headers: Map<string, string>;
  text: string;
  /** The bytes exactly as they came, head and body. */
  raw: string;
}

export const basicAuth = (username: string, password: string) => 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64');

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Splits the first complete response (head and Content-Length body) off `buffer`, if it is all there. */
function takeResponse(buffer: Buffer): { response: RawResponse; rest: Buffer } | null {
  const text = buffer.toString('latin1');
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd === -1) return null;
  const [statusLine = '', ...lines] = text.slice(0, headEnd).split('\r\n');
  const headers = new Map(
    lines.map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  const end = headEnd + 4 + Number(headers.get('content-length') ?? 0);
  if (text.length < end) return null;
  const body = buffer.subarray(headEnd + 4, end).toString('utf8');
  return {
    response: { status: Number(statusLine.split(' ')[1]), headers, text: body, raw: text.slice(0, end) },
    rest: buffer.subarray(end),
  };
}

/** One kept-open connection: write bytes whenever, read its responses one by one. */
export class Connection {
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: (() => void) | null = null;
  closed = false;
  private readonly socket: ReturnType<typeof connect>;

  constructor(url: string) {
    const { hostname, port } = new URL(url);
    this.socket = connect(Number(port), hostname);
    this.socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.waiting?.();
    });
    this.socket.on('error', () => undefined);
    this.socket.on('close', () => {
      this.closed = true;
      this.waiting?.();
    });
  }

  /** Writes `bytes`; `flushed` is called once they have been handed to the operating system. */
  write(bytes: string | Buffer, flushed?: () => void): void {
    this.socket.write(bytes, flushed);
  }

  /** The next complete response; rejects if the connection closes first. */
  async response(): Promise<RawResponse> {
    for (;;) {
      const taken = takeResponse(this.buffer);
      if (taken !== null) {
        this.buffer = taken.rest;
        return taken.response;
      }
      if (this.closed)
        throw new Error(`connection closed before a full response: ${JSON.stringify(this.buffer.toString('latin1').slice(0, 200))}`);
      await new Promise<void>((resolve) => (this.waiting = resolve));
      this.waiting = null;
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Sends bytes as they are over a fresh connection (CR/LF or NUL in headers, bad methods…). */
export async function rawHttp(url: string, request: string | Buffer, timeoutMs = 5000): Promise<RawResponse> {
  const connection = new Connection(url);
  const timer = setTimeout(() => connection.close(), timeoutMs);
  try {
    connection.write(request);
    return await connection.response();
  } finally {
    clearTimeout(timer);
    connection.close();
  }
}
