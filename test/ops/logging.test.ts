// Logs: one JSON line per request with the Twilio-Request-Id, account SID, route template, status
// and duration; never a secret; LOG_LEVEL respected; human-readable only on a terminal.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Writable } from 'node:stream';
import Fastify, { type FastifyRequest } from 'fastify';
import { loadConfig } from '../../src/config.js';
import { jsonLines, loggerOptions } from '../../src/ops/logging.js';
import { lazyRequestLogger, requestLogger } from '../../src/ops/request-log.js';
import { startTestServer } from '../helpers/server.js';
import { ADMIN_TOKEN, bearer, METRICS_TOKEN } from './support.js';

const requestLines = (logs: string[]) =>
  logs
    .join('')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.msg === 'request');

test('each request logs one JSON line with its request id, account SID, route template, status and duration', async () => {
  const server = await startTestServer();
  try {
    const created = await server.request('POST', '/v2/Services', { form: { UniqueName: 'logged' } });
    const fetched = await server.request('GET', `/v2/Services/${created.body.sid}`);
    const lines = requestLines(server.logs);
    const line = lines.find((entry) => entry.reqId === fetched.headers.get('twilio-request-id'));
    assert.ok(line, `no line for ${fetched.headers.get('twilio-request-id')} in ${server.logs.join('')}`);
    assert.equal(line.account_sid, server.account.sid);
    assert.equal(line.route, '/v2/Services/:Sid');
    assert.equal(line.method, 'GET');
    assert.equal(line.status, 200);
    assert.equal(typeof line.duration_ms, 'number');
    assert.equal(line.level, 30);
    assert.equal(lines.filter((entry) => entry.reqId === fetched.headers.get('twilio-request-id')).length, 1);
  } finally {
    await server.close();
  }
});

test('logs never contain the auth token, an API key secret or the operations tokens', async () => {
  const server = await startTestServer({ env: { ADMIN_TOKEN, METRICS_TOKEN } });
  try {
    const key = await server.newApiKey(server.account.sid);
    const byKey = { username: key.sid, password: key.secret };
    await server.request('GET', '/v2/Services');
    await server.request('POST', '/v2/Services', { auth: byKey, form: { UniqueName: 'by-key' } });
    await server.request('GET', '/v2/Services', { auth: { username: server.account.sid, password: key.secret } });
    await server.request('GET', '/v2/Services', { auth: { username: key.sid, password: server.account.secret + 'x' } });
    await server.request('GET', '/metrics', { auth: null, headers: bearer(METRICS_TOKEN) });
    await server.request('GET', `/admin/accounts/${server.account.sid}/snapshot`, { auth: null, headers: bearer(ADMIN_TOKEN) });
    await server.request('GET', `/admin/accounts/${server.account.sid}/snapshot`, { auth: null, headers: bearer(ADMIN_TOKEN + 'x') });
    const text = server.logs.join('');
    assert.ok(requestLines(server.logs).length >= 7);
    for (const secret of [server.account.secret, key.secret, ADMIN_TOKEN, METRICS_TOKEN]) {
      assert.ok(!text.includes(secret), 'a secret was logged');
    }
    const basic = Buffer.from(`${server.account.sid}:${server.account.secret}`).toString('base64');
    assert.ok(!text.includes(basic), 'an Authorization header was logged');
  } finally {
    await server.close();
  }
});

test('LOG_LEVEL=warn writes no request lines', async () => {
  const server = await startTestServer({ env: { LOG_LEVEL: 'warn' } });
  try {
    await server.request('GET', '/v2/Services');
    assert.equal(requestLines(server.logs).length, 0);
  } finally {
    await server.close();
  }
});

test('log lines are human-readable (pino-pretty, off the request path) only when stdout is a terminal', () => {
  const config = loadConfig({ LOG_LEVEL: 'debug' });
  const terminal = loggerOptions(config, undefined, true) as { level: string; transport?: { target: string } };
  assert.equal(terminal.level, 'debug');
  assert.match(terminal.transport?.target ?? '', /pino-pretty/);
  const pipe = loggerOptions(config, undefined, false) as { transport?: unknown };
  assert.equal(pipe.transport, undefined, 'JSON lines when stdout is not a terminal');
  const stream = new Writable({ write: (_chunk, _encoding, done) => done() });
  assert.equal((loggerOptions(config, stream, true) as { stream?: unknown }).stream, stream);
});

test('the request line is written byte for byte as pino writes the same fields', () => {
  const lines: string[] = [];
  const stream = { write: (line: string) => lines.push(line) };
  const options = loggerOptions(loadConfig({ LOG_LEVEL: 'info' }), stream as unknown as NodeJS.WritableStream);
  const logger = Fastify({ logger: options }).log;
  const cases = [
    {
      reqId: 'RQ0123456789abcdef0123456789abcdef',
      account_sid: 'AC' + 'ab'.repeat(16),
      method: 'POST',
      route: '/v2/Services/:ServiceSid/Operators/:OperatorSid',
      status: 202,
      duration_ms: 1.234,
    },
    // No account (failed authentication), no route (nothing matched), a template needing escapes.
    { reqId: 'RQ1', account_sid: undefined, method: 'GET', route: undefined, status: 404, duration_ms: 0.05 },
    { reqId: 'RQ2', account_sid: undefined, method: 'DELETE', route: '/v2/"quoted"\\path', status: 500, duration_ms: 12 },
  ];
  const write = requestLogger(logger, jsonLines(options));
  for (const { reqId, ...fields } of cases) {
    logger.child({ reqId }).info(fields, 'request');
    const request = { id: reqId, accountSid: fields.account_sid ?? '', method: fields.method } as unknown as FastifyRequest;
    write(request, fields.status, fields.route, fields.duration_ms);
  }
  assert.equal(lines.length, 2 * cases.length);
  const withoutTime = (line: string) => line.replace(/"time":\d+/, '"time":0');
  for (let i = 0; i < lines.length; i += 2) assert.equal(withoutTime(lines[i + 1]!), withoutTime(lines[i]!));

  // A level above info writes nothing.
  logger.level = 'warn';
  write({ id: 'RQ3', accountSid: '', method: 'GET' } as unknown as FastifyRequest, 200, '/v2/Services', 1);
  assert.equal(lines.length, 2 * cases.length);
});

test("a request's logger writes what pino's child logger writes, and is made only when used", () => {
  const lines: string[] = [];
  const stream = { write: (line: string) => lines.push(line) };
  const logger = Fastify({ logger: loggerOptions(loadConfig({ LOG_LEVEL: 'info' }), stream as unknown as NodeJS.WritableStream) }).log;
  const lazy = lazyRequestLogger(logger, { reqId: 'RQ9' }, {});
  assert.equal(lazy.level, 'info');
  lazy.debug('not written at info');
  assert.equal(lines.length, 0);
  lazy.warn({ err: new Error('boom') }, 'request failed');
  logger.child({ reqId: 'RQ9' }, {}).warn({ err: new Error('boom') }, 'request failed');
  const [ours, pinos] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.ok(ours && pinos, 'two lines');
  assert.equal(ours.reqId, 'RQ9');
  assert.deepEqual(Object.keys(ours), Object.keys(pinos));
  assert.equal(ours.msg, pinos.msg);
  // A per-route level reaches the child.
  const quiet = lazyRequestLogger(logger, { reqId: 'RQ10' }, { level: 'error' });
  assert.equal(quiet.level, 'error');
  quiet.warn('not written at error');
  assert.equal(lines.length, 2);
  assert.equal(quiet.child({ more: 1 }).level, 'error');
});
